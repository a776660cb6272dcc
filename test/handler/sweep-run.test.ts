/**
 * The scheduled sweep end to end on mocks: the coordinator lists (several pages, several regions)
 * and enqueues numbered batches; the test delivers them to the worker as SQS would (retrying what
 * a worker reports failed); the ledger and the run records live in the simulated DynamoDB table.
 * Every swept resource ends evaluated, INCOMPLETE with its reason, or gone, and the run sends one
 * digest.
 */
import { BatchGetItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, ListAccessPointsCommand, ListMultiRegionAccessPointsCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { SweepRuns } from '../../lambda/adapters/sweep-runs';
import { startSweep, type CoordinatorDeps } from '../../lambda/app/sweep-coordinator';
import { sweepMessages, type SqsRecord, type WorkerDeps } from '../../lambda/app/sweep-worker';
import { resolveSettings } from '../../lambda/core/model/settings';
import { BUCKETS_PER_BATCH, type SweepBatch } from '../../lambda/core/sweep/batches';
import { S3_ERRORS, s3Error, snsError } from '../helpers/aws-errors';
import { cancelled, ledgerTable, simulateLedgerTable, type SimulatedTable } from '../helpers/dynamodb-ledger';
import { describedGroup, mockGroupAccount, resetGroupAccount } from '../helpers/ec2-account';
import { OneAttempt } from '../helpers/one-attempt';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_OFF, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBClient);

const T0 = new Date('2026-12-02T03:00:00.000Z');
let now: Date;
let logger: RecordingLogger;
let table: SimulatedTable;
let queued: SendMessageBatchRequestEntry[];
let counted: string[];

function deps(): CoordinatorDeps & WorkerDeps {
  const clients = new OneAttempt();
  const dynamo = new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 });
  return {
    settings: resolveSettings(), clients, logger, notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    metrics: { count: (name) => { counted.push(name); }, flush: () => undefined },
    defaultAccount: '111122223333', defaultRegion: 'eu-west-1',
    runs: new SweepRuns(dynamo, 'ledger'), store: new LedgerStore(dynamo, 'ledger'), queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/batches',
    now: () => now, concurrency: 4,
  };
}

/** Delivers what is queued to the worker, as SQS would: five at a time, failed ones again (three receives, then the DLQ). */
async function drain(d = deps()): Promise<{ deadLetters: SqsRecord[] }> {
  const receives = new Map<string, number>();
  const deadLetters: SqsRecord[] = [];
  let pending: SqsRecord[] = queued.map((e, i) => ({ messageId: `m-${i}-${e.Id}`, body: e.MessageBody! }));
  queued = [];
  while (pending.length > 0) {
    const batch = pending.slice(0, 5);
    pending = pending.slice(5);
    const { batchItemFailures } = await sweepMessages(batch, d);
    for (const failure of batchItemFailures) {
      const record = batch.find((r) => r.messageId === failure.itemIdentifier)!;
      const n = (receives.get(record.messageId) ?? 1) + 1;
      receives.set(record.messageId, n);
      if (n > 3) deadLetters.push(record);
      else pending.push(record);
    }
  }
  return { deadLetters };
}

const publicPolicy = (bucket: string) => ({ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }) });
const subjects = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject!);
const digests = () => sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.MessageAttributes?.resourceType?.StringValue === 'sweep-digest');
const digestJson = (i = -1) => JSON.parse((JSON.parse(digests().at(i)!.args[0].input.Message!) as { default: string }).default) as Record<string, unknown>;
const batchesQueued = () => queued.map((e) => JSON.parse(e.MessageBody!) as SweepBatch);

function account(buckets: { name: string; region?: string }[]) {
  const pages = [];
  for (let i = 0; i < buckets.length; i += 1000) pages.push(buckets.slice(i, i + 1000));
  pages.forEach((page, i) => {
    s3.on(ListBucketsCommand, { MaxBuckets: 1000, ...(i > 0 ? { ContinuationToken: `page-${i}` } : {}) }).resolves({
      ...META, Buckets: page.map((b) => ({ Name: b.name, BucketRegion: b.region ?? 'eu-west-1' })), ...(i < pages.length - 1 ? { ContinuationToken: `page-${i + 1}` } : {}),
    });
  });
}

