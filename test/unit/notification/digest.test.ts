/** The sweep digest: exact counts, oldest open first, what was not evaluated and why, quiet sweeps still told. */
import { composeDigest, type SweepTally } from '../../../lambda/core/notification/digest';
import { decideFinding, type LedgerEntry } from '../../../lambda/core/ledger/policy';
import type { Finding, ResourceRef } from '../../../lambda/core/model/types';

const SETTINGS = { notifyMinSeverity: 'MEDIUM' as const, renotifyAfterHours: 24 };
const NOW = new Date('2026-12-02T06:00:00.000Z');
const bucket = (id: string): ResourceRef => ({ type: 's3-bucket', id, account: '111122223333', region: 'eu-west-1' });
const finding = (severity: Finding['severity'], title: string): Finding => ({
  checkId: 'S3_POLICY_PUBLIC', severity, latent: false, title, controls: ['S3.2'], fix: 'aws s3api …',
  evidence: { publicStatements: [], effectiveSeverity: severity, severityIfNeutraliserRemoved: severity, determined: true, oracle: 'absent' },
});
const entry = (id: string, severity: Finding['severity'], firstSeen: string): LedgerEntry => ({
  resourceKey: `s3-bucket#111122223333##${id}`, checkId: 'S3_POLICY_PUBLIC', status: 'open', severity, latent: false, title: `S3 bucket ${id} is publicly readable`,
  firstSeen, lastSeen: NOW.toISOString(), lastNotified: firstSeen, notifiedSeverity: severity, notifiedLatent: false,
});
const at = (id: string) => ({ now: NOW, resourceKey: `s3-bucket#111122223333##${id}`, checkId: 'S3_POLICY_PUBLIC' as const, ran: true });

function tally(over: Partial<SweepTally> = {}): SweepTally {
  return {
    account: '111122223333', region: 'eu-west-1', startedAt: '2026-12-02T05:00:00.000Z', finishedAt: '2026-12-02T05:04:10.000Z',
    counts: { evaluated: 10_000, incomplete: 1, gone: 2, failed: 0 }, decisions: [], remediations: [], unevaluated: [], open: [], ...over,
  };
}

test('a sweep that found nothing new still reports, with its counts', () => {
  const d = composeDigest(tally({ open: [entry('old-one', 'HIGH', '2026-11-01T00:00:00.000Z')] }));
  expect(d.subject).toBe('[HIGH] Sweep: 0 new, 0 resolved, 1 open: account 111122223333 (eu-west-1)');
  expect(d.email).toContain('Resources: 10000 evaluated, 1 incomplete, 2 gone, 0 failed.');
  expect(d.email).toContain('Open findings by severity: HIGH 1.');
  expect(d.email).not.toContain('NEW SINCE THE LAST SWEEP');
});

test('new, resolved, remediated and still-open sections with exact counts; still open is oldest first', () => {
  const opened = decideFinding(undefined, finding('CRITICAL', 'S3 bucket new-one is publicly writable (bucket policy)'), at('new-one'), SETTINGS);
  const closed = decideFinding(entry('fixed-one', 'HIGH', '2026-11-20T00:00:00.000Z'), undefined, at('fixed-one'), SETTINGS);
  const d = composeDigest(tally({
    decisions: [{ resource: bucket('new-one'), decision: opened }, { resource: bucket('fixed-one'), decision: closed }],
    remediations: [{ resource: bucket('new-one'), report: { action: 'PutPublicAccessBlock', mode: 'enforce', outcome: 'APPLIED', detail: 'turned on all four flags on bucket new-one' } }],
    open: [entry('young', 'HIGH', '2026-11-30T00:00:00.000Z'), entry('ancient', 'MEDIUM', '2026-10-01T00:00:00.000Z'), opened.next!],
    unevaluated: [{ resource: bucket('locked'), reasons: { policy: 'AccessDenied: Access Denied' } }],
  }));
  expect(d.subject).toBe('[CRITICAL] Sweep: 1 new, 1 resolved, 3 open, 1 not evaluated: account 111122223333 (eu-west-1)');
  expect(d.email).toContain('NEW SINCE THE LAST SWEEP (no event announced these: a missed event is worth knowing) (1)\n  bucket new-one: [CRITICAL] S3_POLICY_PUBLIC: S3 bucket new-one is publicly writable (bucket policy)');
  expect(d.email).toContain('RESOLVED (1)\n  bucket fixed-one: [HIGH] S3_POLICY_PUBLIC: S3 bucket fixed-one is publicly readable (found closed by the sweep)');
  expect(d.email).toContain('REMEDIATED BY THE GUARD (1)\n  bucket new-one: turned on all four flags on bucket new-one');
  expect(d.email).toMatch(/STILL OPEN, OLDEST FIRST \(3\)\n {2}\[MEDIUM\] ancient .*\n {2}\[HIGH\] young .*\n {2}\[CRITICAL\] new-one /);
  expect(d.email).toContain('NOT EVALUATED (never taken as compliant) (1)\n  bucket locked: policy: "AccessDenied: Access Denied"');
  const json = JSON.parse(d.json);
  expect(json).toMatchObject({ kind: 'sweep-digest', openBySeverity: { CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0 }, new: { total: 1 }, resolved: { total: 1 }, open: { total: 3 } });
});

