/**
 * The end-to-end proof that the event path works: each sweep makes one idempotent write to the
 * stack's own canary bucket (re-applying its Block Public Access), which the S3 rule matches; the
 * S3 function records the heartbeat. The next sweep judges the write before its own: a heartbeat
 * back since then proves trail → EventBridge → rule → function → ledger; none means the guard
 * would not have seen a real change either.
 */

/** One canary write by a sweep run: when, and the S3 request id CloudTrail records as `requestID`. */
export interface CanaryWrite {
  run: string;
  at: string;
  requestId?: string;
  /** The write failed: nothing can come back, so nothing can be judged. */
  error?: string;
}

/** What the S3 function recorded when the canary's event reached it. */
export interface CanaryHeartbeat {
  eventTime: string;
  receivedAt: string;
  /** receivedAt − eventTime: CloudTrail → EventBridge → the function. */
  delayMs: number;
  requestId?: string;
  eventId?: string;
}

export interface CanaryState {
  lastWrite?: CanaryWrite;
  /** The write before lastWrite: what a retried run judges (its own write is lastWrite). */
  priorWrite?: CanaryWrite;
  lastHeartbeat?: CanaryHeartbeat;
}

export type CanaryVerdict =
  | { kind: 'alive'; write: CanaryWrite; heartbeat: CanaryHeartbeat }
  | { kind: 'silent'; write: CanaryWrite; lastHeartbeat?: CanaryHeartbeat; reason: string }
  | { kind: 'unproven'; reason: string }
  | { kind: 'unknown'; reason: string };

/**
 * CloudTrail's eventTime has whole seconds and another clock than the function's: a heartbeat up to
 * this much before the write's own timestamp is still that write's (the request id decides first).
 */
const CLOCK_TOLERANCE_MS = 60_000;

/**
 * A write younger than this is not judged (the one before it is): CloudTrail → EventBridge takes
 * up to minutes, so a run soon after another (a retry, a manual run, a short schedule) would
 * otherwise call a write silent that is still on its way.
 */
export const MIN_JUDGED_AGE_MS = 15 * 60_000;

/** The write this run judges: the latest one that is not its own and old enough to have come back. */
export function judgedWrite(state: CanaryState, run: string, now: Date): CanaryWrite | undefined {
  const oldEnough = (w: CanaryWrite | undefined) => w !== undefined && w.run !== run && now.getTime() - Date.parse(w.at) >= MIN_JUDGED_AGE_MS;
  if (oldEnough(state.lastWrite)) return state.lastWrite;
  if (oldEnough(state.priorWrite)) return state.priorWrite;
  return undefined;
}

/**
 * The S3 request id decides; only a write recorded without one (the SDK gave none) falls back on
 * the event time, which a heartbeat from the future could otherwise satisfy for good.
 */
function answers(heartbeat: CanaryHeartbeat | undefined, write: CanaryWrite): boolean {
  if (!heartbeat) return false;
  if (write.requestId !== undefined) return heartbeat.requestId === write.requestId;
  const sent = Date.parse(write.at);
  const seen = Date.parse(heartbeat.eventTime);
  return Number.isFinite(sent) && Number.isFinite(seen) && seen >= sent - CLOCK_TOLERANCE_MS;
}

export function judgeCanary(state: CanaryState, run: string, now: Date): CanaryVerdict {
  const write = judgedWrite(state, run, now);
  if (!write) {
    return { kind: 'unproven', reason: state.lastWrite || state.priorWrite
      ? 'no canary write old enough to judge (the last is under 15 minutes old): the next sweep judges it'
      : 'no canary has been written yet: this sweep writes the first, the next one judges it' };
  }
  if (write.error !== undefined) {
    return { kind: 'unknown', reason: `the previous sweep could not write the canary (${write.error}), so the event path is unproven` };
  }
  if (answers(state.lastHeartbeat, write)) return { kind: 'alive', write, heartbeat: state.lastHeartbeat as CanaryHeartbeat };
  const last = state.lastHeartbeat;
  return {
    kind: 'silent', write, ...(last ? { lastHeartbeat: last } : {}),
    reason: `the canary written at ${write.at}${write.requestId ? ` (S3 request ${write.requestId})` : ''} never came back as an event: `
      + (last ? `the last heartbeat was for a write at ${last.eventTime}` : 'no heartbeat was ever received'),
  };
}