beforeEach(() => {
  for (const m of [s3, s3control, ec2, sns, sqs, dynamodb]) m.reset();
  resetGroupAccount(ec2);
  ec2.on(DescribeSecurityGroupsCommand).resolves({ ...META, SecurityGroups: [] });
  table = simulateLedgerTable(dynamodb);
  queued = [];
  counted = [];
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
    queued.push(...input.Entries);
    return { ...META, Successful: input.Entries.map((e, i) => ({ Id: e.Id!, MessageId: `q-${queued.length}-${i}`, MD5OfMessageBody: 'x' })), Failed: [] };
  });
  let n = 0;
  sns.on(PublishCommand).callsFake(() => ({ ...META, MessageId: `sns-${++n}` }));
  logger = new RecordingLogger();
  now = T0;
  mockBucketAccount({ s3, s3control });
});

describe('the coordinator', () => {
  test('lists every page and region and enqueues numbered batches (the account, buckets, groups); it reads no configuration', async () => {
    const buckets = Array.from({ length: 2_120 }, (_, i) => ({ name: `b-${String(i).padStart(4, '0')}`, region: i % 3 === 0 ? 'us-east-1' : 'eu-west-1' }));
    account(buckets);
    for (let i = 0; i < 130; i++) mockGroupAccount(ec2, { groupId: `sg-${String(i).padStart(17, '0')}` });
    const started = await startSweep('run-1', deps());
    expect(started).toEqual({ run: 'run-1', baseline: true, batches: 1 + Math.ceil(2_120 / BUCKETS_PER_BATCH) + 2, buckets: 2_120, groups: 130, resumed: false });
    expect(s3).toHaveReceivedCommandTimes(ListBucketsCommand, 3);
    expect(s3control).toHaveReceivedCommandTimes(GetAccountPublicAccessBlockCommand, 0);
    const batches = batchesQueued();
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
    expect(batches[0]).toEqual({ run: 'run-1', seq: 0, kind: 'account' });
    const swept = batches.flatMap((b) => (b.kind === 'buckets' ? b.buckets : []));
    expect(swept).toEqual(buckets); // each once, with its region
    expect(batches.flatMap((b) => (b.kind === 'groups' ? b.groupIds : []))).toHaveLength(130);
    // the coordinator never evaluates
    expect(s3.commandCalls(ListBucketsCommand).length + s3control.commandCalls(GetAccountPublicAccessBlockCommand).length).toBe(s3.calls().length + s3control.calls().length);
    expect(sns.calls()).toHaveLength(0);
    expect(table.items.get('sweep#run-1##run')?.batches?.N).toBe(String(started.batches));
  });

  test('a retry of the same run (Lambda retried the invocation) enqueues the same numbered batches, and they are counted once', async () => {
    account([{ name: 'a' }, { name: 'b' }]);
    await startSweep('run-1', deps());
    const first = batchesQueued();
    // The first try died after queueing: its run item has no batch count yet.
    delete table.items.get('sweep#run-1##run')!.batches;
    await startSweep('run-1', deps());
    expect(batchesQueued()).toEqual([...first, ...first]);
    await drain();
    expect(table.items.get('sweep#run-1##run')?.done?.N).toBe(String(first.length));
    expect(digests()).toHaveLength(1);
  });

  test('a batch SQS keeps refusing fails the run loudly (Lambda retries it); one refused once is sent again', async () => {
    account([{ name: 'a' }]);
    let calls = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      calls++;
      const [first, ...rest] = input.Entries;
      queued.push(...rest);
      return { ...META, Successful: rest.map((e) => ({ Id: e.Id!, MessageId: 'q', MD5OfMessageBody: 'x' })), Failed: [{ Id: first!.Id!, SenderFault: false, Code: 'InternalError', Message: 'try again' }] };
    });
    await expect(startSweep('run-1', deps())).rejects.toMatchObject({ name: 'SweepQueueError' });
    expect(calls).toBe(4);
    expect(logger.find('sweep failed')[0]?.data).toMatchObject({ step: 'listing' });
  });

  test('ListBuckets denied: the sweep is blind, so it fails (alarmed, retried, kept in the DLQ) instead of sweeping nothing quietly', async () => {
    s3.on(ListBucketsCommand).rejects(S3_ERRORS.accessDenied());
    await expect(startSweep('run-1', deps())).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(logger.find('sweep failed')).toHaveLength(1);
    expect(table.items.get('sweep#run-1##run')?.batches).toBeUndefined();
  });

  test('the next run says when the previous one never finished, in the digest and as a metric', async () => {
    account([{ name: 'a' }]);
    await startSweep('run-1', deps());
    queued = []; // its batches never ran (say, all in the DLQ)
    now = new Date(T0.getTime() + 86_400_000);
    await startSweep('run-2', deps());
    await drain();
    expect(counted).toContain('SweepUnfinished');
    expect(digestJson()).toMatchObject({ previousUnfinished: expect.stringContaining('run run-1') });
  });
});