test('a million-bucket sweep: the email lists 20 per section, the JSON 200, and both stay under SNS\'s limit', () => {
  const open = Array.from({ length: 20_000 }, (_, i) => entry(`bucket-${String(i).padStart(6, '0')}`, 'HIGH', new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()));
  const d = composeDigest(tally({ open }));
  expect(d.email).toContain('... and 19980 more');
  expect(JSON.parse(d.json).open).toMatchObject({ total: 20_000, omitted: 19_800 });
  expect(Buffer.byteLength(d.email) + Buffer.byteLength(d.json)).toBeLessThan(200 * 1024);
});

test('the first sweep after deploy calls what it finds the baseline, not missed events', () => {
  const opened = decideFinding(undefined, finding('HIGH', 'S3 bucket old-site is publicly readable (bucket policy)'), at('old-site'), SETTINGS);
  const d = composeDigest(tally({ baseline: true, decisions: [{ resource: bucket('old-site'), decision: opened }], open: [opened.next!] }));
  expect(d.email).toContain('FOUND BY THE FIRST SWEEP (the baseline: open before Exposure Guard was deployed) (1)');
  expect(d.email).not.toContain('no event announced');
});

test('however much there is to list, the digest fits one SNS message: the JSON lists shrink, the totals stay', () => {
  const many = Array.from({ length: 5_000 }, (_, i) => `bucket-with-a-rather-long-name-${i}`);
  const d = composeDigest(tally({
    unevaluated: many.map((id) => ({ resource: bucket(id), reasons: { policy: `AccessDenied: User: arn:aws:sts::111122223333:assumed-role/guard/fn is not authorized to perform: s3:GetBucketPolicy on resource: "arn:aws:s3:::${id}" because no identity-based policy allows it` } })),
    open: many.map((id) => entry(id, 'HIGH', '2026-11-01T00:00:00.000Z')),
  }));
  expect(Buffer.byteLength(d.json) + Buffer.byteLength(d.email)).toBeLessThanOrEqual(120 * 1024);
  expect(JSON.parse(d.json)).toMatchObject({ unevaluated: { total: 5_000 }, open: { total: 5_000 } });
  expect((JSON.parse(d.json) as { open: { items: unknown[] } }).open.items.length).toBeGreaterThan(0);
});

test('the subject counts what a responder acts on (MEDIUM and up); the body counts every severity', () => {
  const d = composeDigest(tally({
    open: [entry('exports', 'HIGH', '2026-11-30T00:00:00.000Z')],
    openBySeverity: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 4210, INFORMATIONAL: 0 },
  }));
  expect(d.subject).toBe('[HIGH] Sweep: 0 new, 0 resolved, 1 open: account 111122223333 (eu-west-1)');
  expect(d.email).toContain('Open findings by severity: HIGH 1, LOW 4210.');
});
