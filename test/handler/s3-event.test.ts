/**
 * The S3 path end to end with aws-sdk-client-mock: CloudTrail event → reads → evaluation →
 * SNS → audit record. Mocks answer with the SDK's output shapes and S3's real error names.
 */
import {
  GetBucketAclCommand, GetBucketLoggingCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand,
  GetBucketTaggingCommand, GetBucketWebsiteCommand, GetPublicAccessBlockCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/model/settings';
import { evaluateS3Target } from '../../lambda/app/evaluate-s3';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import type { EvaluationResult } from '../../lambda/core/model/types';
import { cloudTrailFixture } from '../fixtures/load';
import { S3_ERRORS, s3ControlError, snsError } from '../helpers/aws-errors';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_OFF, META, mockBucketAccount, OWNER, tlsDeny } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const sns = mockClient(SNSClient);

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ExposureGuard-Findings';
const TLS_DENY = tlsDeny('acme-site');

let logger: RecordingLogger;
function deps(over: Partial<PipelineDeps> = {}): PipelineDeps {
  const clients = new LocalClientFactory('eu-west-1');
  return {
    settings: resolveSettings(), clients, logger,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), TOPIC),
    defaultAccount: '111122223333', defaultRegion: 'eu-west-1', ...over,
  };
}

beforeEach(() => {
  s3.reset();
  s3control.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'b6d2a4c1-7c1e-5f3e-9d2a-0f1e2d3c4b5a' });
  logger = new RecordingLogger();
  // A fully locked-down bucket; each test opens one thing.
  mockBucketAccount({ s3, s3control });
});

function published() {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  const message = JSON.parse(input.Message!) as { default: string; email: string };
  return { input, email: message.email, result: JSON.parse(message.default) };
}