describe('the workers and the digest', () => {
  test('every resource ends evaluated, INCOMPLETE with its reason, or gone; one digest with the exact counts', async () => {
    account([
      { name: 'public-site', region: 'eu-west-1' }, { name: 'deleted-meanwhile', region: 'eu-west-1' }, { name: 'denied-one', region: 'eu-west-1' },
      { name: 'throttled-one', region: 'us-east-1' }, { name: 'private-1', region: 'us-east-1' }, { name: 'private-2' },
    ]);
    mockBucketAccount({ s3, s3control }, {
      policy: ({ Bucket }) => {
        if (Bucket === 'public-site') return publicPolicy('public-site');
        if (Bucket === 'deleted-meanwhile') return S3_ERRORS.noSuchBucket();
        if (Bucket === 'denied-one') return S3_ERRORS.accessDenied();
        if (Bucket === 'throttled-one') return S3_ERRORS.slowDown();
        return S3_ERRORS.noSuchBucketPolicy();
      },
      publicAccessBlock: ({ Bucket }) => (Bucket === 'public-site' ? { PublicAccessBlockConfiguration: ALL_OFF } : { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
      accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    });
    mockGroupAccount(ec2, { groupId: 'sg-0123456789abcdef0', rules: [{ id: 'sgr-1', protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0' }], interfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-0123456789abcdef0' }], Association: { PublicIp: '203.0.113.10' } }] });
    mockGroupAccount(ec2, { groupId: 'sg-0fedcba9876543210' });
    await startSweep('run-1', deps());
    // Deleted after the coordinator listed it: the worker's filtered read no longer finds it.
    resetGroupAccount(ec2);
    mockGroupAccount(ec2, { groupId: 'sg-0123456789abcdef0', rules: [{ id: 'sgr-1', protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0' }], interfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-0123456789abcdef0' }], Association: { PublicIp: '203.0.113.10' } }] });
    const { deadLetters } = await drain();
    expect(deadLetters).toEqual([]);
    expect(digests()).toHaveLength(1);
    const digest = digestJson();
    expect(digest).toMatchObject({
      kind: 'sweep-digest', baseline: true,
      resources: { evaluated: 4, incomplete: 2, gone: 2, failed: 0 },
    });
    const unevaluated = (digest.unevaluated as { items: { resource: { id: string }; reasons: Record<string, string> }[] }).items;
    expect(Object.fromEntries(unevaluated.map((u) => [u.resource.id, Object.values(u.reasons).join('; ')]))).toEqual({
      'denied-one': expect.stringContaining('AccessDenied'),
      'throttled-one': expect.stringContaining('SlowDown'),
    });
    // The first sweep is the baseline: its digest tells it, not one email per resource.
    expect(subjects()).toEqual([digests()[0]!.args[0].input.Subject]);
  });

  test('after the baseline: a new HIGH exposure no event announced has its own message at once, saying so; the digest lists it too', async () => {
    account([{ name: 'quiet-one' }]);
    await startSweep('run-1', deps());
    await drain();
    now = new Date(T0.getTime() + 86_400_000);
    account([{ name: 'quiet-one' }, { name: 'opened-unseen' }]);
    mockBucketAccount({ s3, s3control }, {
      policy: ({ Bucket }) => (Bucket === 'opened-unseen' ? publicPolicy('opened-unseen') : S3_ERRORS.noSuchBucketPolicy()),
      publicAccessBlock: ({ Bucket }) => (Bucket === 'opened-unseen' ? { PublicAccessBlockConfiguration: ALL_OFF } : { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
      accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    });
    await startSweep('run-2', deps());
    await drain();
    const own = sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.MessageAttributes?.missedEvent);
    expect(own).toHaveLength(1);
    expect(own[0]!.args[0].input.Subject).toMatch(/^\[HIGH\] Publicly readable.*opened-unseen/);
    expect((JSON.parse(own[0]!.args[0].input.Message!) as { email: string }).email).toContain('NO EVENT ANNOUNCED THIS');
    // by finding: the bucket's policy and its Block Public Access, and the account's setting
    expect(digestJson()).toMatchObject({ new: { total: 3 } });
    expect(digests()).toHaveLength(2);
  });

  test('steady state: nothing changed since the last sweep, one exposed bucket: one digest, no other message, ledger writes only for the open findings', async () => {
    const names = Array.from({ length: 60 }, (_, i) => ({ name: `b-${i}` }));
    account(names);
    mockBucketAccount({ s3, s3control }, {
      policy: ({ Bucket }) => (Bucket === 'b-7' ? publicPolicy('b-7') : S3_ERRORS.noSuchBucketPolicy()),
      publicAccessBlock: ({ Bucket }) => (Bucket === 'b-7' ? { PublicAccessBlockConfiguration: ALL_OFF } : { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
      accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    });
    await startSweep('run-1', deps());
    await drain();
    now = new Date(T0.getTime() + 6 * 3_600_000);
    sns.resetHistory();
    const before = table.writes();
    const findingWrites = () => [...table.items.keys()].filter((k) => !k.startsWith('sweep')).length;
    const entries = findingWrites();
    await startSweep('run-2', deps());
    await drain();
    expect(subjects()).toHaveLength(1);
    expect(digests()).toHaveLength(1);
    expect(digestJson()).toMatchObject({ new: { total: 0 }, resolved: { total: 0 }, resources: { evaluated: 60 } });
    // Only the run's own records (run, latest, and per batch its tally and its count): the open
    // findings of b-7 are as they were, and when they were last seen is not worth a write per sweep.
    const runWrites = 2 + 2 * (1 + Math.ceil(60 / BUCKETS_PER_BATCH));
    expect(table.writes() - before).toBe(runWrites);
    expect(findingWrites()).toBe(entries);
    expect(entries).toBeGreaterThan(0);
  });

  test('a batch whose message cannot be published fails alone (the others are done), is retried, and sends what it claimed once', async () => {
    account([{ name: 'opened-unseen' }]);
    await startSweep('run-0', deps());
    await drain(); // baseline: private
    mockBucketAccount({ s3, s3control }, { policy: publicPolicy('opened-unseen'), publicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF }, accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF } });
    let publishes = 0;
    sns.on(PublishCommand).callsFake(() => (++publishes === 1 ? Promise.reject(snsError('InternalError', 500, 'Internal error')) : Promise.resolve({ ...META, MessageId: `sns-x${publishes}` })));
    now = new Date(T0.getTime() + 3_600_000);
    await startSweep('run-1', deps());
    const records: SqsRecord[] = queued.map((e, i) => ({ messageId: `m-${i}`, body: e.MessageBody! }));
    queued = [];
    const first = await sweepMessages([...records, { messageId: 'garbage', body: '{"run": 1}' }], deps());
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['garbage', 'm-1']);
    expect(logger.find('sweep batch unreadable')[0]?.data).toMatchObject({ messageId: 'garbage' });
    const retry = await sweepMessages([records[1]!], deps());
    expect(retry.batchItemFailures).toEqual([]);
    const own = sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.MessageAttributes?.missedEvent);
    expect(own).toHaveLength(2); // the failed attempt, then the retry's one delivery
    await sweepMessages([records[1]!], deps()); // a third delivery: counted and sent already
    expect(sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.MessageAttributes?.missedEvent)).toHaveLength(2);
    expect(table.items.get('sweep#run-1##run')?.done?.N).toBe('2');
    expect(digests().length).toBe(2);
  });

  test('a throttled ledger write fails that batch for a retry; the retry completes it, counted once, nothing lost', async () => {
    account([{ name: 'a' }, { name: 'b' }]);
    await startSweep('run-1', deps());
    const records: SqsRecord[] = queued.map((e, i) => ({ messageId: `m-${i}`, body: e.MessageBody! }));
    queued = [];
    const throttled = Object.assign(new Error('Throughput exceeds the current capacity of your table or index.'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    table.failNext('TransactWriteItems', throttled); // the account batch's count
    const out = await sweepMessages(records, deps());
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(logger.find('sweep batch failed')[0]?.data).toMatchObject({ batch: 'run-1:0', error: { name: 'ThrottlingException' } });
    expect(digests()).toHaveLength(0); // one batch is not done: no digest yet
    const again = await sweepMessages([records[0]!], deps());
    expect(again.batchItemFailures).toEqual([]);
    expect(table.items.get('sweep#run-1##run')?.done?.N).toBe('2');
    expect(digests()).toHaveLength(1);
  });
});

