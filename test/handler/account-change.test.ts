/**
 * Deleting the account-level Block Public Access turns latent public policies live with no bucket
 * event: the change re-evaluates every bucket, tells each bucket that became exposed, and tells
 * the account once, listing them.
 */
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { simulateLedgerTable } from '../helpers/dynamodb-ledger';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/model/settings';
import type { EvaluationResult } from '../../lambda/core/model/types';
import { evaluateS3EventTarget } from '../../lambda/app/account-change';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import { cloudTrailFixture } from '../fixtures/load';
import { S3_ERRORS, s3ControlError } from '../helpers/aws-errors';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_ON, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const sns = mockClient(SNSClient);
const RESTRICT_OFF = { ...ALL_ON, RestrictPublicBuckets: false, BlockPublicPolicy: false };

let logger: RecordingLogger;
const deps = (over: Partial<PipelineDeps> = {}): PipelineDeps => {
  const clients = new LocalClientFactory('eu-west-1');
  return {
    settings: resolveSettings(), clients, logger, notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: '111122223333', defaultRegion: 'eu-west-1', ...over,
  };
};
const sent = () => sns.commandCalls(PublishCommand).map((c) => ({
  subject: c.args[0].input.Subject!, ...(JSON.parse(c.args[0].input.Message!) as { email: string; default: string }),
}));

