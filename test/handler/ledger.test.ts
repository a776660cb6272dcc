/**
 * The ledger against a DynamoDB table simulated behind aws-sdk-client-mock: conditional writes
 * answer with the real ConditionalCheckFailedException, so races, retries after a failed publish
 * and duplicate deliveries play out as they would on the table.
 */
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { ClaimInFlightError, LedgerContentionError, recordEvaluation, type LedgerDeps, type Recorded } from '../../lambda/app/ledger';
import { evaluateBucket } from '../../lambda/core/s3/evaluator';
import type { EvaluationResult, Trigger } from '../../lambda/core/model/types';
import { cancelled, simulateLedgerTable, type SimulatedTable } from '../helpers/dynamodb-ledger';
import { lockedDownBucket, ALL_OFF } from '../helpers/s3-account';

const dynamodb = mockClient(DynamoDBClient);
const T0 = new Date('2026-12-01T10:00:00.000Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let table: SimulatedTable['items'];
let sim: SimulatedTable;

const store = () => new LedgerStore(new DynamoDBClient({ region: 'eu-west-1' }), 'ledger');
const deps = (claimId: string, now = T0): LedgerDeps => ({ store: store(), settings: { notifyMinSeverity: 'MEDIUM', renotifyAfterHours: 24 }, now: () => now, claimId });
const trigger = (eventId: string): Trigger => ({ eventName: 'PutBucketPolicy', eventId, actor: 'arn:aws:iam::111122223333:user/alice', sourceIp: '198.51.100.7' });
const publicRead = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] };
const exposed = (eventId?: string): EvaluationResult => ({
  ...evaluateBucket(lockedDownBucket({ name: 'acme-site', policy: publicRead, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF })),
  ...(eventId ? { trigger: trigger(eventId) } : {}),
});
const closed = (eventId?: string): EvaluationResult => ({ ...evaluateBucket(lockedDownBucket({ name: 'acme-site' })), ...(eventId ? { trigger: trigger(eventId) } : {}) });
const reasons = (r: { decisions: { checkId: string; reason: string }[] }) => r.decisions.map((d) => `${d.checkId}:${d.reason}`).sort();

beforeEach(() => {
  dynamodb.reset();
  sim = simulateLedgerTable(dynamodb);
  table = sim.items;
});

test('a new exposure: decided, written with its claim, claimed for sending; confirm clears the claim', async () => {
  const r = await recordEvaluation(exposed('e-1'), deps('e-1'));
  expect(reasons(r)).toEqual(['S3_BUCKET_BPA_OFF:new', 'S3_POLICY_PUBLIC:new', 'S3_TLS_NOT_ENFORCED:below-threshold']);
  expect(r.claimed.map((d) => d.checkId).sort()).toEqual(['S3_BUCKET_BPA_OFF', 'S3_POLICY_PUBLIC']);
  expect([...table.values()].filter((i) => i.unsent?.M?.claimId?.S === 'e-1')).toHaveLength(2);
  await r.confirm();
  expect([...table.values()].some((i) => i.unsent)).toBe(false);
});

test('the same event delivered again: nothing claimed, nothing written', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).confirm();
  const before = sim.commits();
  const again = await recordEvaluation(exposed('e-1'), deps('e-1', later(1)));
  expect(again.claimed).toEqual([]);
  // the LOW finding was never kept (below the threshold), so it is merely below the threshold again
  expect(new Set(again.decisions.map((d) => d.reason))).toEqual(new Set(['duplicate', 'below-threshold']));
  expect(sim.commits()).toBe(before);
});

test('a publish that failed after the claim is sent by the retry, once', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).fail(); // the publish failed
  const retry = await recordEvaluation(exposed('e-1'), deps('e-1', later(1)));
  expect(retry.claimed.map((d) => d.reason)).toEqual(['new', 'new']);
  await retry.confirm();
  const third = await recordEvaluation(exposed('e-1'), deps('e-1', later(2)));
  expect(third.claimed).toEqual([]);
});

test('two invocations racing on the same finding: exactly one claims it', async () => {
  const s = store();
  const initial = s.read('s3-bucket#111122223333##acme-site');
  const [a, b] = await Promise.all([
    recordEvaluation(exposed('e-1'), deps('e-1'), initial),
    recordEvaluation(exposed('e-2'), deps('e-2'), initial),
  ]);
  expect(a.claimed.length + b.claimed.length).toBe(2);
  expect(a.claimed.length === 0 || b.claimed.length === 0).toBe(true);
  const claims = [...table.values()].filter((i) => i.unsent).map((i) => i.unsent?.M?.claimId?.S);
  expect(claims).toHaveLength(2);
  expect(new Set(claims).size).toBe(1);
});