test('a bucket the coordinator saw and S3 answers AccessDenied for entirely is INCOMPLETE, never compliant', async () => {
  account([{ name: 'locked' }]);
  mockBucketAccount({ s3, s3control }, Object.fromEntries(['policy', 'acl', 'publicAccessBlock', 'ownershipControls', 'logging', 'website', 'tags'].map((f) => [f, s3Error('AccessDenied', 403, 'Access Denied')])));
  await startSweep('run-1', deps());
  await drain();
  expect(digestJson()).toMatchObject({ resources: { evaluated: 0, incomplete: 1 } });
});

test('the ledger is asked once per batch which buckets it knows: the ones it does not cost no Query; the ones it knows are read in full', async () => {
  account(Array.from({ length: 40 }, (_, i) => ({ name: `b-${i}` })));
  mockBucketAccount({ s3, s3control }, {
    policy: ({ Bucket }) => (Bucket === 'b-3' ? publicPolicy('b-3') : S3_ERRORS.noSuchBucketPolicy()),
    publicAccessBlock: ({ Bucket }) => (Bucket === 'b-3' ? { PublicAccessBlockConfiguration: ALL_OFF } : { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
    accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
  });
  await startSweep('run-1', deps());
  await drain();
  dynamodb.resetHistory();
  now = new Date(T0.getTime() + 3_600_000);
  await startSweep('run-2', deps());
  await drain();
  const queried = dynamodb.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':k']?.S);
  // b-3 (it has entries), the account resource, and the digest's read of the run's tallies
  expect(queried.filter((k) => k?.startsWith('s3-bucket#'))).toEqual(['s3-bucket#111122223333##b-3']);
  expect(dynamodb.commandCalls(BatchGetItemCommand)).toHaveLength(1);
});

