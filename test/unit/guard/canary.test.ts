/** Judging the canary: the write before this run's, and whether its event came back. */
import { judgeCanary as judgeAt, type CanaryHeartbeat, type CanaryState, type CanaryWrite } from '../../../lambda/core/guard/canary';

/** Judged the next day unless said otherwise: every write is old enough. */
const judgeCanary = (state: CanaryState, run: string, now = new Date('2026-12-09T00:00:00Z')) => judgeAt(state, run, now);

const W1: CanaryWrite = { run: 'run-1', at: '2026-12-02T03:00:00.120Z', requestId: 'K9ZQ3V1T8ABCD001' };
const W2: CanaryWrite = { run: 'run-2', at: '2026-12-03T03:00:00.250Z', requestId: 'K9ZQ3V1T8ABCD002' };
const heartbeat = (write: CanaryWrite, delayMs = 41_000, over: Partial<CanaryHeartbeat> = {}): CanaryHeartbeat => ({
  eventTime: `${write.at.slice(0, 19)}Z`, receivedAt: new Date(Date.parse(write.at) + delayMs).toISOString(), delayMs, requestId: write.requestId!, eventId: `e-${write.run}`, ...over,
});

test('no write yet (the first sweep after deploy): unproven, nothing to judge', () => {
  expect(judgeCanary({}, 'run-1')).toEqual({ kind: 'unproven', reason: 'no canary has been written yet: this sweep writes the first, the next one judges it' });
});

test('heartbeat present: the write before this run came back', () => {
  expect(judgeCanary({ lastWrite: W1, lastHeartbeat: heartbeat(W1) }, 'run-2')).toMatchObject({ kind: 'alive', write: W1, heartbeat: { delayMs: 41_000 } });
});

test('heartbeat missing: no heartbeat ever', () => {
  const v = judgeCanary({ lastWrite: W1 }, 'run-2');
  expect(v).toEqual({ kind: 'silent', write: W1, reason: 'the canary written at 2026-12-02T03:00:00.120Z (S3 request K9ZQ3V1T8ABCD001) never came back as an event: no heartbeat was ever received' });
});

test('heartbeat missing: only an older write\'s came back', () => {
  const v = judgeCanary({ priorWrite: W1, lastWrite: W2, lastHeartbeat: heartbeat(W1) }, 'run-3');
  expect(v).toMatchObject({ kind: 'silent', write: W2, lastHeartbeat: { requestId: W1.requestId } });
  expect(v.kind === 'silent' && v.reason).toMatch(/the last heartbeat was for a write at 2026-12-02T03:00:00Z$/);
});

test('heartbeat late: it arrives after the sweep that judged it (silent then), and the next sweep sees the path working', () => {
  // run-2 judged W1 before its event arrived.
  expect(judgeCanary({ lastWrite: W1 }, 'run-2').kind).toBe('silent');
  // W1's event arrived two hours late; W2's arrived in time.
  const late = heartbeat(W1, 2 * 3_600_000);
  expect(judgeCanary({ priorWrite: W1, lastWrite: W2, lastHeartbeat: late }, 'run-3').kind).toBe('silent');
  expect(judgeCanary({ priorWrite: W1, lastWrite: W2, lastHeartbeat: heartbeat(W2) }, 'run-3').kind).toBe('alive');
});

test('a retried run judges the write before its own, not its own (whose event may not be back yet)', () => {
  expect(judgeCanary({ priorWrite: W1, lastWrite: W2, lastHeartbeat: heartbeat(W1) }, 'run-2').kind).toBe('alive');
  expect(judgeCanary({ lastWrite: W2 }, 'run-2').kind).toBe('unproven');
});

test('a write under 15 minutes old is not judged yet (its event may be on its way): the one before it is', () => {
  const soon = new Date(Date.parse(W2.at) + 5 * 60_000);
  expect(judgeCanary({ priorWrite: W1, lastWrite: W2, lastHeartbeat: heartbeat(W1) }, 'run-3', soon).kind).toBe('alive');
  expect(judgeCanary({ lastWrite: W2 }, 'run-3', soon)).toEqual({ kind: 'unproven', reason: 'no canary write old enough to judge (the last is under 15 minutes old): the next sweep judges it' });
});

test('the request id decides: a heartbeat with a later (even a future) event time does not answer a write it is not for', () => {
  const future = heartbeat(W1, 1_000, { eventTime: '2099-01-01T00:00:00Z' });
  expect(judgeCanary({ priorWrite: W1, lastWrite: W2, lastHeartbeat: future }, 'run-3').kind).toBe('silent');
});

test('without a request id on either side, the event time decides (whole seconds, another clock: a minute of tolerance)', () => {
  const { requestId: _r, ...bare } = W2;
  const { requestId: _r2, ...beat2 } = heartbeat(W2);
  const { requestId: _r1, ...beat1 } = heartbeat(W1);
  expect(judgeCanary({ lastWrite: bare, lastHeartbeat: { ...beat2, eventTime: '2026-12-03T02:59:30Z' } }, 'run-3').kind).toBe('alive');
  expect(judgeCanary({ lastWrite: bare, lastHeartbeat: beat1 }, 'run-3').kind).toBe('silent');
});

test('a write that failed cannot come back: unknown, with why', () => {
  const v = judgeCanary({ lastWrite: { run: 'run-1', at: W1.at, error: 'AccessDenied: Access Denied' } }, 'run-2');
  expect(v).toEqual({ kind: 'unknown', reason: 'the previous sweep could not write the canary (AccessDenied: Access Denied), so the event path is unproven' });
});
