/**
 * The event path with the findings ledger on: a bucket event → reads → evaluation → ledger claim →
 * SNS → confirm. One message per new exposure; a redelivery, or the same state seen again, is
 * quiet and says why in the audit record; a publish that fails after the claim is sent by the retry.
 */
import { DynamoDBClient, QueryCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { evaluateS3EventTarget } from '../../lambda/app/account-change';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import { resolveSettings } from '../../lambda/core/model/settings';
import { cloudTrailFixture } from '../fixtures/load';
import { snsError } from '../helpers/aws-errors';
import { cancelled, simulateLedgerTable } from '../helpers/dynamodb-ledger';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_OFF, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);
const T0 = new Date('2026-12-01T10:00:00.000Z');
let now: Date;
let logger: RecordingLogger;
let table: ReturnType<typeof simulateLedgerTable>;

const publicPolicy = { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] }) };
function deps(): PipelineDeps {
  const clients = new LocalClientFactory('eu-west-1');
  return {
    settings: resolveSettings(), clients, logger, notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: '111122223333', defaultRegion: 'eu-west-1',
    ledger: { store: new LedgerStore(new DynamoDBClient({ region: 'eu-west-1' }), 'ledger'), now: () => now },
  };
}
const event = (eventID: string) => ({ ...(cloudTrailFixture('s3-put-bucket-policy.json') as Record<string, unknown>), detail: {
  ...((cloudTrailFixture('s3-put-bucket-policy.json') as { detail: Record<string, unknown> }).detail), eventID,
} });
const run = (eventId: string) => processEvent(event(eventId), deps(), evaluateS3EventTarget);
const subjects = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
const lastRecord = () => logger.find('evaluation').at(-1)?.data as { notification: { sent: boolean }; ledger: Record<string, string> };

beforeEach(() => {
  for (const m of [s3, s3control, sns, dynamodb]) m.reset();
  table = simulateLedgerTable(dynamodb);
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm-1' });
  logger = new RecordingLogger();
  now = T0;
  mockBucketAccount({ s3, s3control }, { policy: publicPolicy, accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF }, publicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF } });
});

test('a new exposure is sent once; its redelivery and a later event that changes nothing are quiet, and say why', async () => {
  await run('e-1');
  expect(subjects()).toEqual([expect.stringMatching(/^\[HIGH\] Publicly readable \(bucket policy\): S3 bucket acme-site/)]);
  expect(lastRecord().ledger).toMatchObject({ S3_POLICY_PUBLIC: 'new', S3_BUCKET_BPA_OFF: 'new' });
  now = new Date(T0.getTime() + 60_000);
  await run('e-1');
  expect(lastRecord()).toMatchObject({ notification: { sent: false }, ledger: { S3_POLICY_PUBLIC: 'duplicate' } });
  await run('e-2');
  expect(lastRecord()).toMatchObject({ notification: { sent: false }, ledger: { S3_POLICY_PUBLIC: 'unchanged' } });
  expect(subjects()).toHaveLength(1);
});

test('a publish that fails after the claim: the event is retried, and the retry sends it, once', async () => {
  sns.on(PublishCommand).rejectsOnce(snsError('InternalError', 500, 'Internal error')).resolves({ ...META, MessageId: 'm-2' });
  await expect(run('e-1')).rejects.toThrow();
  await run('e-1');
  await run('e-1');
  expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  expect(subjects().filter(Boolean)).toHaveLength(2);
  expect(logger.find('evaluation').map((e) => (e.data as { notification: { sent: boolean } }).notification.sent)).toEqual([true, false]);
});

test('closing the exposure sends one short resolved message naming who closed it', async () => {
  await run('e-1');
  mockBucketAccount({ s3, s3control });
  now = new Date(T0.getTime() + 3_600_000);
  await run('e-3');
  const resolved = sns.commandCalls(PublishCommand)[1]?.args[0].input;
  expect(resolved?.Subject).toMatch(/^\[HIGH\] Resolved: S3 bucket acme-site/);
  const email = (JSON.parse(resolved!.Message!) as { email: string }).email;
  expect(email).toContain('[was HIGH] S3 bucket acme-site is publicly readable (bucket policy)');
  expect(email).toMatch(/closed: PutBucketPolicy by arn:aws:/);
  expect(lastRecord().ledger).toMatchObject({ S3_POLICY_PUBLIC: 'resolved' });
});