beforeEach(() => {
  for (const m of [s3, s3control, sns]) m.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm' });
  logger = new RecordingLogger();
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'latent-public', BucketRegion: 'eu-west-1' }, { Name: 'bpa-off-private', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, {
    // latent-public: a public policy the account's RestrictPublicBuckets kept latent; its own BPA leaves Restrict off
    policy: ({ Bucket }) => (Bucket === 'latent-public'
      ? { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::latent-public/*' }] }) }
      : S3_ERRORS.noSuchBucketPolicy()),
    publicAccessBlock: { PublicAccessBlockConfiguration: RESTRICT_OFF },
    // the account-level setting has just been deleted
    accountPublicAccessBlock: s3ControlError('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  });
});

test('DeleteAccountPublicAccessBlock: every bucket re-evaluated; the one made live is told, with who did it; the account once, listing it', async () => {
  const outcomes = await processEvent(cloudTrailFixture('s3-delete-account-public-access-block.json'), deps(), evaluateS3EventTarget);
  expect(s3).toHaveReceivedCommandTimes(ListBucketsCommand, 1);
  expect(outcomes).toHaveLength(1);
  const messages = sent();
  expect(messages.map((m) => m.subject).sort()).toEqual([
    '[HIGH] Publicly readable (bucket policy): S3 bucket latent-public (111122223333 eu-west-1)',
    '[MEDIUM] Account-level Block Public Access off: account 111122223333',
  ]);
  const bucket = JSON.parse(messages.find((m) => m.subject.includes('latent-public'))!.default) as EvaluationResult;
  expect(bucket.trigger?.eventName).toBe('DeleteAccountPublicAccessBlock');
  const account = messages.find((m) => m.subject.includes('account 111122223333'))!;
  expect((JSON.parse(account.default) as EvaluationResult).findings[0]?.evidence).toMatchObject({ bucketsReEvaluated: 2, exposedBuckets: 1, exposed: ['latent-public'] });
  expect(account.email).toContain('Exposed now (each has its own message): latent-public');
  // the private bucket with bucket BPA off is logged, not mailed: this change did not expose it
  const quiet = logger.find('evaluation').find((r) => (r.data.resource as { id: string }).id === 'bpa-off-private');
  expect(quiet?.data).toMatchObject({ notification: { sent: false, reason: 'not made live by this change' } });
});

test('an account change that leaves every flag on re-evaluates no bucket', async () => {
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_ON });
  await processEvent(cloudTrailFixture('s3-put-account-public-access-block.json'), deps(), evaluateS3EventTarget);
  expect(s3).not.toHaveReceivedCommand(ListBucketsCommand);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
});

test('out of time before the last bucket: the account message says which part was not re-evaluated (EVALUATION_INCOMPLETE)', async () => {
  // a deadline already passed: no bucket is taken
  await processEvent(cloudTrailFixture('s3-delete-account-public-access-block.json'), deps({ deadline: 0 }), evaluateS3EventTarget);
  const [account] = sent();
  const result = JSON.parse(account!.default) as EvaluationResult;
  expect(result.unknown).toContain('buckets');
  expect(result.findings.map((f) => f.checkId)).toEqual(['EVALUATION_INCOMPLETE', 'S3_ACCOUNT_BPA_OFF']);
  expect(account!.email).toContain('exposure-guard scan --region eu-west-1');
});

test('an account level that keeps IgnorePublicAcls and RestrictPublicBuckets on exposes nothing latent: no pass over the buckets', async () => {
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: { ...ALL_ON, BlockPublicAcls: false, BlockPublicPolicy: false } });
  await processEvent(cloudTrailFixture('s3-put-account-public-access-block.json'), deps(), evaluateS3EventTarget);
  expect(s3).not.toHaveReceivedCommand(ListBucketsCommand);
  // the account setting itself is still told
  expect(sent().map((m) => m.subject)).toEqual(['[MEDIUM] Account-level Block Public Access off: account 111122223333']);
});

test('a bucket made live whose own message cannot be published: named in the account message, counted for the alarm', async () => {
  const counted: string[] = [];
  sns.on(PublishCommand).callsFake((input: { Subject?: string }) => {
    if (input.Subject?.includes('latent-public')) throw new Error('publish failed');
    return { ...META, MessageId: 'm' };
  });
  await processEvent(cloudTrailFixture('s3-delete-account-public-access-block.json'),
    deps({ metrics: { count: (n) => { counted.push(n); }, flush: () => undefined } }), evaluateS3EventTarget);
  const account = sent().find((m) => m.subject.includes('account 111122223333'))!;
  expect(account.email).toContain('Exposed now (each has its own message): latent-public');
  expect(account.email).toContain('Their own message could NOT be delivered (see the audit log): latent-public');
  expect(counted).toContain('NotificationFailures');
});

test('listing the buckets fails part-way: no retry (that would repeat every message), the account message says what was not reached', async () => {
  s3.on(ListBucketsCommand).rejects(new Error('socket hang up'));
  const outcomes = await processEvent(cloudTrailFixture('s3-delete-account-public-access-block.json'), deps(), evaluateS3EventTarget);
  expect(outcomes).toHaveLength(1);
  const [account] = sent();
  expect((JSON.parse(account!.default) as EvaluationResult).unknownReasons?.buckets).toMatch(/^listing the buckets failed/);
});

test('the account event retried while its first try\'s bucket claims are within their lease: the rest is told, then it fails for a later retry that takes them over', async () => {
  const dynamodb = mockClient(DynamoDBClient);
  const table = simulateLedgerTable(dynamodb);
  let now = new Date('2026-12-01T10:00:00.000Z');
  const store = new LedgerStore(new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }), 'ledger');
  const withLedger = () => deps({ ledger: { store, now: () => now } });
  const event = cloudTrailFixture('s3-delete-account-public-access-block.json');
  // First try: the bucket's message is claimed, then the function dies before publishing.
  sns.on(PublishCommand).callsFake(async (input: { MessageAttributes?: Record<string, { StringValue?: string }> }) => {
    if (input.MessageAttributes?.resourceType?.StringValue === 's3-bucket') throw Object.assign(new Error('Task timed out'), { name: 'TimeoutError' });
    return { ...META, MessageId: 'm' };
  });
  await processEvent(event, withLedger(), evaluateS3EventTarget).catch(() => undefined);
  // (the timeout never got to mark the claim failed)
  for (const item of table.items.values()) if (item.unsent?.M?.failed) delete item.unsent.M.failed;
  sns.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm' });
  now = new Date(now.getTime() + 60_000);
  await expect(processEvent(event, withLedger(), evaluateS3EventTarget)).rejects.toMatchObject({ name: 'ClaimInFlightError' });
  now = new Date(now.getTime() + 120_000);
  await processEvent(event, withLedger(), evaluateS3EventTarget);
  expect(sent().map((m) => m.subject)).toEqual(expect.arrayContaining([expect.stringMatching(/latent-public/)]));
});
