/**
 * The sweep path with aws-sdk-client-mock: every bucket and group of a paginated inventory ends
 * evaluated, gone or INCOMPLETE (never lost), the account level is read once, and groups are
 * read in batches.
 */
import {
  GetBucketAclCommand, GetBucketLoggingCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand,
  GetBucketTaggingCommand, GetBucketWebsiteCommand, GetPublicAccessBlockCommand, ListBucketsCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/settings';
import type { PipelineDeps, TargetOutcome } from '../../lambda/handlers/pipeline';
import { sweepBuckets, sweepSecurityGroups } from '../../lambda/handlers/sweep';
import { S3_ERRORS, s3Error } from '../helpers/aws-errors';
import { RecordingLogger } from '../helpers/recording-logger';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const META = { $metadata: { httpStatusCode: 200, requestId: 'EXAMPLE', attempts: 1, totalRetryDelay: 0 } };
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

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
  s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: { ...ALL_ON, RestrictPublicBuckets: false, IgnorePublicAcls: false } });
  const read = (bucket: string) => bucket;
  s3.on(GetBucketPolicyCommand).callsFake(({ Bucket }: { Bucket: string }) => {
    if (read(Bucket) === 'deleted-one') throw S3_ERRORS.noSuchBucket();
    if (Bucket === 'public-one') return { ...META, Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-one/*' }] }) };
    throw S3_ERRORS.noSuchBucketPolicy();
  });
  s3.on(GetBucketAclCommand).callsFake(({ Bucket }: { Bucket: string }) => {
    if (Bucket === 'broken-one') throw s3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
    return { ...META, Owner: { ID: 'o' }, Grants: [] };
  });
  s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: { ...ALL_ON, RestrictPublicBuckets: false, IgnorePublicAcls: false } });
  s3.on(GetBucketOwnershipControlsCommand).resolves({ ...META, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
  s3.on(GetBucketLoggingCommand).resolves({ ...META });
  s3.on(GetBucketWebsiteCommand).rejects(S3_ERRORS.noSuchWebsite());
  s3.on(GetBucketTaggingCommand).rejects(S3_ERRORS.noSuchTagSet());

  const outcomes: TargetOutcome[] = [];
  const stats = await sweepBuckets(deps(), { concurrency: 2, onOutcome: (o) => outcomes.push(o) });

  expect(stats).toEqual({ evaluated: 1, incomplete: 1, gone: 1, failed: 0 });
  expect(s3).toHaveReceivedCommandTimes(ListBucketsCommand, 2);
  // once for the account target itself, once (after any account fix) shared by every bucket
  expect(s3control).toHaveReceivedCommandTimes(GetAccountPublicAccessBlockCommand, 2);
  const broken = outcomes.find((o) => o.kind === 'evaluated' && o.result.resource.id === 'broken-one');
  expect(broken).toMatchObject({ result: { status: 'INCOMPLETE', unknown: ['snapshot'], unknownReasons: { snapshot: expect.stringMatching(/^InternalError/) } } });
  // one message for the account setting, one for the public bucket: not one account message per bucket
  expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject)).toEqual([
    '[MEDIUM] Account-level Block Public Access off: account 111122223333',
    '[HIGH] Publicly readable (bucket policy): S3 bucket public-one (111122223333 eu-west-1)',
  ]);
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