test('keys the ledger leaves unprocessed are asked again', async () => {
  const { handlers } = ledgerTable();
  let calls = 0;
  dynamodb.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
    calls++;
    if (calls === 1) {
      const req = input.RequestItems.ledger!;
      return { ...META, Responses: { ledger: [] }, UnprocessedKeys: { ledger: { ...req, Keys: req.Keys.slice(1) } } };
    }
    return handlers.BatchGetItem(input);
  });
  const known = await new LedgerStore(new DynamoDBClient({ region: 'eu-west-1' }), 'ledger').known(['a', 'b', 'c']);
  expect(calls).toBe(2);
  expect(known.size).toBe(0);
  expect((dynamodb.commandCalls(BatchGetItemCommand)[1]!.args[0].input.RequestItems!.ledger!.Keys ?? []).length).toBe(2);
});

describe('review fixes', () => {
  test('a batch retried after its first try recorded what the digest tells still reports it (nothing told is left out)', async () => {
    account([{ name: 'was-open' }, { name: 'opened-unseen' }]);
    const bpaOff = { PublicAccessBlockConfiguration: ALL_OFF };
    mockBucketAccount({ s3, s3control }, { policy: ({ Bucket }) => (Bucket === 'was-open' ? publicPolicy('was-open') : S3_ERRORS.noSuchBucketPolicy()), publicAccessBlock: bpaOff, accountPublicAccessBlock: bpaOff });
    await startSweep('run-0', deps());
    await drain();
    // was-open closed, opened-unseen opened; the first publish of the run (opened-unseen's own message) fails
    mockBucketAccount({ s3, s3control }, { policy: ({ Bucket }) => (Bucket === 'opened-unseen' ? publicPolicy('opened-unseen') : S3_ERRORS.noSuchBucketPolicy()), publicAccessBlock: bpaOff, accountPublicAccessBlock: bpaOff });
    let publishes = 0;
    sns.on(PublishCommand).callsFake(() => (++publishes === 1 ? Promise.reject(snsError('InternalError', 500, 'Internal error')) : Promise.resolve({ ...META, MessageId: `sns-${publishes}` })));
    now = new Date(T0.getTime() + 3_600_000);
    await startSweep('run-1', deps());
    await drain();
    expect(digestJson()).toMatchObject({ resolved: { total: 1, items: [expect.objectContaining({ resource: expect.objectContaining({ id: 'was-open' }) })] }, new: { total: 1 } });
  });

  test('concurrent workers counting on the run item at once: a TransactionConflict is retried, not a failed batch', async () => {
    account([{ name: 'a' }]);
    await startSweep('run-1', deps());
    const records: SqsRecord[] = queued.map((e, i) => ({ messageId: `m-${i}`, body: e.MessageBody! }));
    table.failNext('TransactWriteItems', cancelled(['None', 'TransactionConflict']));
    const slept: number[] = [];
    const d = { ...deps(), runs: new SweepRuns(new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }), 'ledger', async (ms) => { slept.push(ms); }) };
    const out = await sweepMessages(records, d);
    expect(out.batchItemFailures).toEqual([]);
    expect(slept).toHaveLength(1);
    expect(digests()).toHaveLength(1);
  });

  test('a first sweep that never finished leaves the next run the baseline', async () => {
    account([{ name: 'a' }]);
    await startSweep('run-1', deps());
    queued = [];
    await startSweep('run-2', deps());
    expect(table.items.get('sweep#run-2##run')?.baseline?.BOOL).toBe(true);
  });

  test('each batch of buckets reads the account-level setting itself, once: hours after the listing it is current', async () => {
    account(Array.from({ length: 120 }, (_, i) => ({ name: `b-${i}` })));
    await startSweep('run-1', deps());
    await drain();
    // the account batch, and each of the three bucket batches once
    expect(s3control).toHaveReceivedCommandTimes(GetAccountPublicAccessBlockCommand, 1 + Math.ceil(120 / BUCKETS_PER_BATCH));
    // the account's access points, Multi-Region and regional, are listed once per batch too, not once per bucket
    expect(s3control).toHaveReceivedCommandTimes(ListMultiRegionAccessPointsCommand, Math.ceil(120 / BUCKETS_PER_BATCH));
    expect(s3control).toHaveReceivedCommandTimes(ListAccessPointsCommand, Math.ceil(120 / BUCKETS_PER_BATCH));
    expect(s3control.commandCalls(ListAccessPointsCommand).every((c) => c.args[0].input.Bucket === undefined)).toBe(true);
  });
});

