/**
 * The findings ledger's notification policy: given what the ledger holds for one finding and what
 * the evaluation found now, whether a message goes out, why, and what the ledger holds next.
 * One policy for the event path and the sweep. Pure: the clock is a parameter.
 *
 * A message goes out when a finding is new, when its severity rises (latent → live counts), when
 * it has stayed open past renotifyAfterHours, and once when it closes. A redelivered event, or a
 * re-evaluation that finds the same thing, sends nothing. A finding whose check could not run
 * (its reads unknown) is neither new nor resolved: unknown is never taken for closed.
 */
import { CHECKS, pagesOn } from '../checks';
import type { Finding } from '../findings';
import { isAtLeast, severityRank } from '../model/severity';
import type { CheckId, EvaluationResult, ResourceRef, Severity, Trigger } from '../model/types';

export type SendReason = 'new' | 'severity-up' | 'renotify' | 'resolved';
/**
 * `suppressed`: a message about it went out another way (the guard's own remediation report).
 * `out-of-order`: the ledger already holds what a later read of the resource found.
 */
export type QuietReason = 'duplicate' | 'below-threshold' | 'unchanged' | 'not-evaluated' | 'suppressed' | 'out-of-order' | 'in-flight';
export type Reason = SendReason | QuietReason;

/** What the ledger keeps per finding (resource + check id). */
export interface LedgerEntry {
  resourceKey: string;
  checkId: CheckId;
  status: 'open' | 'closed';
  severity: Severity;
  latent: boolean;
  title: string;
  firstSeen: string;
  lastSeen: string;
  /** When a message about it last went out, and at what severity (absent: never sent). */
  lastNotified?: string;
  notifiedSeverity?: Severity;
  notifiedLatent?: boolean;
  /** The call that opened it, when an event did. */
  openedBy?: Pick<Trigger, 'actor' | 'sourceIp' | 'eventId' | 'eventName'>;
  /** The last event counted for it: the same event delivered again is a duplicate. */
  lastEventId?: string;
  remediation?: string;
  closedAt?: string;
  closedBy?: string;
  /**
   * A message claimed but not yet confirmed sent. The claimant's retry (same claim id) sends it
   * again once its publish is marked failed; anyone does after the lease. A second delivery of the
   * same event while the first is still publishing is a duplicate, not a second sender.
   */
  unsent?: { claimId: string; at: string; reason: SendReason; failed?: boolean; until?: string };
  /** The sweep run whose digest tells this decision: a retried batch of the same run tells it again. */
  digest?: { run: string; reason: SendReason };
  /**
   * S3_ACCESS_POINT_PUBLIC: the access points it names (`accesspoint/<name>`, `multi-region/<name>`)
   * and the bucket's region. A deleted access point cannot be asked for its bucket; this is how
   * its deletion finds the finding it closes.
   */
  accessPaths?: { names: string[]; region?: string };
}

/** The ledger's names of an access point (see LedgerEntry.accessPaths). */
export function accessPathName(kind: 'access point' | 'multi-region access point', name: string): string {
  return `${kind === 'access point' ? 'accesspoint' : 'multi-region'}/${name}`;
}

/**
 * `next` is the entry to write; absent when nothing changes (a compliant resource costs no write).
 * `idle`: next differs from what is stored only in when it was last seen, which is not worth a
 * write on every sweep; a message naming it (toldTogether) makes it worth one.
 */
export type Decision =
  | { checkId: CheckId; send: true; reason: SendReason; next: LedgerEntry }
  | { checkId: CheckId; send: false; reason: QuietReason; next?: LedgerEntry; idle?: true };

export interface PolicySettings {
  notifyMinSeverity: Severity;
  renotifyAfterHours: number;
}

/**
 * How long a claim holds (written into it as `until`): longer than the claimant's function can run,
 * so a claim past it was never going to be confirmed; shorter than Lambda's second async retry
 * (about three minutes after the failure), so the event's own retry can take over a claim whose
 * claimant died before it could mark it failed. The sweep's worker runs longer (300 s), and its
 * batch comes back only after the queue's visibility timeout (30 minutes).
 */
export const CLAIM_LEASE_MS = { event: 150_000, sweep: 330_000 } as const;
/** For a claim written without `until`. */
const DEFAULT_LEASE_MS = 300_000;

/** A resource's identity in the ledger: the same bucket or group whatever the event spelled. */
export function resourceKey(r: Pick<ResourceRef, 'type' | 'id' | 'account' | 'region'>): string {
  // S3 bucket names are global and an account's S3 settings are one; a group, and the guard's sight, are per region.
  const region = r.type === 'security-group' || r.type === 'guard' ? r.region ?? '' : '';
  return [r.type, r.account ?? '', region, r.id].join('#');
}