/** Two writers that both read before either writes: the second parks until the first has committed. */
async function interleaved(first: () => Promise<Recorded>, second: () => Promise<Recorded>): Promise<[Recorded, Recorded]> {
  let release!: () => void;
  const parked = new Promise<void>((r) => { release = r; });
  let calls = 0;
  sim.beforeCommit = async () => { if (++calls === 1) await parked; };
  const a = first();
  const b = second().finally(release);
  return Promise.all([a, b]);
}

test('two invocations that each see a different part of the resource change: one message, never two', async () => {
  // A read the bucket with only BPA off; B read it a moment later, after the policy turned public.
  // Both read the empty ledger before either wrote. With claims per finding, each would win some
  // and both would send the whole resource.
  const bpaOff: EvaluationResult = { ...evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF })), trigger: trigger('e-1') };
  const [a, b] = await interleaved(
    () => recordEvaluation(bpaOff, { ...deps('e-1', later(0.1)), observedAt: T0 }),
    () => recordEvaluation(exposed('e-2'), { ...deps('e-2', later(0.1)), observedAt: later(0.05) }),
  );
  // The parked writer (A) lost the transaction, re-read, and found a newer read already written.
  expect(b.claimed.map((d) => d.checkId).sort()).toEqual(['S3_BUCKET_BPA_OFF', 'S3_POLICY_PUBLIC']);
  expect(a.claimed).toEqual([]);
  expect(reasons(a)).toEqual(['S3_BUCKET_BPA_OFF:out-of-order', 'S3_POLICY_PUBLIC:out-of-order']);
  expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
  expect(sim.commits()).toBe(1);
});

test('the same two, the other way round: the later read (policy private again) is told as resolved on top of the earlier one', async () => {
  const bpaOff: EvaluationResult = { ...evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF })), trigger: trigger('e-2') };
  const [later_, earlier] = await interleaved(
    () => recordEvaluation(bpaOff, { ...deps('e-2', later(0.1)), observedAt: later(0.05) }),
    () => recordEvaluation(exposed('e-1'), { ...deps('e-1', later(0.1)), observedAt: T0 }),
  );
  expect(earlier.claimed).toHaveLength(2);
  expect(later_.claimed.map((d) => `${d.checkId}:${d.reason}`)).toEqual(['S3_POLICY_PUBLIC:resolved']);
});

test('an evaluation delivered late (its reads older than the ledger\'s newest) changes nothing and sends nothing', async () => {
  await (await recordEvaluation(closed('e-2'), { ...deps('e-2', later(5)), observedAt: later(5) })).confirm();
  await (await recordEvaluation(exposed('e-3'), { ...deps('e-3', later(6)), observedAt: later(6) })).confirm();
  const before = sim.commits();
  const stale = await recordEvaluation(closed('e-1'), { ...deps('e-1', later(7)), observedAt: T0 });
  expect(stale.claimed).toEqual([]);
  expect(new Set(stale.decisions.map((d) => d.reason))).toEqual(new Set(['out-of-order']));
  expect(sim.commits()).toBe(before);
});

test('a real change while another claim is still being sent takes it over: the rise is told, not hidden as a duplicate', async () => {
  const bpaOff: EvaluationResult = { ...evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF })), trigger: trigger('e-1') };
  const first = await recordEvaluation(bpaOff, deps('e-1'));
  expect(first.claimed).toHaveLength(1); // still publishing
  const rise = await recordEvaluation(exposed('e-2'), deps('e-2', later(1)));
  expect(rise.claimed.map((d) => `${d.checkId}:${d.reason}`)).toEqual(['S3_POLICY_PUBLIC:new']);
  // The first one's confirm finds its claims taken over where they were, and leaves the new one alone.
  await first.confirm();
  expect(table.get('s3-bucket#111122223333##acme-site#S3_POLICY_PUBLIC')?.unsent?.M?.claimId?.S).toBe('e-2');
});

test('a claim never confirmed and older than the lease is sent by whoever comes next', async () => {
  await recordEvaluation(exposed('e-1'), deps('e-1'));
  const soon = await recordEvaluation(exposed(), deps('sweep-1', later(2)));
  expect(soon.claimed).toEqual([]);
  const afterLease = await recordEvaluation(exposed(), deps('sweep-2', later(6)));
  expect(afterLease.claimed.map((d) => d.reason)).toEqual(['new', 'new']);
});

test('a compliant resource with no entries costs a read and no write', async () => {
  const r = await recordEvaluation(closed(), deps('sweep-1'));
  expect(r.decisions).toEqual([]);
  expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
});

