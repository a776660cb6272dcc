/** The ledger's notification policy, with an injected clock: one message per new exposure, never a repeat. */
import { decideFinding, decideResult, resourceKey, type LedgerEntry, type PolicySettings } from '../../../lambda/core/ledger/policy';
import { evaluateBucket } from '../../../lambda/core/s3/evaluator';
import type { Finding, Trigger } from '../../../lambda/core/model/types';
import { lockedDownBucket } from '../../helpers/s3-account';

const SETTINGS: PolicySettings = { notifyMinSeverity: 'MEDIUM', renotifyAfterHours: 24 };
const T0 = new Date('2026-12-01T10:00:00.000Z');
const later = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const KEY = 's3-bucket#111122223333##acme-site';
const finding = (severity: Finding['severity'], latent = false): Finding => ({
  checkId: 'S3_POLICY_PUBLIC', severity, latent, title: 'S3 bucket acme-site is publicly readable (bucket policy)', controls: ['S3.2'], fix: 'aws s3api …',
  evidence: { publicStatements: [], effectiveSeverity: severity, severityIfNeutraliserRemoved: 'HIGH', determined: true, oracle: 'absent' },
});
const trigger = (eventId: string, actor = 'arn:aws:iam::111122223333:user/alice'): Trigger => ({ eventName: 'PutBucketPolicy', eventId, actor, sourceIp: '198.51.100.7' });
const at = (now: Date, extra: { ran?: boolean; trigger?: Trigger } = {}) => ({ now, resourceKey: KEY, checkId: 'S3_POLICY_PUBLIC' as const, ran: extra.ran ?? true, ...(extra.trigger ? { trigger: extra.trigger } : {}) });

/** Runs a sequence of observations through the policy, carrying the ledger entry. */
function run(steps: { now: Date; current?: Finding; ran?: boolean; trigger?: Trigger }[]) {
  let entry: LedgerEntry | undefined;
  return steps.map((s) => {
    const d = decideFinding(entry, s.current, at(s.now, s), SETTINGS);
    if (d.next) entry = d.next;
    return { reason: d.reason, send: d.send, entry };
  });
}

test('a new exposure is told once, with the call that opened it; seeing it again within renotifyAfterHours is quiet', () => {
  const [first, again] = run([{ now: T0, current: finding('HIGH'), trigger: trigger('e-1') }, { now: later(1), current: finding('HIGH') }]);
  expect(first).toMatchObject({ reason: 'new', send: true, entry: {
    status: 'open', severity: 'HIGH', firstSeen: T0.toISOString(), lastNotified: T0.toISOString(), notifiedSeverity: 'HIGH',
    openedBy: { eventName: 'PutBucketPolicy', eventId: 'e-1', actor: 'arn:aws:iam::111122223333:user/alice', sourceIp: '198.51.100.7' },
  } });
  expect(again).toMatchObject({ reason: 'unchanged', send: false, entry: { lastSeen: later(1).toISOString(), lastNotified: T0.toISOString() } });
});

test('the same event delivered twice (or late) sends nothing and writes nothing', () => {
  const d0 = decideFinding(undefined, finding('HIGH'), at(T0, { trigger: trigger('e-1') }), SETTINGS);
  const d1 = decideFinding(d0.next, finding('HIGH'), at(later(0.1), { trigger: trigger('e-1') }), SETTINGS);
  expect(d1).toEqual({ checkId: 'S3_POLICY_PUBLIC', reason: 'duplicate', send: false });
});

test.each([
  ['HIGH → CRITICAL', finding('HIGH'), finding('CRITICAL')],
  ['latent LOW → live HIGH', finding('LOW', true), finding('HIGH')],
  ['latent MEDIUM → live MEDIUM', finding('MEDIUM', true), finding('MEDIUM')],
])('severity rising is told: %s', (_name, before, after) => {
  const steps = run([{ now: T0, current: before }, { now: later(1), current: after }]);
  expect(steps.map((s) => s.reason)).toEqual([before.severity === 'LOW' ? 'below-threshold' : 'new', before.severity === 'LOW' ? 'new' : 'severity-up']);
  expect(steps[1]?.send).toBe(true);
});

test('still open after renotifyAfterHours: told again, then quiet for another period', () => {
  const steps = run([{ now: T0, current: finding('HIGH') }, { now: later(23.9), current: finding('HIGH') }, { now: later(24), current: finding('HIGH') }, { now: later(30), current: finding('HIGH') }]);
  expect(steps.map((s) => s.reason)).toEqual(['new', 'unchanged', 'renotify', 'unchanged']);
});

test('a finding that fell and rose again is news: remediated to latent, then re-opened', () => {
  const steps = run([{ now: T0, current: finding('HIGH') }, { now: later(1), current: finding('LOW', true) }, { now: later(2), current: finding('HIGH') }]);
  expect(steps.map((s) => `${s.reason}:${s.send}`)).toEqual(['new:true', 'below-threshold:false', 'severity-up:true']);
});

