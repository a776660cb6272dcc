/**
 * GUARD_BLIND end to end on mocks: the sweep's check of the trails and of the canary written by
 * the run before, through the ledger, to the findings and operations topics; the canary's event
 * through the S3 function's path, recorded as a heartbeat and never evaluated or told.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetBucketPolicyCommand, ListBucketsCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { CanaryStore } from '../../lambda/adapters/canary-store';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { SweepRuns } from '../../lambda/adapters/sweep-runs';
import { evaluateS3EventTarget } from '../../lambda/app/account-change';
import { CANARY_BLOCK, checkGuardHealth, type GuardHealthDeps } from '../../lambda/app/guard-health';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import { startSweep } from '../../lambda/app/sweep-coordinator';
import { resolveSettings } from '../../lambda/core/model/settings';
import type { EvaluationResult } from '../../lambda/core/model/types';
import { cloudTrailFixture } from '../fixtures/load';
import { cloudTrailError, s3Error, snsError } from '../helpers/aws-errors';
import { simulateLedgerTable, type SimulatedTable } from '../helpers/dynamodb-ledger';
import { OneAttempt } from '../helpers/one-attempt';
import { RecordingLogger } from '../helpers/recording-logger';
import { META, mockBucketAccount } from '../helpers/s3-account';

const cloudtrail = mockClient(CloudTrailClient);
const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBClient);

const ACCOUNT = '111122223333';
const FINDINGS = `arn:aws:sns:eu-west-1:${ACCOUNT}:ExposureGuard-Findings`;
const OPS = `arn:aws:sns:eu-west-1:${ACCOUNT}:ExposureGuard-Ops`;
const CANARY = 'exposureguard-guardcanarybucket31dc8574-1x2y3z4w5v6u';
const COORDINATOR_ROLE = 'ExposureGuard-GuardSweepCoordinatorRole2A90FBD6-Q1W2E3R4T5Y6';
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/management-events`;

let now: Date;
let logger: RecordingLogger;
let table: SimulatedTable;
let counted: string[];
let observed: { name: string; value: number; dimensions?: Record<string, string> }[];
let requestIds: string[];

const dynamo = new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 });
const metrics = () => ({
  count: (name: string) => { counted.push(name); },
  observe: (name: string, value: number, _unit: 'Milliseconds', dimensions?: Record<string, string>) => { observed.push({ name, value, ...(dimensions ? { dimensions } : {}) }); },
  flush: () => undefined,
});

function healthDeps(): GuardHealthDeps {
  const clients = new OneAttempt();
  return {
    settings: resolveSettings(), clients, logger, metrics: metrics(),
    notifier: new SnsNotifier(clients.client(SNSClient, {}), FINDINGS),
    opsNotifier: new SnsNotifier(clients.client(SNSClient, {}), OPS),
    defaultAccount: ACCOUNT, defaultRegion: 'eu-west-1',
    canaryWriter: { store: new CanaryStore(dynamo, 'ledger'), bucket: CANARY },
    ledger: { store: new LedgerStore(dynamo, 'ledger'), now: () => now },
    now: () => now,
  };
}

/** The S3 function's deps: it knows the canary and who writes it. */
function s3FunctionDeps(receivedAt: Date): PipelineDeps {
  const clients = new OneAttempt();
  return {
    settings: resolveSettings(), clients, logger, metrics: metrics(), receivedAt,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), FINDINGS),
    defaultAccount: ACCOUNT, defaultRegion: 'eu-west-1',
    ledger: { store: new LedgerStore(dynamo, 'ledger'), now: () => receivedAt },
    canary: { bucket: CANARY, writerRole: COORDINATOR_ROLE, store: new CanaryStore(dynamo, 'ledger') },
  };
}

/** The canary's event as CloudTrail delivers it: the write of the given S3 request, at the given time. */
function canaryEvent(requestId: string, at: Date) {
  const e = cloudTrailFixture('s3-canary-put-public-access-block.json');
  const t = `${at.toISOString().slice(0, 19)}Z`;
  Object.assign(e, { time: t });
  Object.assign(e.detail, { eventTime: t, requestID: requestId, eventID: `ev-${requestId}` });
  return e;
}

const trailOk = () => {
  cloudtrail.on(DescribeTrailsCommand, { includeShadowTrails: true }).resolves({
    ...META, trailList: [{ Name: 'management-events', TrailARN: TRAIL_ARN, HomeRegion: 'eu-west-1', IsMultiRegionTrail: true, IsOrganizationTrail: false, S3BucketName: 'acme-cloudtrail-logs', LogFileValidationEnabled: true }],
  });
  cloudtrail.on(GetTrailStatusCommand, { Name: TRAIL_ARN }).resolves({ ...META, IsLogging: true, LatestDeliveryTime: new Date('2026-12-02T02:55:00Z') });
  cloudtrail.on(GetEventSelectorsCommand, { TrailName: TRAIL_ARN }).resolves({ ...META, TrailARN: TRAIL_ARN, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] });
};

