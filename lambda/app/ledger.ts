/**
 * One evaluation against the findings ledger: decide every finding (core/ledger/policy.ts), write
 * each decision conditionally, and claim the messages to send before they are sent. Two
 * invocations racing on one finding: one claim wins, the other re-reads and finds nothing to send.
 * A publish that fails after the claim leaves the claim unsent: the retry (same claim id) sends it.
 */
import type { LedgerStore, StoredEntry } from '../adapters/ledger-store';
import { decideResult, resourceKey, type Decision, type PolicySettings } from '../core/ledger/policy';
import { isAtLeast } from '../core/model/severity';
import type { EvaluationResult } from '../core/model/types';

export interface LedgerDeps {
  store: LedgerStore;
  settings: PolicySettings;
  now: () => Date;
  /** Same on a retry of the same work (the CloudTrail event id, the sweep batch's message id). */
  claimId: string;
}

export interface Recorded {
  /** One decision per finding and per open entry, with why a message is or is not sent. */
  decisions: Decision[];
  /** The decisions whose message this invocation claimed and must send. */
  claimed: Extract<Decision, { send: true }>[];
  /** Call once the message is out: clears the claims. */
  confirm: () => Promise<void>;
  /** Call when the publish failed: lets this work's retry send what it claimed. */
  fail: () => Promise<void>;
}

/**
 * A message names every open finding of its resource at or above the threshold, so when one is
 * sent, the others it names count as told now: their renotify clock restarts with it, instead
 * of each finding sending the whole resource again on its own schedule.
 */
function toldTogether(decisions: Decision[], now: Date, settings: PolicySettings): Decision[] {
  if (!decisions.some((d) => d.send && d.reason !== 'resolved')) return decisions;
  const at = now.toISOString();
  return decisions.map((d) => (!d.send && d.reason === 'unchanged' && d.next?.status === 'open' && isAtLeast(d.next.severity, settings.notifyMinSeverity)
    ? { ...d, next: { ...d.next, lastNotified: at, notifiedSeverity: d.next.severity, notifiedLatent: d.next.latent } }
    : d));
}

/** Conflicts in a row before the ledger gives up (the message then goes out without it, see pipeline.ts). */
const ATTEMPTS = 3;

/**
 * The ledger could not record everything. `written` holds what it did record, claims included:
 * whoever sends the message without the ledger confirms those, so they are not sent again later.
 */
export class LedgerWriteError extends Error {
  override name = 'LedgerWriteError';
  constructor(message: string, readonly written: Recorded, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class LedgerContentionError extends LedgerWriteError {
  override name = 'LedgerContentionError';
}

function recorded(done: Map<string, Decision>, deps: LedgerDeps): Recorded {
  const all = [...done.values()];
  const claimed = all.filter((d): d is Extract<Decision, { send: true }> => d.send);
  return {
    decisions: all, claimed,
    confirm: async () => { await Promise.all(claimed.map((d) => deps.store.confirm(d.next, deps.claimId))); },
    fail: async () => { await Promise.all(claimed.map((d) => deps.store.markFailed(d.next, deps.claimId))); },
  };
}

export async function recordEvaluation(result: EvaluationResult, deps: LedgerDeps, prefetched?: Promise<StoredEntry[]>): Promise<Recorded> {
  const key = resourceKey(result.resource);
  const done = new Map<string, Decision>();
  let pending: Promise<StoredEntry[]> = prefetched ?? deps.store.entriesFor(key);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const entries = await pending;
    const now = deps.now();
    const versions = new Map(entries.map((e) => [e.checkId, e.version]));
    const decisions = toldTogether(decideResult(result, entries, now, deps.settings, deps.claimId).filter((d) => !done.has(d.checkId)), now, deps.settings);
    // Settled, not all-or-nothing: what was written (claims included) must be known even if one write fails.
    const outcomes = await Promise.allSettled(decisions.map(async (d) => {
      if (!d.next) return 'written' as const;
      const claim = d.send ? { claimId: deps.claimId, at: now.toISOString(), reason: d.reason } : undefined;
      return deps.store.write(d.next, versions.get(d.checkId), claim);
    }));
    decisions.forEach((d, i) => { const o = outcomes[i]; if (o?.status === 'fulfilled' && o.value === 'written') done.set(d.checkId, d); });
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw new LedgerWriteError(`the ledger could not record ${key}`, recorded(done, deps), { cause: failed.reason });
    if (outcomes.every((o) => o.status === 'fulfilled' && o.value === 'written')) return recorded(done, deps);
    // Another invocation wrote first: decide again from what it wrote.
    pending = deps.store.entriesFor(key);
  }
  throw new LedgerContentionError(`the ledger entries of ${key} kept changing under this invocation (${ATTEMPTS} attempts)`, recorded(done, deps));
}