test('closing is claimed once as resolved, and the closed item expires after the retention', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).confirm();
  const r = await recordEvaluation(closed('e-2'), deps('e-2', later(10)));
  expect(reasons(r)).toEqual(['S3_BUCKET_BPA_OFF:resolved', 'S3_POLICY_PUBLIC:resolved']);
  const item = table.get('s3-bucket#111122223333##acme-site#S3_POLICY_PUBLIC')!;
  expect(item.status?.S).toBe('closed');
  expect(Number(item.expiresAt?.N)).toBe(Math.floor(later(10).getTime() / 1000) + 30 * 86_400);
});

test('a ledger that keeps changing under the invocation gives up, having written nothing (the pipeline then sends without it)', async () => {
  dynamodb.on(TransactWriteItemsCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None']));
  await expect(recordEvaluation(exposed('e-1'), deps('e-1'))).rejects.toBeInstanceOf(LedgerContentionError);
  expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(3);
  expect(table.size).toBe(0);
});

test('a transaction cancelled for another reason (throttled) is an error, not a lost race', async () => {
  dynamodb.on(TransactWriteItemsCommand).rejects(cancelled(['ThrottlingError', 'None']));
  await expect(recordEvaluation(exposed('e-1'), deps('e-1'))).rejects.toMatchObject({ name: 'TransactionCanceledException' });
  expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
});

test('the same event delivered twice while the first is still publishing: the second neither sends nor drops it, it is retried', async () => {
  const first = await recordEvaluation(exposed('e-1'), deps('e-1'));
  expect(first.claimed).toHaveLength(2);
  await expect(recordEvaluation(exposed('e-1'), deps('e-1', later(0.1)))).rejects.toBeInstanceOf(ClaimInFlightError);
  await first.confirm();
  const retried = await recordEvaluation(exposed('e-1'), deps('e-1', later(1)));
  expect(retried.claimed).toEqual([]);
});

test('the claimant died between claim and publish (nothing marked failed): its own retry after the lease sends it, once', async () => {
  await recordEvaluation(exposed('e-1'), deps('e-1')); // claimed, then the function timed out
  // Lambda's first async retry, about a minute later: still within the lease
  await expect(recordEvaluation(exposed('e-1'), deps('e-1', later(1)))).rejects.toBeInstanceOf(ClaimInFlightError);
  // the second, about three minutes after: past the event path's lease (150 s), it takes the claim over
  const second = await recordEvaluation(exposed('e-1'), deps('e-1', later(3)));
  expect(second.claimed.map((d) => d.reason)).toEqual(['new', 'new']);
  await second.confirm();
  expect((await recordEvaluation(exposed('e-1'), deps('e-1', later(4)))).claimed).toEqual([]);
});

test('a "resolved" whose publish failed is sent by the retry; re-opened before that, it is new again', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).confirm();
  await (await recordEvaluation(closed('e-3'), deps('e-3', later(10)))).fail();
  const retry = await recordEvaluation(closed('e-3'), deps('e-3', later(11)));
  expect(retry.claimed.map((d) => d.reason)).toEqual(['resolved', 'resolved']);
  await (await recordEvaluation(closed('e-5'), deps('e-5', later(20)))).fail();
  const reopened = await recordEvaluation(exposed('e-5'), deps('e-5', later(21)));
  expect(reopened.claimed.map((d) => `${d.reason}:${d.next.status}`)).toEqual(['new:open', 'new:open']);
});

test('a message restarts the renotify clock of every open finding it names, not only the one that caused it', async () => {
  const bpaOff = (e: string): EvaluationResult => ({ ...evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF })), trigger: trigger(e) });
  await (await recordEvaluation(bpaOff('e-1'), deps('e-1'))).confirm();
  const hours = (h: number) => later(h * 60);
  // 10 h later the policy turns public: one message, which names the BPA findings again
  await (await recordEvaluation(exposed('e-2'), deps('e-2', hours(10)))).confirm();
  const at24 = await recordEvaluation(exposed('e-3'), deps('e-3', hours(24)));
  expect(at24.claimed).toEqual([]);
  await at24.confirm();
  const at34 = await recordEvaluation(exposed('e-4'), deps('e-4', hours(34)));
  expect(at34.claimed.map((d) => `${d.checkId}:${d.reason}`).sort()).toEqual(['S3_BUCKET_BPA_OFF:renotify', 'S3_POLICY_PUBLIC:renotify']);
});

test('a quiet write (the guard\'s own echo) does not make a real event that read a moment earlier look out of order', async () => {
  const quiet = await recordEvaluation(exposed('echo'), { ...deps('echo', later(0.2)), observedAt: later(0.1), route: () => 'quiet' });
  expect(new Set(quiet.decisions.map((d) => d.reason))).toEqual(new Set(['suppressed', 'below-threshold']));
  const user = await recordEvaluation(exposed('e-1'), { ...deps('e-1', later(0.3)), observedAt: later(0.05) });
  expect(user.claimed.map((d) => d.reason)).toEqual(['new', 'new']);
});