test('a group read before a newer event wrote the ledger is decided as the older read it is: no false "resolved"', async () => {
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [] });
  mockGroupAccount(ec2, { groupId: 'sg-0aaaaaaaaaaaaaaaa' }); // read closed
  await startSweep('run-0', deps());
  await drain(); // baseline: nothing
  await startSweep('run-1', deps());
  const key = 'security-group#111122223333#eu-west-1#sg-0aaaaaaaaaaaaaaaa';
  // The ledger knew the group from before (an old write), so the worker reads its entries in full.
  table.items.set(`${key}##head`, marshall({ pk: key, sk: '#head', version: 1, observedAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z' }));
  // While the worker reads the group (closed), an event opens it and writes the ledger with a later read.
  ec2.on(DescribeSecurityGroupsCommand).callsFake(async () => {
    const at = new Date(now.getTime() + 1_000).toISOString();
    table.items.set(`${key}##head`, marshall({ pk: key, sk: '#head', version: 2, observedAt: at, updatedAt: at }));
    table.items.set(`${key}#SG_OPEN_HIGH_RISK_PORT`, marshall({
      pk: key, sk: 'SG_OPEN_HIGH_RISK_PORT', resourceKey: key, checkId: 'SG_OPEN_HIGH_RISK_PORT', status: 'open', severity: 'CRITICAL', latent: false,
      title: 'SSH open to the internet', firstSeen: at, lastSeen: at, lastNotified: at, notifiedSeverity: 'CRITICAL', notifiedLatent: false,
    }));
    now = new Date(now.getTime() + 2_000);
    return { ...META, SecurityGroups: [describedGroup({ groupId: 'sg-0aaaaaaaaaaaaaaaa' }).group] };
  });
  await drain();
  expect(digestJson()).toMatchObject({ resolved: { total: 0 } });
  expect(table.items.get(`${key}#SG_OPEN_HIGH_RISK_PORT`)?.status?.S).toBe('open');
});

describe('second review fixes', () => {
  test('the baseline is repeated once, not forever: after two unfinished runs the third is a normal run', async () => {
    account([{ name: 'a' }]);
    await startSweep('run-1', deps());
    queued = [];
    await startSweep('run-2', deps());
    queued = [];
    await startSweep('run-3', deps());
    expect(['run-1', 'run-2', 'run-3'].map((r) => table.items.get(`sweep#${r}##run`)?.baseline?.BOOL)).toEqual([true, true, false]);
  });

  test('what a run that never sent its digest recorded as told is told in the next run\'s digest', async () => {
    account([{ name: 'exposed-one' }]);
    const bpaOff = { PublicAccessBlockConfiguration: ALL_OFF };
    mockBucketAccount({ s3, s3control }, { policy: publicPolicy('exposed-one'), publicAccessBlock: bpaOff, accountPublicAccessBlock: bpaOff });
    await startSweep('run-1', deps());
    // The bucket batch runs (and records its finding as told in run-1's digest); the account batch never does.
    const records: SqsRecord[] = queued.map((e, i) => ({ messageId: `m-${i}`, body: e.MessageBody! }));
    queued = [];
    await sweepMessages([records[1]!], deps());
    expect(digests()).toHaveLength(0);
    now = new Date(T0.getTime() + 3_600_000);
    await startSweep('run-2', deps());
    await drain();
    expect(digestJson()).toMatchObject({ new: { total: 3 }, previousUnfinished: expect.stringContaining('run-1') });
  });

  test('a confirm that fails once is tried again: no LedgerFailures, no second message later', async () => {
    account([{ name: 'x' }]);
    await startSweep('run-0', deps());
    await drain();
    const bpaOff = { PublicAccessBlockConfiguration: ALL_OFF };
    mockBucketAccount({ s3, s3control }, { policy: publicPolicy('x'), publicAccessBlock: bpaOff, accountPublicAccessBlock: bpaOff });
    now = new Date(T0.getTime() + 3_600_000);
    await startSweep('run-1', deps());
    // the first UpdateItem of the workers: the confirm of x's own message
    table.failNext('UpdateItem', Object.assign(new Error('Throughput exceeds the current capacity of your table or index.'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    await drain();
    expect(sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.MessageAttributes?.missedEvent)).toHaveLength(1);
    expect(counted).not.toContain('LedgerFailures');
    expect([...table.items.values()].filter((i) => i.unsent)).toEqual([]);
  });

  test('the coordinator\'s write to the run item retries a TransactionConflictException from a worker counting at that moment', async () => {
    account([{ name: 'a' }]);
    table.failNext('UpdateItem', Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException', $metadata: { httpStatusCode: 400 } }));
    const d = { ...deps(), runs: new SweepRuns(new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }), 'ledger', async () => undefined) };
    await expect(startSweep('run-1', d)).resolves.toMatchObject({ batches: 2 });
    expect(table.items.get('sweep#run-1##run')?.batches?.N).toBe('2');
  });
});