test('a public policy: one CRITICAL message with subject, attributes, email text and the result JSON', async () => {
  s3.on(GetBucketPolicyCommand).resolves({ ...META, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [TLS_DENY,
    { Sid: 'OpenUpload', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-site/*' }] }) });
  s3.on(GetPublicAccessBlockCommand).rejects(S3_ERRORS.noSuchPublicAccessBlock());
  s3control.on(GetAccountPublicAccessBlockCommand).rejects(s3ControlError('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'));

  const [outcome] = await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3Target);

  expect(outcome).toMatchObject({ kind: 'evaluated', notified: true, messageId: 'b6d2a4c1-7c1e-5f3e-9d2a-0f1e2d3c4b5a' });
  const { input, email, result } = published();
  expect(input).toMatchObject({
    TopicArn: TOPIC,
    MessageStructure: 'json',
    Subject: '[CRITICAL] Publicly writable (bucket policy): S3 bucket acme-site (111122223333 eu-west-1)',
    MessageAttributes: {
      severity: { DataType: 'String', StringValue: 'CRITICAL' },
      resourceType: { DataType: 'String', StringValue: 's3-bucket' },
      // the account-level finding is paged on the account resource, not on every bucket
      checkIds: { DataType: 'String.Array', StringValue: '["S3_POLICY_PUBLIC","S3_BUCKET_BPA_OFF"]' },
      account: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'eu-west-1' },
    },
  });
  expect(input.Subject!.length).toBeLessThan(100);
  expect(result).toMatchObject({ resource: { type: 's3-bucket', id: 'acme-site' }, status: 'NON_COMPLIANT' });
  expect(result.trigger).toEqual({
    eventName: 'PutBucketPolicy', eventId: expect.any(String), actor: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
    sourceIp: '198.51.100.7', time: expect.stringMatching(/^2026-01-05T10:00/), userAgent: expect.stringContaining('aws-cli'),
  });
  expect(email).toContain('statement #2, Sid "OpenUpload": anyone (Principal "*") may s3:PutObject, s3:GetObject');
  expect(email).toContain('arn:aws:sts::111122223333:assumed-role/Admin/alice');
  expect(email).toContain('from 198.51.100.7');
  expect(email).toContain('aws s3api put-public-access-block --bucket acme-site');
  expect(email).toContain('https://s3.console.aws.amazon.com/s3/buckets/acme-site?region=eu-west-1&tab=permissions');
  expect(email.replace(/\s+/g, ' ')).toContain('Nothing was changed: this guard only reports on buckets (its s3BucketPublicAccess setting is "off").');

  const [record] = logger.find('evaluation');
  expect(record?.data).toMatchObject({
    schemaVersion: 1, status: 'NON_COMPLIANT', resource: { type: 's3-bucket', id: 'acme-site' },
    trigger: { eventName: 'PutBucketPolicy', sourceIp: '198.51.100.7' },
    notification: { sent: true, severity: 'CRITICAL', messageId: 'b6d2a4c1-7c1e-5f3e-9d2a-0f1e2d3c4b5a' },
  });
});

test('all eight reads are issued, each once, with the bucket and the expected owner', async () => {
  await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3Target);
  for (const command of [GetBucketPolicyCommand, GetBucketAclCommand, GetPublicAccessBlockCommand, GetBucketOwnershipControlsCommand,
    GetBucketLoggingCommand, GetBucketWebsiteCommand, GetBucketTaggingCommand]) {
    const c = command as typeof GetBucketAclCommand;
    expect(s3).toHaveReceivedCommandTimes(c, 1);
    expect(s3).toHaveReceivedCommandWith(c, { Bucket: 'acme-site', ExpectedBucketOwner: '111122223333' });
  }
  expect(s3control).toHaveReceivedCommandWith(GetAccountPublicAccessBlockCommand, { AccountId: '111122223333' });
});

test('a public ACL (AllUsers WRITE) with BPA off: CRITICAL ACL finding', async () => {
  s3.on(GetBucketAclCommand).resolves({ ...META, Owner: OWNER, Grants: [
    { Grantee: { Type: 'CanonicalUser', ID: OWNER.ID }, Permission: 'FULL_CONTROL' },
    { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'WRITE' }] });
  s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  s3.on(GetBucketOwnershipControlsCommand).rejects(S3_ERRORS.ownershipNotFound());

  await processEvent(cloudTrailFixture('s3-put-bucket-acl-single-grant.json'), deps(), evaluateS3Target);

  const { input, email, result } = published();
  expect(input.Subject).toBe('[CRITICAL] Publicly writable (ACL): S3 bucket acme-logs (111122223333 eu-west-1)');
  expect(result.findings[0]).toMatchObject({ checkId: 'S3_ACL_PUBLIC', severity: 'CRITICAL', latent: false });
  expect(email).toContain('AllUsers (anyone on the internet): WRITE');
});

test('a fixed bucket (everything locked down): no message, a COMPLIANT audit record', async () => {
  const [outcome] = await processEvent(cloudTrailFixture('s3-put-bucket-public-access-block-no-xmlns.json'), deps(), evaluateS3Target);
  expect(outcome).toMatchObject({ kind: 'evaluated', notified: false });
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
  expect(logger.find('evaluation')[0]?.data).toMatchObject({ status: 'COMPLIANT', notification: { sent: false } });
});

test('only LOW findings (logging off): logged, not sent at the default MEDIUM threshold', async () => {
  s3.on(GetBucketLoggingCommand).resolves({ ...META });
  await processEvent(cloudTrailFixture('s3-put-bucket-logging.json'), deps(), evaluateS3Target);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
  expect(logger.find('evaluation')[0]?.data).toMatchObject({ status: 'NON_COMPLIANT', findings: [expect.objectContaining({ checkId: 'S3_LOGGING_OFF' })] });
});

test('AccessDenied on the policy read: INCOMPLETE for the policy, still notifies the public ACL it could see', async () => {
  s3.on(GetBucketPolicyCommand).rejects(S3_ERRORS.accessDenied());
  s3.on(GetBucketAclCommand).resolves({ ...META, Owner: OWNER, Grants: [
    { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] });
  s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  s3.on(GetBucketOwnershipControlsCommand).resolves({ ...META, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });

  await processEvent(cloudTrailFixture('s3-put-bucket-acl-canned.json'), deps(), evaluateS3Target);

  const { email, result } = published();
  expect(result).toMatchObject({ status: 'NON_COMPLIANT', unknown: ['policy'], unknownReasons: { policy: 'AccessDenied: Access Denied' } });
  expect(result.findings.map((f: { checkId: string }) => f.checkId)).toContain('S3_ACL_PUBLIC');
  expect(result.findings.map((f: { checkId: string }) => f.checkId)).not.toContain('S3_TLS_NOT_ENFORCED');
  expect(email).toContain('Not read:\n      policy: AccessDenied: Access Denied');
  expect(email).toContain('policy: AccessDenied: Access Denied');
});

test('AccessDenied on every read: INCOMPLETE, and a HIGH message saying what could not be read and why (never silence)', async () => {
  for (const c of [GetBucketPolicyCommand, GetBucketAclCommand, GetPublicAccessBlockCommand, GetBucketOwnershipControlsCommand,
    GetBucketLoggingCommand, GetBucketWebsiteCommand, GetBucketTaggingCommand]) s3.on(c as typeof GetBucketAclCommand).rejects(S3_ERRORS.accessDenied());
  s3control.on(GetAccountPublicAccessBlockCommand).rejects(s3ControlError('AccessDenied', 403, 'Access Denied'));
  await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3Target);
  const { input, email } = published();
  expect(input.Subject).toBe('[HIGH] Could not be fully checked: S3 bucket acme-site (111122223333 eu-west-1)');
  expect(email).toContain('policy: AccessDenied: Access Denied');
  expect(email).toContain('aws s3api get-bucket-policy --bucket acme-site');
  expect(logger.find('evaluation')[0]?.data).toMatchObject({
    status: 'INCOMPLETE', findings: [{ checkId: 'EVALUATION_INCOMPLETE', severity: 'HIGH' }], notification: { sent: true },
  });
});

test('a policy that denies the guard s3:GetBucket* beside a public Allow: the unread policy is a HIGH finding, notified', async () => {
  // What S3 answers the guard: every bucket read denied by the bucket policy itself; the account level still readable (and off).
  for (const c of [GetBucketPolicyCommand, GetBucketAclCommand, GetPublicAccessBlockCommand, GetBucketOwnershipControlsCommand,
    GetBucketLoggingCommand, GetBucketWebsiteCommand, GetBucketTaggingCommand]) s3.on(c as typeof GetBucketAclCommand).rejects(S3_ERRORS.accessDenied());
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  const counted: string[] = [];
  const metrics = { count: (name: string) => { counted.push(name); }, flush: () => undefined };
  const [outcome] = await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps({ metrics }), evaluateS3Target);
  expect(outcome).toMatchObject({ kind: 'evaluated', notified: true });
  expect(counted).toContain('Incomplete');
  const { input, result } = published();
  expect(input.Subject).toMatch(/^\[HIGH\] Could not be fully checked: S3 bucket acme-site/);
  expect(JSON.parse(input.MessageAttributes!.checkIds!.StringValue!)).toEqual(['EVALUATION_INCOMPLETE']);
  expect((result as EvaluationResult).findings.map((f) => f.checkId)).toEqual(['EVALUATION_INCOMPLETE', 'S3_ACCOUNT_BPA_OFF']);
});

test('the bucket deleted before evaluation: logged as gone, no finding, no message, no error', async () => {
  for (const c of [GetBucketPolicyCommand, GetBucketAclCommand, GetPublicAccessBlockCommand, GetBucketOwnershipControlsCommand,
    GetBucketLoggingCommand, GetBucketWebsiteCommand, GetBucketTaggingCommand]) s3.on(c as typeof GetBucketAclCommand).rejects(S3_ERRORS.noSuchBucket());
  const outcomes = await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3Target);
  expect(outcomes).toEqual([{ kind: 'gone', reason: expect.stringMatching(/acme-site no longer exists/) }]);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
  expect(logger.find('resource gone')).toHaveLength(1);
  expect(logger.find('evaluation')).toHaveLength(0);
});

test('SNS publish failing: the error propagates for Lambda to retry, and the evaluation is logged first', async () => {
  s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  sns.on(PublishCommand).rejects(snsError('KMSAccessDeniedException', 400, 'User is not authorized to perform kms:GenerateDataKey'));
  await expect(processEvent(cloudTrailFixture('s3-delete-bucket-public-access-block.json'), deps(), evaluateS3Target))
    .rejects.toMatchObject({ name: 'KMSAccessDeniedException' });
  expect(logger.find('notification failed')[0]?.data).toMatchObject({
    resource: { id: 'acme-data' }, notification: { sent: false }, error: { name: 'KMSAccessDeniedException' },
  });
});

test('throttling that outlasts the SDK retries propagates (the event is retried, not lost)', async () => {
  s3.on(GetBucketAclCommand).rejects(S3_ERRORS.slowDown());
  await expect(processEvent(cloudTrailFixture('s3-put-bucket-acl-canned.json'), deps(), evaluateS3Target)).rejects.toMatchObject({ name: 'SlowDown' });
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
});

test('a failed call (errorCode) is skipped with a reason and reads nothing', async () => {
  expect(await processEvent(cloudTrailFixture('s3-put-bucket-acl-access-denied.json'), deps(), evaluateS3Target)).toEqual([]);
  expect(s3.calls()).toHaveLength(0);
  expect(logger.find('event skipped')[0]?.data.reason).toMatch(/AccessDenied/);
});

test('a malformed event is logged and skipped, never thrown', async () => {
  await expect(processEvent({ hello: 'world' }, deps(), evaluateS3Target)).resolves.toEqual([]);
  expect(logger.find('event skipped')[0]?.data.reason).toBe('event has no detail object');
});

test('DeleteAccountPublicAccessBlock: the account is evaluated and one MEDIUM message names it', async () => {
  s3control.on(GetAccountPublicAccessBlockCommand).rejects(s3ControlError('NoSuchPublicAccessBlockConfiguration', 404, 'not found'));
  await processEvent(cloudTrailFixture('s3-delete-account-public-access-block.json'), deps(), evaluateS3Target);
  const { input, result } = published();
  expect(input.Subject).toBe('[MEDIUM] Account-level Block Public Access off: account 111122223333');
  expect(result).toMatchObject({ resource: { type: 's3-account', id: '111122223333' }, findings: [expect.objectContaining({ checkId: 'S3_ACCOUNT_BPA_OFF' })] });
  expect(s3.calls()).toHaveLength(0);
});

test('notifyMinSeverity CRITICAL silences a HIGH public read', async () => {
  s3.on(GetBucketPolicyCommand).resolves({ ...META, Policy: JSON.stringify({ Statement: [TLS_DENY, { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] }) });
  s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
  await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps({ settings: resolveSettings({ notifyMinSeverity: 'CRITICAL' }) }), evaluateS3Target);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
  expect(logger.find('evaluation')[0]?.data.findings).toEqual(expect.arrayContaining([expect.objectContaining({ checkId: 'S3_POLICY_PUBLIC', severity: 'HIGH' })]));
});

describe('the deployed entry point', () => {
  const env = { ...process.env };
  afterEach(() => { process.env = { ...env }; jest.resetModules(); });

  test('fails fast at init without TOPIC_ARN, naming the variable', () => {
    delete process.env.TOPIC_ARN;
    expect(() => jest.isolateModules(() => require('../../lambda/handlers/s3-event'))).toThrow(/TOPIC_ARN/);
  });

  test('fails fast at init on invalid GUARD_SETTINGS, naming the variable', () => {
    process.env.TOPIC_ARN = TOPIC;
    process.env.GUARD_SETTINGS = '{"notifyMinSeverity":"LOUD"}';
    expect(() => jest.isolateModules(() => require('../../lambda/handlers/s3-event'))).toThrow(/GUARD_SETTINGS: notifyMinSeverity/);
  });

  test('wires the real clients, logger and notifier: a public policy event publishes to TOPIC_ARN', async () => {
    process.env.TOPIC_ARN = TOPIC;
    process.env.GUARD_SETTINGS = JSON.stringify({ notifyMinSeverity: 'HIGH' });
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    // The handler module gets a fresh module registry, so its SDK classes are mocked there too.
    let handler: (e: unknown, c: unknown) => Promise<unknown> = async () => undefined;
    let isolatedSns: ReturnType<typeof mockClient> = sns;
    jest.isolateModules(() => {
      const { mockClient: mock } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
      const S3 = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
      const Control = require('@aws-sdk/client-s3-control') as typeof import('@aws-sdk/client-s3-control');
      const Sns = require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');
      // The helper too, so its SDK command classes are this registry's.
      const account = require('../helpers/s3-account') as typeof import('../helpers/s3-account');
      account.mockBucketAccount({ s3: mock(S3.S3Client), s3control: mock(Control.S3ControlClient) }, {
        policy: { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] }) },
        publicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
        accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
      });
      isolatedSns = mock(Sns.SNSClient);
      isolatedSns.on(Sns.PublishCommand).resolves({ ...META, MessageId: 'm-1' });
      handler = require('../../lambda/handlers/s3-event').handler;
    });
    const context = {
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:guard', awsRequestId: 'r-1', functionName: 'guard', functionVersion: '$LATEST',
      memoryLimitInMB: '256', getRemainingTimeInMillis: () => 119_000,
    };
    // The deployed metrics sink writes its EMF lines to stdout: held by the test instead of printed.
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const outcomes = await handler(cloudTrailFixture('s3-put-bucket-policy.json'), context);
    const emf = stdout.mock.calls.map((c) => String(c[0]));
    stdout.mockRestore();
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'evaluated', notified: true, messageId: 'm-1' })]);
    expect(emf.some((line) => line.includes('"CloudWatchMetrics"') && line.includes('"Evaluations"'))).toBe(true);
    const publish = isolatedSns.calls()[0]?.args[0].input as { TopicArn: string; Subject: string };
    expect(publish).toMatchObject({ TopicArn: TOPIC, Subject: expect.stringMatching(/^\[HIGH\] Publicly readable \(bucket policy\): S3 bucket acme-site/) });
  });
});