function rose(prev: LedgerEntry, f: Finding): boolean {
  if (prev.notifiedSeverity === undefined) return false;
  const before = severityRank(prev.notifiedSeverity);
  const now = severityRank(f.severity);
  return now > before || (now === before && prev.notifiedLatent === true && !f.latent);
}

function fell(prev: LedgerEntry, f: Finding): boolean {
  if (prev.notifiedSeverity === undefined) return false;
  const before = severityRank(prev.notifiedSeverity);
  const now = severityRank(f.severity);
  return now < before || (now === before && prev.notifiedLatent === false && f.latent);
}

function hoursSince(iso: string | undefined, now: Date): number {
  return iso === undefined ? Infinity : (now.getTime() - Date.parse(iso)) / 3_600_000;
}

/** Whether a check ran on this result: none of the fields it reads is unknown. */
export function checkRan(result: Pick<EvaluationResult, 'unknown' | 'notChecked'>, checkId: CheckId): boolean {
  const reads = CHECKS[checkId].reads as readonly string[];
  return !reads.some((field) => result.unknown.includes(field) || result.notChecked?.[field] !== undefined);
}

/** One finding's transition. `current` is the finding now, undefined when the check found nothing. */
export function decideFinding(
  prev: LedgerEntry | undefined,
  current: Finding | undefined,
  at: { now: Date; resourceKey: string; checkId: CheckId; ran: boolean; trigger?: Trigger; claimId?: string; region?: string },
  settings: PolicySettings,
): Decision {
  const now = at.now.toISOString();
  const { checkId } = at;
  const open = prev?.status === 'open' ? prev : undefined;
  const eventId = at.trigger?.eventId;
  if (prev?.unsent) {
    const claim = prev.unsent;
    const ours = at.claimId !== undefined && claim.claimId === at.claimId;
    const mine = ours && claim.failed === true;
    const until = claim.until !== undefined ? Date.parse(claim.until) : Date.parse(claim.at) + DEFAULT_LEASE_MS;
    // An unreadable claim time counts as stale: a claim must never hold a finding for good.
    const stale = Number.isNaN(until) || at.now.getTime() >= until;
    const { unsent: _claim, ...unclaimed } = prev;
    // This work's own claim, neither confirmed nor marked failed, within its lease: its first try is
    // still publishing, or died before it could say. Not a duplicate to drop: the caller retries
    // later (recordEvaluation throws), and by then it is confirmed, failed, or past its lease.
    if (ours && !mine && !stale) return { checkId, reason: 'in-flight', send: false };
    if (!mine && !stale) {
      // Someone is sending it right now (another invocation, or this event's first delivery):
      // what they tell counts as told. Only news on top of it (a rise, a re-opening) is sent, as a
      // claim of its own; the same state again is theirs.
      const onTop = decideFinding(unclaimed, current, at, settings);
      return onTop.send ? onTop : { checkId, reason: 'duplicate', send: false };
    }
    // Claimed and never sent. Decide again from the state before the claim as far as it matters,
    // and the current state, so a claim never tells something that is no longer so.
    const retry = { ...at, ...(at.trigger ? { trigger: { ...at.trigger, eventId: undefined } } : {}) };
    if (claim.reason === 'resolved') {
      if (!current) return { checkId, reason: 'resolved', send: true, next: { ...unclaimed, lastNotified: now } };
      // Re-opened before its "resolved" went out: this is new again.
      return decideFinding({ ...unclaimed, status: 'closed' }, current, retry, settings);
    }
    if (!current) {
      // Closed before its message went out: the resolved message says what was open, and since when.
      return decideFinding(unclaimed, undefined, retry, settings);
    }
    // Still open: tell it as what it is now, whatever the claim said then.
    const { notifiedSeverity: _s, notifiedLatent: _l, lastNotified: _n, ...untold } = unclaimed;
    const d = decideFinding(untold, current, retry, settings);
    return d.send ? { ...d, reason: claim.reason } : d;
  }
  if (open && eventId !== undefined && open.lastEventId === eventId) return { checkId, reason: 'duplicate', send: false };

  if (!current) {
    if (!open) return { checkId, reason: 'unchanged', send: false };
    // Not read is not closed: the finding stays open until its check runs and finds nothing.
    if (!at.ran) return { checkId, reason: 'not-evaluated', send: false };
    const closedBy = at.trigger?.actor ? `${at.trigger.eventName} by ${at.trigger.actor}` : 'found closed by the sweep';
    const next: LedgerEntry = { ...open, status: 'closed', closedAt: now, closedBy, lastSeen: now, ...(eventId ? { lastEventId: eventId } : {}) };
    // Only what was told is told closed.
    return open.notifiedSeverity !== undefined ? { checkId, reason: 'resolved', send: true, next } : { checkId, reason: 'below-threshold', send: false, next };
  }

  const loud = isAtLeast(current.severity, settings.notifyMinSeverity);
  const base: LedgerEntry = {
    ...(open ?? {}),
    resourceKey: at.resourceKey, checkId, status: 'open', severity: current.severity, latent: current.latent, title: current.title,
    firstSeen: open?.firstSeen ?? now, lastSeen: now,
    ...(eventId ? { lastEventId: eventId } : {}),
    ...(current.evidence.remediation !== undefined ? { remediation: current.evidence.remediation } : {}),
    ...(current.checkId === 'S3_ACCESS_POINT_PUBLIC' ? {
      accessPaths: { names: current.evidence.accessPoints.map((a) => accessPathName(a.kind, a.name)), ...(at.region ? { region: at.region } : {}) },
    } : {}),
  };
  delete base.closedAt;
  delete base.closedBy;
  if (!open && at.trigger && !base.openedBy) {
    const { actor, sourceIp, eventId: id, eventName } = at.trigger;
    base.openedBy = { eventName, ...(actor ? { actor } : {}), ...(sourceIp ? { sourceIp } : {}), ...(id ? { eventId: id } : {}) };
  }
  const sent = (reason: SendReason): Decision => ({
    checkId, reason, send: true, next: { ...base, lastNotified: now, notifiedSeverity: current.severity, notifiedLatent: current.latent },
  });

  // A finding that fell (remediated to latent, a grant narrowed) lowers the level it was told at,
  // so that rising again is news, not a repeat.
  if (open && open.notifiedSeverity !== undefined && fell(open, current)) {
    base.notifiedSeverity = current.severity;
    base.notifiedLatent = current.latent;
  }
  // Below the threshold and never told: nothing to remember (it would cost a write now and a read
  // every sweep, for a finding no message will name). If it rises, it is new then.
  if (!open) return loud ? sent('new') : { checkId, reason: 'below-threshold', send: false };
  const idle = sameButSeen(open, base) ? { idle: true as const } : {};
  if (!loud) return { checkId, reason: 'below-threshold', send: false, next: base, ...idle };
  if (open.notifiedSeverity === undefined) return sent('new');
  if (rose(open, current)) return sent('severity-up');
  if (hoursSince(open.lastNotified, at.now) >= settings.renotifyAfterHours) return sent('renotify');
  // Nothing to tell; a write only if something other than lastSeen changed (a lowered level, say).
  return { checkId, reason: 'unchanged', send: false, next: base, ...idle };
}