const published = () => sns.commandCalls(PublishCommand).map((c) => ({ topic: c.args[0].input.TopicArn!, subject: c.args[0].input.Subject!, email: (JSON.parse(c.args[0].input.Message!) as { email: string }).email }));
const resultOf = async (run: string) => {
  const outcome = await checkGuardHealth(run, healthDeps());
  if (outcome.kind !== 'evaluated') throw new Error('the guard resource is never gone');
  return outcome.result as EvaluationResult;
};
const HOUR = 3_600_000;

beforeEach(() => {
  for (const m of [cloudtrail, s3, s3control, ec2, sns, sqs, dynamodb]) m.reset();
  table = simulateLedgerTable(dynamodb);
  logger = new RecordingLogger();
  counted = [];
  observed = [];
  requestIds = [];
  now = new Date('2026-12-02T03:00:00.000Z');
  let n = 0;
  sns.on(PublishCommand).callsFake(() => ({ ...META, MessageId: `sns-${++n}` }));
  s3.on(PutPublicAccessBlockCommand).callsFake(() => {
    const requestId = `K9ZQ3V1T8ABCD${String(requestIds.length + 1).padStart(3, '0')}`;
    requestIds.push(requestId);
    return { $metadata: { ...META.$metadata, requestId } };
  });
});

