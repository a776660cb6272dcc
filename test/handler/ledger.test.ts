/**
 * The ledger against a DynamoDB table simulated behind aws-sdk-client-mock: conditional writes
 * answer with the real ConditionalCheckFailedException, so races, retries after a failed publish
 * and duplicate deliveries play out as they would on the table.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { LedgerContentionError, recordEvaluation, type LedgerDeps } from '../../lambda/app/ledger';
import { evaluateBucket } from '../../lambda/core/s3/evaluator';
import type { EvaluationResult, Trigger } from '../../lambda/core/model/types';
import { conflict, simulateLedgerTable, type SimulatedTable } from '../helpers/dynamodb-ledger';
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
  expect(reasons(r)).toEqual(['S3_ACCOUNT_BPA_OFF:new', 'S3_BUCKET_BPA_OFF:new', 'S3_POLICY_PUBLIC:new', 'S3_TLS_NOT_ENFORCED:below-threshold']);
  expect(r.claimed.map((d) => d.checkId).sort()).toEqual(['S3_ACCOUNT_BPA_OFF', 'S3_BUCKET_BPA_OFF', 'S3_POLICY_PUBLIC']);
  expect([...table.values()].filter((i) => i.unsent?.M?.claimId?.S === 'e-1')).toHaveLength(3);
  await r.confirm();
  expect([...table.values()].some((i) => i.unsent)).toBe(false);
});

test('the same event delivered again: nothing claimed, nothing written', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).confirm();
  const before = sim.puts();
  const again = await recordEvaluation(exposed('e-1'), deps('e-1', later(1)));
  expect(again.claimed).toEqual([]);
  expect(new Set(again.decisions.map((d) => d.reason))).toEqual(new Set(['duplicate']));
  expect(sim.puts()).toBe(before);
});

test('a publish that failed after the claim is sent by the retry, once', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).fail(); // the publish failed
  const retry = await recordEvaluation(exposed('e-1'), deps('e-1', later(1)));
  expect(retry.claimed.map((d) => d.reason)).toEqual(['new', 'new', 'new']);
  await retry.confirm();
  const third = await recordEvaluation(exposed('e-1'), deps('e-1', later(2)));
  expect(third.claimed).toEqual([]);
});

test('two invocations racing on the same finding: exactly one claims it', async () => {
  const s = store();
  const initial = s.entriesFor('s3-bucket#111122223333##acme-site');
  const [a, b] = await Promise.all([
    recordEvaluation(exposed('e-1'), deps('e-1'), initial),
    recordEvaluation(exposed('e-2'), deps('e-2'), initial),
  ]);
  expect(a.claimed.length + b.claimed.length).toBe(3);
  expect(a.claimed.length === 0 || b.claimed.length === 0).toBe(true);
  expect(dynamodb.commandCalls(PutItemCommand).some((c) => c.args[0].input.ConditionExpression === 'version = :v' || c.args[0].input.ConditionExpression === 'attribute_not_exists(pk)')).toBe(true);
});

test('a claim never confirmed and older than the lease is sent by whoever comes next', async () => {
  await recordEvaluation(exposed('e-1'), deps('e-1'));
  const soon = await recordEvaluation(exposed(), deps('sweep-1', later(2)));
  expect(soon.claimed).toEqual([]);
  const afterLease = await recordEvaluation(exposed(), deps('sweep-2', later(6)));
  expect(afterLease.claimed.map((d) => d.reason)).toEqual(['new', 'new', 'new']);
});

test('a compliant resource with no entries costs a read and no write', async () => {
  const r = await recordEvaluation(closed(), deps('sweep-1'));
  expect(r.decisions).toEqual([]);
  expect(dynamodb.commandCalls(PutItemCommand)).toHaveLength(0);
});

test('closing is claimed once as resolved, and the closed item expires after the retention', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).confirm();
  const r = await recordEvaluation(closed('e-2'), deps('e-2', later(10)));
  expect(reasons(r)).toEqual(['S3_ACCOUNT_BPA_OFF:resolved', 'S3_BUCKET_BPA_OFF:resolved', 'S3_POLICY_PUBLIC:resolved', 'S3_TLS_NOT_ENFORCED:below-threshold']);
  const item = table.get('s3-bucket#111122223333##acme-site#S3_POLICY_PUBLIC')!;
  expect(item.status?.S).toBe('closed');
  expect(Number(item.expiresAt?.N)).toBe(Math.floor(later(10).getTime() / 1000) + 30 * 86_400);
});

test('a ledger that keeps changing under the invocation gives up with what it wrote (the pipeline then sends without it)', async () => {
  dynamodb.on(PutItemCommand).rejects(conflict());
  await expect(recordEvaluation(exposed('e-1'), deps('e-1'))).rejects.toBeInstanceOf(LedgerContentionError);
});

test('the same event delivered twice while the first is still publishing: the second claims nothing', async () => {
  const first = await recordEvaluation(exposed('e-1'), deps('e-1'));
  const second = await recordEvaluation(exposed('e-1'), deps('e-1', later(0.1)));
  expect(first.claimed).toHaveLength(3);
  expect(second.claimed).toEqual([]);
});

test('a "resolved" whose publish failed is sent by the retry; re-opened before that, it is new again', async () => {
  await (await recordEvaluation(exposed('e-1'), deps('e-1'))).confirm();
  await (await recordEvaluation(closed('e-3'), deps('e-3', later(10)))).fail();
  const retry = await recordEvaluation(closed('e-3'), deps('e-3', later(11)));
  expect(retry.claimed.map((d) => d.reason)).toEqual(['resolved', 'resolved', 'resolved']);
  await (await recordEvaluation(closed('e-5'), deps('e-5', later(20)))).fail();
  const reopened = await recordEvaluation(exposed('e-5'), deps('e-5', later(21)));
  expect(reopened.claimed.map((d) => `${d.reason}:${d.next.status}`)).toEqual(['new:open', 'new:open', 'new:open']);
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
  expect(at34.claimed.map((d) => `${d.checkId}:${d.reason}`).sort()).toEqual(['S3_ACCOUNT_BPA_OFF:renotify', 'S3_BUCKET_BPA_OFF:renotify', 'S3_POLICY_PUBLIC:renotify']);
});