/** The same entry but for when it was last seen (and by which event). */
function sameButSeen(a: LedgerEntry, b: LedgerEntry): boolean {
  const strip = ({ lastSeen: _s, lastEventId: _e, unsent: _u, ...rest }: LedgerEntry) => rest;
  const x = strip(a) as Record<string, unknown>;
  const y = strip(b) as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => JSON.stringify(x[k]) === JSON.stringify(y[k]));
}

/**
 * Every finding of one evaluation against the ledger's entries for that resource: the findings
 * now, and the open entries whose finding is gone (or whose check could not run).
 */
export function decideResult(
  result: EvaluationResult,
  entries: readonly LedgerEntry[],
  now: Date,
  settings: PolicySettings,
  claimId?: string,
): Decision[] {
  const key = resourceKey(result.resource);
  const byCheck = new Map(entries.map((e) => [e.checkId, e]));
  // A finding the resource only repeats (the account's Block Public Access on every bucket) is the
  // account's entry, told once there; one per bucket would re-tell one setting a thousand times.
  const current = new Map(result.findings.filter((f) => pagesOn(f.checkId, result.resource.type)).map((f) => [f.checkId, f]));
  const ids = [...new Set([...current.keys(), ...entries.filter((e) => e.status === 'open' || e.unsent).map((e) => e.checkId)])];
  return ids.map((checkId) => decideFinding(byCheck.get(checkId), current.get(checkId), {
    now, resourceKey: key, checkId, ran: checkRan(result, checkId), ...(result.trigger ? { trigger: result.trigger } : {}), ...(claimId ? { claimId } : {}),
    ...(result.resource.region ? { region: result.resource.region } : {}),
  }, settings));
}

/**
 * The sweep's delivery: a new exposure at HIGH or above (or one that rose there) has its own
 * message at once, since no event announced it; the rest is told in the sweep's digest. The first
 * sweep after deploy finds the baseline, not missed events: all of it goes in its digest, which
 * lists the most severe first, instead of one email per resource on day one.
 */
export function sweepDelivery(baseline: boolean) {
  return (d: Extract<Decision, { send: true }>): 'message' | 'digest' =>
    !baseline && (d.reason === 'new' || d.reason === 'severity-up') && isAtLeast(d.next.severity, 'HIGH') ? 'message' : 'digest';
}
