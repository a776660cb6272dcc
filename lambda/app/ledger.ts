/**
 * One evaluation against the findings ledger: decide every finding (core/ledger/policy.ts), write
 * the resource's decisions in one conditional transaction, and claim the message to send before it
 * is sent. Two invocations racing on one resource: one transaction wins, the other re-reads and
 * finds nothing to send (or only what changed on top). A publish that fails after the claim leaves
 * the claim unsent and marked failed: the retry (same claim id) sends it.
 */
import type { EntryWrite, LedgerStore, ResourceLedger } from '../adapters/ledger-store';
import { CLAIM_LEASE_MS, decideResult, resourceKey, type Decision, type LedgerEntry, type PolicySettings } from '../core/ledger/policy';
import { pagesOn } from '../core/checks';
import { isAtLeast } from '../core/model/severity';
import type { EvaluationResult } from '../core/model/types';

type Send = Extract<Decision, { send: true }>;

/**
 * Where a decision to send goes: its own message now (claimed first), the sweep's digest (told
 * there, no claim), or nowhere because a message about it already went out another way (the
 * guard's own remediation report): then it is recorded as not told, and the next evaluation tells it.
 */
export type Delivery = 'message' | 'digest' | 'quiet';

export interface LedgerDeps {
  store: LedgerStore;
  settings: PolicySettings;
  now: () => Date;
  /** Same on a retry of the same work (the CloudTrail event id, the sweep batch's message id). */
  claimId: string;
  /** @default every send is a message */
  route?: (decision: Send) => Delivery;
  /** A message about this went out another way (the guard's own echo, a fan-out that tells only what became live). */
  quiet?: boolean;
  /** When the reads behind this result began. @default now() */
  observedAt?: Date;
  /** How long this work's claims hold (policy.ts, CLAIM_LEASE_MS). @default CLAIM_LEASE_MS.event */
  leaseMs?: number;
  /**
   * The sweep run: every send is marked with it, so that a batch retried after its first try
   * recorded something still reports it in the run's digest (`digested`), instead of finding it
   * already told and leaving it out.
   */
  run?: string;
  /** An earlier run that sent no digest: what it recorded as told is told in this one's. */
  unfinishedRun?: string;
}

export interface Recorded {
  /** One decision per finding and per open entry, with why a message is or is not sent. */
  decisions: Decision[];
  /** The decisions whose message this invocation claimed and must send. */
  claimed: Send[];
  /** The decisions the sweep's digest tells (with those an earlier try of the same batch recorded). */
  digested: Send[];
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
  const at = now.toISOString();
  return decisions.map((d) => {
    if (d.send || d.reason !== 'unchanged' || d.next?.status !== 'open' || !isAtLeast(d.next.severity, settings.notifyMinSeverity)) return d;
    const { idle: _idle, ...rest } = d;
    return { ...rest, next: { ...d.next, lastNotified: at, notifiedSeverity: d.next.severity, notifiedLatent: d.next.latent } };
  });
}

/** A send that goes nowhere: the state is recorded, the level told stays what it was. */
function untold(d: Send, prev: LedgerEntry | undefined): Decision {
  const { lastNotified: _n, notifiedSeverity: _s, notifiedLatent: _l, ...rest } = d.next;
  const told = { lastNotified: prev?.lastNotified, notifiedSeverity: prev?.notifiedSeverity, notifiedLatent: prev?.notifiedLatent };
  return { checkId: d.checkId, send: false, reason: 'suppressed', next: { ...rest, ...Object.fromEntries(Object.entries(told).filter(([, v]) => v !== undefined)) } };
}

/** Every finding of a result read before the ledger's newest: nothing to decide, nothing to write. */
function outOfOrder(result: EvaluationResult, entries: readonly LedgerEntry[]): Decision[] {
  const own = result.findings.filter((f) => pagesOn(f.checkId, result.resource.type));
  const ids = new Set([...own.map((f) => f.checkId), ...entries.filter((e) => e.status === 'open').map((e) => e.checkId)]);
  return [...ids].map((checkId) => ({ checkId, send: false, reason: 'out-of-order' }));
}

/** Conflicts in a row before the ledger gives up (the message then goes out without it, see pipeline.ts). */
const ATTEMPTS = 3;

/** Another writer kept winning: nothing of this evaluation was written. */
export class LedgerContentionError extends Error {
  override name = 'LedgerContentionError';
}

/**
 * This work's own earlier try holds an unconfirmed claim within its lease. Thrown so that Lambda
 * (or the queue) retries later, when the claim is confirmed, failed or past its lease; sending now
 * could double the message, dropping it could lose it.
 */