test('the ledger failing (throttled, denied): the message is sent as without a ledger, never withheld, and counted', async () => {
  const counted: string[] = [];
  dynamodb.on(QueryCommand).rejects(Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }));
  await processEvent(event('e-1'), { ...deps(), metrics: { count: (name) => { counted.push(name); }, flush: () => undefined } }, evaluateS3EventTarget);
  expect(subjects()).toEqual([expect.stringMatching(/^\[HIGH\] Publicly readable/)]);
  expect(counted).toContain('LedgerFailures');
  expect(logger.find('ledger unavailable')).toHaveLength(1);
});

test('a confirm that fails after the publish went out is logged and counted, never retried into a second message', async () => {
  const counted: string[] = [];
  dynamodb.on(UpdateItemCommand).rejects(Object.assign(new Error('Throughput exceeds the current capacity of your table'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
  await processEvent(event('e-1'), { ...deps(), metrics: { count: (name) => { counted.push(name); }, flush: () => undefined } }, evaluateS3EventTarget);
  expect(subjects()).toHaveLength(1);
  expect(counted).toContain('LedgerFailures');
  expect(logger.find('ledger unavailable')[0]?.data).toMatchObject({ stage: 'confirm' });
});

test('a claim whose exposure closed before the retry is cleared, not left to hold the finding', async () => {
  sns.on(PublishCommand).rejectsOnce(snsError('InternalError', 500, 'Internal error')).resolves({ ...META, MessageId: 'm-2' });
  await expect(run('e-1')).rejects.toThrow();
  mockBucketAccount({ s3, s3control });
  now = new Date(T0.getTime() + 60_000);
  await run('e-1');
  expect([...table.items.values()].filter((i) => i.unsent)).toEqual([]);
});

test('the ledger write throttled: nothing is half-written, and the message goes out without it', async () => {
  dynamodb.on(TransactWriteItemsCommand).rejects(cancelled(['ThrottlingError', 'None', 'None', 'None', 'None']));
  await run('e-1');
  expect(subjects()).toHaveLength(1);
  expect(logger.find('ledger unavailable')).toHaveLength(1);
  expect([...table.items.values()]).toEqual([]);
});

test('the ledger is read while the bucket is read, not after: it adds no round trip before the claim', async () => {
  const order: string[] = [];
  dynamodb.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, AttributeValue> }) => {
    order.push(`query ${input.ExpressionAttributeValues[':k']?.S}`);
    return { ...META, Items: [] };
  });
  s3.on(GetBucketPolicyCommand).callsFake(async () => { order.push('s3 GetBucketPolicy'); return { ...META, ...publicPolicy }; });
  await run('e-1');
  expect(order[0]).toBe('query s3-bucket#111122223333##acme-site');
  expect(dynamodb.commandCalls(QueryCommand)).toHaveLength(1);
});

test('the guard\'s own remediation call coming back is recorded in the ledger, quietly: the state is kept, nothing is claimed', async () => {
  const own = event('e-9');
  (own.detail as Record<string, unknown>).userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/guard-role/fn' };
  await processEvent(own, { ...deps(), ownRoleName: 'guard-role' }, evaluateS3EventTarget);
  expect(subjects()).toEqual([]);
  expect(lastRecord().ledger).toMatchObject({ S3_POLICY_PUBLIC: 'suppressed' });
  const entry = table.items.get('s3-bucket#111122223333##acme-site#S3_POLICY_PUBLIC');
  expect(entry?.status?.S).toBe('open');
  expect(entry?.notifiedSeverity).toBeUndefined();
  expect(entry?.unsent).toBeUndefined();
  // Not told there, so the next evaluation tells it.
  now = new Date(T0.getTime() + 60_000);
  await run('e-10');
  expect(subjects()).toEqual([expect.stringMatching(/^\[HIGH\] Publicly readable/)]);
});