describe('the trail check', () => {
  test('no trail: GUARD_BLIND, CRITICAL, to the findings topic and the operations topic, with what to run', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ ...META, trailList: [] });
    const result = await resultOf('run-1');
    expect(result).toMatchObject({ resource: { type: 'guard', id: 'event-path', account: ACCOUNT, region: 'eu-west-1' }, status: 'NON_COMPLIANT' });
    expect(result.findings.map((f) => [f.checkId, f.severity])).toEqual([['GUARD_BLIND', 'CRITICAL']]);
    const messages = published();
    expect(messages.map((m) => m.topic).sort()).toEqual([FINDINGS, OPS]);
    expect(messages[0]?.subject).toBe('[CRITICAL] Exposure Guard is blind: event path (111122223333 eu-west-1)');
    expect(messages[0]?.email).toContain('WHAT THE GUARD CANNOT SEE');
    expect(messages[0]?.email).toContain('none exists for this region');
    expect(messages[0]?.email).toContain('aws cloudtrail create-trail --name exposure-guard');
    expect(messages[0]?.email).not.toContain('WHO CHANGED IT');
  });

  test('told once: the next sweep, still blind, sends nothing', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ ...META, trailList: [] });
    await resultOf('run-1');
    now = new Date(now.getTime() + HOUR);
    await resultOf('run-2');
    expect(published()).toHaveLength(2);
  });

  test('a trail that stopped logging is named, with the command that starts it', async () => {
    trailOk();
    cloudtrail.on(GetTrailStatusCommand).resolves({ ...META, IsLogging: false, StopLoggingTime: new Date('2026-12-01T22:14:00Z') });
    const result = await resultOf('run-1');
    expect(result.findings[0]).toMatchObject({ checkId: 'GUARD_BLIND', evidence: { causes: ['trail'], trail: { trails: [{ name: 'management-events', covers: 'no', reason: 'not logging (StopLogging was called)' }] } } });
    expect(result.findings[0]?.fix).toContain(`aws cloudtrail start-logging --name ${TRAIL_ARN} --region eu-west-1`);
  });

  test('advanced selectors that log management reads only: blind, naming both services', async () => {
    trailOk();
    cloudtrail.on(GetEventSelectorsCommand).resolves({ ...META, TrailARN: TRAIL_ARN, AdvancedEventSelectors: [
      { Name: 'Management reads', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] },
    ] });
    const result = await resultOf('run-1');
    expect(result.findings[0]?.evidence).toMatchObject({ trail: { trails: [{ reason: 'its event selectors log no management write events from s3.amazonaws.com; no management write events from ec2.amazonaws.com' }] } });
  });

  test('a member account\'s organization trail: status by ARN, selectors refused (CloudTrailARNInvalidException), taken as covering', async () => {
    const arn = 'arn:aws:cloudtrail:us-east-1:999988887777:trail/aws-controltower-BaselineCloudTrail';
    cloudtrail.on(DescribeTrailsCommand).resolves({ ...META, trailList: [{ Name: 'aws-controltower-BaselineCloudTrail', TrailARN: arn, HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true }] });
    cloudtrail.on(GetTrailStatusCommand, { Name: arn }).resolves({ ...META, IsLogging: true });
    cloudtrail.on(GetEventSelectorsCommand, { TrailName: arn }).rejects(cloudTrailError('CloudTrailARNInvalidException', 400, `AccountID in ARN is wrong, you can only access resources with AccountID ${ACCOUNT}`));
    const result = await resultOf('run-1');
    expect(result.findings).toEqual([]);
    expect(result.unknown).toEqual(['canary']);
  });

  test('a multi-region trail of another home region is read by its ARN (a shadow trail) and covers this region', async () => {
    const arn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-wide`;
    cloudtrail.on(DescribeTrailsCommand).resolves({ ...META, trailList: [{ Name: 'org-wide', TrailARN: arn, HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true }] });
    cloudtrail.on(GetTrailStatusCommand, { Name: arn }).resolves({ ...META, IsLogging: true });
    cloudtrail.on(GetEventSelectorsCommand, { TrailName: arn }).resolves({ ...META, TrailARN: arn, EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] });
    const result = await resultOf('run-1');
    expect(result.findings).toEqual([]);
    expect(published()).toEqual([]);
  });

  test('DescribeTrails denied: INCOMPLETE (CRITICAL: it could hide blindness), never taken as covered', async () => {
    cloudtrail.on(DescribeTrailsCommand).rejects(cloudTrailError('AccessDeniedException', 400, `User: arn:aws:sts::${ACCOUNT}:assumed-role/coordinator/fn is not authorized to perform: cloudtrail:DescribeTrails`));
    const result = await resultOf('run-1');
    expect(result).toMatchObject({ status: 'INCOMPLETE', unknown: ['trails', 'canary'] });
    expect(result.findings.map((f) => [f.checkId, f.severity])).toEqual([['EVALUATION_INCOMPLETE', 'CRITICAL']]);
    expect(published().map((m) => m.topic).sort()).toEqual([FINDINGS, OPS]);
  });
});

describe('the canary', () => {
  beforeEach(() => { trailOk(); });

  test('each run re-applies the canary\'s own Block Public Access (all four on, the bucket owner named), and records the write', async () => {
    await resultOf('run-1');
    expect(s3.commandCalls(PutPublicAccessBlockCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: CANARY, PublicAccessBlockConfiguration: CANARY_BLOCK, ExpectedBucketOwner: ACCOUNT },
    ]);
    const state = await new CanaryStore(dynamo, 'ledger').read();
    expect(state.lastWrite).toEqual({ run: 'run-1', at: '2026-12-02T03:00:00.000Z', requestId: 'K9ZQ3V1T8ABCD001' });
  });

  test('the first run after deploy cannot judge a canary yet: nothing is raised, and nothing is taken as proven (the canary stays unknown)', async () => {
    const result = await resultOf('run-1');
    expect(result).toMatchObject({ status: 'INCOMPLETE', findings: [], unknown: ['canary'], unknownReasons: { canary: 'no canary has been written yet: this sweep writes the first, the next one judges it' } });
    expect(published()).toEqual([]);
    expect(logger.find('guard health')[0]?.data).toMatchObject({ canary: { kind: 'unproven' } });
  });

  test('heartbeat present: the canary\'s event is recorded with its delay, not evaluated, not told; the next run is clean', async () => {
    await resultOf('run-1');
    const arrived = new Date('2026-12-02T03:00:41.000Z');
    const outcomes = await processEvent(canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z')), s3FunctionDeps(arrived), evaluateS3EventTarget);
    expect(outcomes).toEqual([]);
    // Never evaluated: not one read of the bucket, not one message.
    expect(s3.commandCalls(GetBucketPolicyCommand)).toHaveLength(0);
    expect(published()).toEqual([]);
    expect(observed).toEqual([{ name: 'DeliveryLatency', value: 41_000, dimensions: { path: 'canary' } }]);
    expect(logger.find('canary heartbeat')[0]?.data).toMatchObject({ heartbeat: { delayMs: 41_000, requestId: 'K9ZQ3V1T8ABCD001', eventId: 'ev-K9ZQ3V1T8ABCD001' }, kept: true });
    now = new Date(now.getTime() + 24 * HOUR);
    expect((await resultOf('run-2')).status).toBe('COMPLIANT');
    expect(logger.find('guard health')[1]?.data).toMatchObject({ canary: { kind: 'alive', delayMs: 41_000 } });
  });

  test('heartbeat missing: the next run raises GUARD_BLIND (both topics); late: still raised until a run sees one; recovery: a resolved message to both', async () => {
    await resultOf('run-1');
    now = new Date('2026-12-03T03:00:00.000Z');
    const blind = await resultOf('run-2');
    expect(blind.findings[0]).toMatchObject({ checkId: 'GUARD_BLIND', severity: 'CRITICAL', evidence: { causes: ['canary'], canary: { bucket: CANARY, write: { run: 'run-1', requestId: 'K9ZQ3V1T8ABCD001' } } } });
    expect(blind.findings[0]?.title).toBe('Exposure Guard is blind in eu-west-1: its canary change never reached it');
    expect(published().map((m) => m.topic).sort()).toEqual([FINDINGS, OPS]);
    // run-1's event comes in hours late, after run-2 judged it: recorded, but run-2's own write is what run-3 judges.
    await processEvent(canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z')), s3FunctionDeps(new Date('2026-12-03T05:00:00Z')), evaluateS3EventTarget);
    // (a sweep every 12 hours here: within renotifyAfterHours, so a standing GUARD_BLIND is not told again)
    now = new Date('2026-12-03T15:00:00.000Z');
    expect((await resultOf('run-3')).findings.map((f) => f.checkId)).toEqual(['GUARD_BLIND']);
    expect(published()).toHaveLength(2);
    // run-3's canary comes back in time: run-4 clears it.
    await processEvent(canaryEvent('K9ZQ3V1T8ABCD003', new Date('2026-12-03T15:00:00Z')), s3FunctionDeps(new Date('2026-12-03T15:00:30Z')), evaluateS3EventTarget);
    now = new Date('2026-12-04T03:00:00.000Z');
    expect((await resultOf('run-4')).status).toBe('COMPLIANT');
    const resolved = published().slice(2);
    expect(resolved.map((m) => m.topic).sort()).toEqual([FINDINGS, OPS]);
    expect(resolved[0]?.subject).toMatch(/^\[CRITICAL\] Resolved: event path/);
    expect(resolved[0]?.email).toContain('RESOLVED');
  });

  test('GUARD_BLIND open, then the canary cannot be judged (its write failed): it stays open, no "resolved"', async () => {
    await resultOf('run-1');
    now = new Date('2026-12-03T03:00:00.000Z');
    s3.on(PutPublicAccessBlockCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    expect((await resultOf('run-2')).findings.map((f) => f.checkId)).toEqual(['GUARD_BLIND']);
    now = new Date('2026-12-03T15:00:00.000Z');
    const unknown = await resultOf('run-3');
    expect(unknown).toMatchObject({ status: 'INCOMPLETE', unknown: ['canary'] });
    expect(published().filter((m) => m.subject.includes('Resolved'))).toEqual([]);
  });

  test('a change by the coordinator\'s role that does not turn every flag on is not a heartbeat: it is evaluated', async () => {
    mockBucketAccount({ s3, s3control });
    const e = canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z'));
    (e.detail.requestParameters as { PublicAccessBlockConfiguration: Record<string, boolean> }).PublicAccessBlockConfiguration.RestrictPublicBuckets = false;
    const outcomes = await processEvent(e, s3FunctionDeps(new Date('2026-12-02T03:00:10Z')), evaluateS3EventTarget);
    expect(outcomes.map((o) => o.kind)).toEqual(['evaluated']);
    expect(logger.find('canary heartbeat')).toEqual([]);
  });

  test('an event time far in the future is not a heartbeat (it would answer every later write)', async () => {
    mockBucketAccount({ s3, s3control });
    await processEvent(canaryEvent('K9ZQ3V1T8ABCD001', new Date('2099-01-01T00:00:00Z')), s3FunctionDeps(new Date('2026-12-02T03:00:10Z')), evaluateS3EventTarget);
    expect((await new CanaryStore(dynamo, 'ledger').read()).lastHeartbeat).toBeUndefined();
  });

  test('a retried run after a failed state read still keeps the write before it to judge (the table decides, not the read)', async () => {
    await resultOf('run-1');
    now = new Date('2026-12-03T03:00:00.000Z');
    table.failNext('GetItem', Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }));
    await resultOf('run-2');
    const state = await new CanaryStore(dynamo, 'ledger').read();
    expect([state.priorWrite?.run, state.lastWrite?.run]).toEqual(['run-1', 'run-2']);
    await resultOf('run-2');
    const again = await new CanaryStore(dynamo, 'ledger').read();
    expect([again.priorWrite?.run, again.lastWrite?.run]).toEqual(['run-1', 'run-2']);
  });

  test('a retried run judges the write before its own: it does not raise for its own write\'s event not being back yet', async () => {
    await resultOf('run-1');
    await processEvent(canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z')), s3FunctionDeps(new Date('2026-12-02T03:00:20Z')), evaluateS3EventTarget);
    now = new Date('2026-12-03T03:00:00.000Z');
    await resultOf('run-2');
    now = new Date('2026-12-03T03:01:00.000Z');
    expect((await resultOf('run-2')).status).toBe('COMPLIANT');
  });

  test('a canary write that fails: the alarm now (CanaryFailures), INCOMPLETE at the next run', async () => {
    s3.on(PutPublicAccessBlockCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    await resultOf('run-1');
    expect(counted).toContain('CanaryFailures');
    expect(logger.find('canary write failed')[0]?.data).toMatchObject({ bucket: CANARY, error: { name: 'AccessDenied' } });
    now = new Date(now.getTime() + 24 * HOUR);
    const result = await resultOf('run-2');
    expect(result).toMatchObject({ status: 'INCOMPLETE', unknown: ['canary'], unknownReasons: { canary: 'the previous sweep could not write the canary (AccessDenied: Access Denied), so the event path is unproven' } });
  });

  test('someone else\'s change to the canary bucket is an ordinary event: evaluated, not a heartbeat', async () => {
    mockBucketAccount({ s3, s3control });
    const e = canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z'));
    Object.assign(e.detail, { userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/mallory`, accountId: ACCOUNT } });
    const outcomes = await processEvent(e, s3FunctionDeps(new Date('2026-12-02T03:00:10Z')), evaluateS3EventTarget);
    expect(outcomes.map((o) => o.kind)).toEqual(['evaluated']);
    expect(logger.find('canary heartbeat')).toEqual([]);
    expect((await new CanaryStore(dynamo, 'ledger').read()).lastHeartbeat).toBeUndefined();
  });

  test('a duplicate delivery of an older heartbeat does not move the last one back', async () => {
    await processEvent(canaryEvent('K9ZQ3V1T8ABCD002', new Date('2026-12-03T03:00:00Z')), s3FunctionDeps(new Date('2026-12-03T03:00:20Z')), evaluateS3EventTarget);
    await processEvent(canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z')), s3FunctionDeps(new Date('2026-12-03T03:00:25Z')), evaluateS3EventTarget);
    expect((await new CanaryStore(dynamo, 'ledger').read()).lastHeartbeat?.requestId).toBe('K9ZQ3V1T8ABCD002');
    expect(logger.find('canary heartbeat').map((e) => e.data.kept)).toEqual([true, false]);
  });

  test('a heartbeat that cannot be recorded fails the invocation (Lambda retries, the DLQ keeps it)', async () => {
    table.failNext('UpdateItem', Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(processEvent(canaryEvent('K9ZQ3V1T8ABCD001', new Date('2026-12-02T03:00:00Z')), s3FunctionDeps(new Date('2026-12-02T03:00:20Z')), evaluateS3EventTarget))
      .rejects.toThrow('Rate of requests exceeds the allowed throughput.');
  });
});