test('closing is told once, naming who closed it; the sweep says it found it closed', () => {
  const byEvent = run([{ now: T0, current: finding('HIGH') }, { now: later(1), trigger: trigger('e-2', 'arn:aws:iam::111122223333:user/bob') }, { now: later(2) }]);
  expect(byEvent.map((s) => `${s.reason}:${s.send}`)).toEqual(['new:true', 'resolved:true', 'unchanged:false']);
  expect(byEvent[1]?.entry).toMatchObject({ status: 'closed', closedAt: later(1).toISOString(), closedBy: 'PutBucketPolicy by arn:aws:iam::111122223333:user/bob' });
  const bySweep = run([{ now: T0, current: finding('HIGH') }, { now: later(1) }]);
  expect(bySweep[1]?.entry?.closedBy).toBe('found closed by the sweep');
});

test('a check that could not run neither opens nor closes: unknown is not closed', () => {
  const steps = run([{ now: T0, current: finding('HIGH') }, { now: later(1), ran: false }, { now: later(2), current: finding('HIGH') }]);
  expect(steps.map((s) => s.reason)).toEqual(['new', 'not-evaluated', 'unchanged']);
  expect(steps[1]?.entry?.status).toBe('open');
});

test('below notifyMinSeverity and never told: nothing is kept (no write now, no read each sweep), nothing sent', () => {
  const steps = run([{ now: T0, current: finding('LOW') }, { now: later(30), current: finding('LOW') }, { now: later(31) }]);
  expect(steps.map((s) => `${s.reason}:${s.send}`)).toEqual(['below-threshold:false', 'below-threshold:false', 'unchanged:false']);
  expect(steps.map((s) => s.entry)).toEqual([undefined, undefined, undefined]);
  // rising above the threshold is new then
  expect(run([{ now: T0, current: finding('LOW') }, { now: later(1), current: finding('HIGH') }]).map((s) => s.reason)).toEqual(['below-threshold', 'new']);
});

test('told, then fallen below the threshold: kept (it was told) and closed silently when it ends', () => {
  const steps = run([{ now: T0, current: finding('HIGH') }, { now: later(1), current: finding('LOW', true) }, { now: later(2) }]);
  expect(steps.map((s) => `${s.reason}:${s.send}`)).toEqual(['new:true', 'below-threshold:false', 'resolved:true']);
  expect(steps[2]?.entry?.status).toBe('closed');
});

test('a re-opened finding after it closed is new again, with its new opener', () => {
  const steps = run([{ now: T0, current: finding('HIGH'), trigger: trigger('e-1') }, { now: later(1) }, { now: later(2), current: finding('HIGH'), trigger: trigger('e-3', 'arn:aws:iam::111122223333:user/carol') }]);
  expect(steps.map((s) => s.reason)).toEqual(['new', 'resolved', 'new']);
  expect(steps[2]?.entry).toMatchObject({ firstSeen: later(2).toISOString(), openedBy: { eventId: 'e-3' } });
  expect(steps[2]?.entry?.closedAt).toBeUndefined();
});

describe('a whole evaluation against the ledger', () => {
  test('a compliant resource with no entries costs no write', () => {
    expect(decideResult(evaluateBucket(lockedDownBucket()), [], T0, SETTINGS)).toEqual([]);
  });

  test('each finding and each open entry gets one decision; an unread field keeps its finding open', () => {
    const low: PolicySettings = { ...SETTINGS, notifyMinSeverity: 'LOW' };
    const exposed = evaluateBucket(lockedDownBucket({ name: 'acme-site', logging: false, publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false } }));
    const first = decideResult(exposed, [], T0, low);
    expect(first.map((d) => `${d.checkId}:${d.reason}`)).toEqual(['S3_BUCKET_BPA_OFF:new', 'S3_LOGGING_OFF:new']);
    const entries = first.map((d) => d.next!);
    const unread = evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: undefined, logging: true }));
    const second = decideResult(unread, entries, later(1), low);
    expect(second.map((d) => `${d.checkId}:${d.reason}`)).toEqual(expect.arrayContaining(['S3_BUCKET_BPA_OFF:not-evaluated', 'S3_LOGGING_OFF:resolved']));
    expect(second.find((d) => d.checkId === 'S3_LOGGING_OFF')?.next?.status).toBe('closed');
  });
});

test('the ledger key names the resource, not the spelling: a bucket is global, a group is regional', () => {
  expect(resourceKey({ type: 's3-bucket', id: 'b', account: '111122223333', region: 'eu-west-1' })).toBe(resourceKey({ type: 's3-bucket', id: 'b', account: '111122223333', region: 'us-east-1' }));
  expect(resourceKey({ type: 'security-group', id: 'sg-1', account: '1', region: 'eu-west-1' })).not.toBe(resourceKey({ type: 'security-group', id: 'sg-1', account: '1', region: 'us-east-1' }));
});
