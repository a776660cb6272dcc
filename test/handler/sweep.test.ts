/**
 * The sweep path with aws-sdk-client-mock: every bucket and group of a paginated inventory ends
 * evaluated, gone or INCOMPLETE (never lost), the account level is read once, and groups are
 * read in batches.
 */
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/model/settings';
import type { PipelineDeps, TargetOutcome } from '../../lambda/app/pipeline';
import { sweepBuckets, sweepSecurityGroups } from '../../lambda/app/sweep';
import { ec2Error, S3_ERRORS, s3Error } from '../helpers/aws-errors';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_ON, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);

let logger: RecordingLogger;
const deps = (): PipelineDeps => {
  const clients = new LocalClientFactory('eu-west-1');
  return { settings: resolveSettings(), clients, logger, notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:t'), defaultAccount: '111122223333', defaultRegion: 'eu-west-1' };
};

beforeEach(() => {
  for (const m of [s3, s3control, ec2, sns]) m.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm' });
  logger = new RecordingLogger();
});

test('buckets: paginated list, the account evaluated once, gone and unreadable buckets accounted for, none lost', async () => {
  s3.on(ListBucketsCommand, { MaxBuckets: 1000 }).resolves({ ...META, Buckets: [{ Name: 'public-one', BucketRegion: 'eu-west-1' }, { Name: 'deleted-one' }], ContinuationToken: 'page-2' });
  s3.on(ListBucketsCommand, { MaxBuckets: 1000, ContinuationToken: 'page-2' }).resolves({ ...META, Buckets: [{ Name: 'broken-one', BucketRegion: 'eu-west-1' }] });
  const loose = { PublicAccessBlockConfiguration: { ...ALL_ON, RestrictPublicBuckets: false, IgnorePublicAcls: false } };
  mockBucketAccount({ s3, s3control }, {
    accountPublicAccessBlock: loose,
    policy: ({ Bucket }) => {
      if (Bucket === 'deleted-one') return S3_ERRORS.noSuchBucket();
      if (Bucket === 'public-one') return { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-one/*' }] }) };
      return S3_ERRORS.noSuchBucketPolicy();
    },
    acl: ({ Bucket }) => (Bucket === 'broken-one' ? s3Error('InternalError', 500, 'We encountered an internal error. Please try again.') : { Owner: { ID: 'o' }, Grants: [] }),
    publicAccessBlock: loose,
    logging: {},
  });

  const outcomes: TargetOutcome[] = [];
  const stats = await sweepBuckets(deps(), { concurrency: 2, onOutcome: (o) => outcomes.push(o) });

  expect(stats).toEqual({ evaluated: 1, incomplete: 1, gone: 1, failed: 0 });
  expect(logger.find('sweep step failed')).toEqual([]);
  expect(s3).toHaveReceivedCommandTimes(ListBucketsCommand, 2);
  // once, shared by the account target and every bucket
  expect(s3control).toHaveReceivedCommandTimes(GetAccountPublicAccessBlockCommand, 1);
  // the ACL read kept failing: only that field is unknown, everything read fine is kept and judged
  const broken = outcomes.find((o) => o.kind === 'evaluated' && o.result.resource.id === 'broken-one');
  expect(broken).toMatchObject({ result: {
    status: 'NON_COMPLIANT', unknown: ['acl'], unknownReasons: { acl: expect.stringMatching(/^InternalError: .*\(after retries\)$/) },
  } });
  expect(broken?.kind === 'evaluated' && broken.result.findings.map((f) => f.checkId)).toEqual(expect.arrayContaining(['EVALUATION_INCOMPLETE', 'S3_TLS_NOT_ENFORCED']));
  // one message for the account setting, one per bucket with something to say: not one account message per bucket
  expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject).sort()).toEqual([
    '[HIGH] Publicly readable (bucket policy): S3 bucket public-one (111122223333 eu-west-1)',
    '[MEDIUM] Account-level Block Public Access off: account 111122223333',
    // its ACL is unread, but ACLs are disabled (BucketOwnerEnforced): that could hide only LOW, so BPA-off leads
    '[MEDIUM] Block Public Access off: S3 bucket broken-one (111122223333 eu-west-1)',
  ]);
});

test('the account-level read failing after retries: the account is INCOMPLETE and notified, every bucket keeps what it read, nothing unawaited', async () => {
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'public-one', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, {
    accountPublicAccessBlock: s3Error('ServiceUnavailable', 503, 'Service Unavailable'),
    policy: { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-one/*' }] }) },
    publicAccessBlock: S3_ERRORS.noSuchPublicAccessBlock(),
    logging: {},
  });
  const outcomes: TargetOutcome[] = [];
  await sweepBuckets(deps(), { concurrency: 2, onOutcome: (o) => outcomes.push(o) });
  const results = outcomes.flatMap((o) => (o.kind === 'evaluated' ? [o.result] : []));
  expect(results.find((r) => r.resource.type === 's3-account')).toMatchObject({
    status: 'INCOMPLETE', findings: [{ checkId: 'EVALUATION_INCOMPLETE' }], unknownReasons: { snapshot: expect.stringMatching(/^ServiceUnavailable/) },
  });
  // the policy read fine is still judged: the bucket is public, at full severity (the account level being unknown)
  expect(results.find((r) => r.resource.id === 'public-one')).toMatchObject({
    status: 'NON_COMPLIANT', unknown: ['accountPublicAccessBlock'], findings: expect.arrayContaining([expect.objectContaining({ checkId: 'S3_POLICY_PUBLIC', severity: 'HIGH' })]),
  });
  expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject)).toEqual([
    '[MEDIUM] Could not be fully checked: account 111122223333',
    '[HIGH] Publicly readable (bucket policy): S3 bucket public-one (111122223333 eu-west-1)',
  ]);
});

test('a listing that fails before any bucket: the error propagates, and the shared account read never rejects unawaited', async () => {
  s3.on(ListBucketsCommand).rejects(s3Error('InternalError', 500, 'We encountered an internal error.'));
  s3control.on(GetAccountPublicAccessBlockCommand).rejects(s3Error('ServiceUnavailable', 503, 'Service Unavailable'));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await expect(sweepBuckets(deps(), { concurrency: 2 })).rejects.toMatchObject({ name: 'InternalError' });
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  expect(unhandled).toEqual([]);
});

test('security groups: one batch of reads for many groups (ids as filters), prefix lists resolved once', async () => {
  const group = (id: string, name: string) => ({
    GroupId: id, GroupName: name, VpcId: 'vpc-1', OwnerId: '111122223333',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [], PrefixListIds: [{ PrefixListId: 'pl-0aaaaaaaaaaaaaaa1' }] }], IpPermissionsEgress: [],
  });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ ...META, SecurityGroups: [group('sg-0000000000000000a', 'a'), group('sg-0000000000000000b', 'b')] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ ...META, SecurityGroupRules: ['a', 'b'].map((x, i) => ({
    SecurityGroupRuleId: `sgr-000000000000000${i}`, GroupId: `sg-0000000000000000${x}`, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListId: 'pl-0aaaaaaaaaaaaaaa1',
  })) });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ ...META, NetworkInterfaces: [
    { NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-0000000000000000a' }], Association: { PublicIp: '203.0.113.7' } },
  ] });
  ec2.on(GetManagedPrefixListEntriesCommand).resolves({ ...META, Entries: [{ Cidr: '0.0.0.0/0' }] });

  const outcomes: TargetOutcome[] = [];
  const stats = await sweepSecurityGroups(deps(), { concurrency: 4, onOutcome: (o) => outcomes.push(o) });

  expect(stats).toEqual({ evaluated: 2, incomplete: 0, gone: 0, failed: 0 });
  expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 1);
  expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0000000000000000a', 'sg-0000000000000000b'] }] });
  expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 1);
  expect(ec2).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 1);
  const severities = outcomes.map((o) => o.kind === 'evaluated' && [o.result.resource.id, o.result.findings[0]?.severity]);
  expect(severities).toEqual([['sg-0000000000000000a', 'CRITICAL'], ['sg-0000000000000000b', 'MEDIUM']]);
});

test('security groups: a batch read that keeps failing leaves that field unknown for the batch, every group still judged', async () => {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ ...META, SecurityGroups: [{
    GroupId: 'sg-0000000000000000a', GroupName: 'a', VpcId: 'vpc-1', OwnerId: '111122223333',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], IpPermissionsEgress: [],
  }] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ ...META, SecurityGroupRules: [] });
  ec2.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('RequestLimitExceeded', 503, 'Request limit exceeded.'));
  const outcomes: TargetOutcome[] = [];
  const stats = await sweepSecurityGroups(deps(), { concurrency: 4, onOutcome: (o) => outcomes.push(o) });
  expect(stats).toEqual({ evaluated: 0, incomplete: 1, gone: 0, failed: 0 });
  // attachment unknown: the SSH finding keeps its full severity, and the unread field is named
  expect(outcomes[0]).toMatchObject({ kind: 'evaluated', result: {
    unknown: ['networkInterfaces'], unknownReasons: { networkInterfaces: expect.stringMatching(/^RequestLimitExceeded/) },
    findings: [expect.objectContaining({ checkId: 'SG_OPEN_HIGH_RISK_PORT', severity: 'CRITICAL' }), expect.objectContaining({ checkId: 'EVALUATION_INCOMPLETE' })],
  } });
});

test('an account fix the sweep applied is read again before the buckets are judged against it', async () => {
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'public-one', BucketRegion: 'eu-west-1' }] });
  let accountFlags = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
  mockBucketAccount({ s3, s3control }, { accountPublicAccessBlock: () => ({ PublicAccessBlockConfiguration: accountFlags }) });
  s3control.on(PutAccountPublicAccessBlockCommand).callsFake(() => { accountFlags = ALL_ON; return Promise.resolve(META); });
  const outcomes: TargetOutcome[] = [];
  const enforcing = deps();
  enforcing.settings = { ...enforcing.settings, remediation: { ...enforcing.settings.remediation, s3AccountPublicAccess: 'enforce' } };
  await sweepBuckets(enforcing, { concurrency: 1, onOutcome: (o) => outcomes.push(o) });
  // the account's own read, the re-read that verifies the fix, and one for the buckets after it
  expect(s3control).toHaveReceivedCommandTimes(GetAccountPublicAccessBlockCommand, 3);
  const bucket = outcomes.find((o) => o.kind === 'evaluated' && o.result.resource.type === 's3-bucket');
  expect(bucket?.kind === 'evaluated' && bucket.result.findings.map((f) => f.checkId)).not.toContain('S3_ACCOUNT_BPA_OFF');
});

test('the sweep reads a private bucket with six S3 calls (five, and AWS\'s status of its policy); website and tags only for a bucket that grants publicly', async () => {
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'private-one', BucketRegion: 'eu-west-1' }, { Name: 'public-one', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, {
    policy: ({ Bucket }) => ({ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*`, ...(Bucket === 'private-one' ? { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } } : {}) }] }) }),
  });
  await sweepBuckets(deps(), { concurrency: 1, onOutcome: () => undefined });
  const callsFor = (bucket: string) => s3.calls().map((c) => c.args[0] as { input: { Bucket?: string }; constructor: { name: string } })
    .filter((c) => c.input.Bucket === bucket).map((c) => c.constructor.name.replace(/Command$/, '')).sort();
  // A bucket with a policy also asks AWS's own status of it (the oracle); one without a policy would not.
  expect(callsFor('private-one')).toEqual(['GetBucketAcl', 'GetBucketLogging', 'GetBucketOwnershipControls', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetPublicAccessBlock']);
  expect(callsFor('public-one')).toEqual(['GetBucketAcl', 'GetBucketLogging', 'GetBucketOwnershipControls', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetBucketTagging', 'GetBucketWebsite', 'GetPublicAccessBlock']);
});