describe('in the sweep coordinator', () => {
  const coordinator = () => ({ ...healthDeps(), runs: new SweepRuns(dynamo, 'ledger'), queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/batches` });
  beforeEach(() => {
    s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ ...META, SecurityGroups: [] });
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({ ...META, Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: 'x' })), Failed: [] }));
  });

  test('every run checks the guard\'s sight beside the listing; a check that cannot read does not hold the sweep up', async () => {
    cloudtrail.on(DescribeTrailsCommand).rejects(cloudTrailError('ThrottlingException', 400, 'Rate exceeded'));
    const d = coordinator();
    const started = await startSweep('run-1', { ...d, health: { canaryWriter: d.canaryWriter, opsNotifier: d.opsNotifier } });
    expect(started.batches).toBe(1);
    expect(logger.find('guard health')).toHaveLength(1);
    expect(s3.commandCalls(PutPublicAccessBlockCommand)).toHaveLength(1);
  });

  test('a GUARD_BLIND message that cannot be published fails the run after the listing, so Lambda retries it', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ ...META, trailList: [] });
    sns.on(PublishCommand, { TopicArn: OPS }).rejects(snsError('KMSAccessDeniedException', 400, 'User is not authorized to access this key'));
    const d = coordinator();
    await expect(startSweep('run-1', { ...d, health: { canaryWriter: d.canaryWriter, opsNotifier: d.opsNotifier } })).rejects.toThrow('User is not authorized to access this key');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(counted).toContain('NotificationFailures');
  });
});