export class ClaimInFlightError extends Error {
  override name = 'ClaimInFlightError';
}

export async function recordEvaluation(result: EvaluationResult, deps: LedgerDeps, prefetched?: Promise<ResourceLedger>): Promise<Recorded> {
  const key = resourceKey(result.resource);
  let pending = prefetched ?? deps.store.read(key);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { entries, version, observedAt: newest } = await pending;
    const now = deps.now();
    const observedAt = deps.observedAt ?? now;
    const prev = new Map(entries.map((e) => [e.checkId, e]));
    // Another evaluation that read the resource later has already written it: this one saw an
    // older state (a late delivery, a slow read), and must not tell it over the newer one.
    const late = newest !== undefined && Date.parse(newest) > observedAt.getTime();
    const decisions = late ? outOfOrder(result, entries) : decideResult(result, entries, now, deps.settings, deps.claimId);
    if (decisions.some((d) => d.reason === 'in-flight')) {
      throw new ClaimInFlightError(`${key}: this work's earlier try holds an unconfirmed claim; retry once it is confirmed, failed, or past its lease`);
    }
    const routed = decisions.map((d) => {
      const delivery = d.send ? (deps.route?.(d) ?? 'message') : undefined;
      return { d: d.send && delivery === 'quiet' ? untold(d, prev.get(d.checkId)) : d, delivery };
    });
    const messaged = routed.some(({ d, delivery }) => d.send && delivery === 'message' && d.reason !== 'resolved');
    const decided = routed.map((r) => ({ ...r, d: messaged ? toldTogether([r.d], now, deps.settings)[0]! : r.d }));
    const claimed = decided.filter((r) => r.d.send && r.delivery === 'message').map((r) => r.d as Send);
    const digested = decided.filter((r) => r.d.send && r.delivery === 'digest').map((r) => r.d as Send);
    const claim = { claimId: deps.claimId, at: now.toISOString(), until: new Date(now.getTime() + (deps.leaseMs ?? CLAIM_LEASE_MS.event)).toISOString() };
    const writes: EntryWrite[] = decided.filter((r) => r.d.next && !(!r.d.send && r.d.idle)).map(({ d, delivery }) => ({
      next: d.send && deps.run ? { ...d.next!, digest: { run: deps.run, reason: d.reason } } : d.next!,
      ...(d.send && delivery === 'message' ? { claim: { ...claim, reason: d.reason } } : {}),
    }));
    // Told in this run by an earlier try of this batch, or by a run that never sent its digest (the
    // entries now look unchanged): told again, as long as the entry still is what was told.
    if (deps.run) {
      const runs = new Set([deps.run, ...(deps.unfinishedRun ? [deps.unfinishedRun] : [])]);
      const sentNow = new Set(decided.filter((r) => r.d.send).map((r) => r.d.checkId));
      for (const e of entries) {
        if (!e.digest || !runs.has(e.digest.run) || sentNow.has(e.checkId)) continue;
        if ((e.digest.reason === 'resolved') !== (e.status === 'closed')) continue;
        digested.push({ checkId: e.checkId, send: true, reason: e.digest.reason, next: e });
      }
    }
    const done: Recorded = {
      decisions: decided.map((r) => r.d), claimed, digested,
      confirm: async () => { await Promise.all(claimed.map((d) => deps.store.confirm(d.next, deps.claimId))); },
      fail: async () => { await Promise.all(claimed.map((d) => deps.store.markFailed(d.next, deps.claimId))); },
    };
    // A resource that stays compliant, or stays the same and is not due, costs no write.
    if (writes.length === 0) return done;
    const after = new Map(prev);
    for (const w of writes) after.set(w.next.checkId, w.next);
    const open = [...after.values()].some((e) => e.status === 'open');
    // A quiet write (the guard's own echo, a bucket a fan-out did not tell) records state on purpose
    // untold: it must not make a real event that read a moment earlier look out of order.
    const quietly = deps.quiet === true || routed.some((r) => r.delivery === 'quiet');
    const stamp = quietly ? (newest !== undefined ? new Date(newest) : undefined) : observedAt;
    if (await deps.store.commit(key, version, writes, open, now, stamp) === 'written') return done;
    // Another invocation wrote this resource first: decide again from what it wrote.
    pending = deps.store.read(key);
  }
  throw new LedgerContentionError(`the ledger entries of ${key} kept changing under this invocation (${ATTEMPTS} attempts)`);
}
