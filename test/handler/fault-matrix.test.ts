/**
 * The fault matrix (test/fault-matrix/table.ts), cell by cell: each AWS call made to fail each way
 * against a world where the resource is public, and the documented outcome checked. Never
 * COMPLIANT on a failed read, never silence on a public resource, never a lost event.
 */
import { ListBucketsCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetAccessPointCommand, GetAccessPointConfigurationForObjectLambdaCommand, GetAccessPointPolicyCommand, GetAccessPointPolicyStatusCommand,
  GetMultiRegionAccessPointCommand, GetMultiRegionAccessPointPolicyCommand, GetMultiRegionAccessPointPolicyStatusCommand, S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { DescribeInstancesCommand, DescribeManagedPrefixListsCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, GetManagedPrefixListAssociationsCommand, GetManagedPrefixListEntriesCommand, RevokeSecurityGroupIngressCommand, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import { simulateLedgerTable } from '../helpers/dynamodb-ledger';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScanCommand } from '../../bin/cli';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import type { MetricsSink } from '../../lambda/adapters/metrics';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/model/settings';
import type { EvaluationResult } from '../../lambda/core/model/types';
import { evaluateS3EventTarget } from '../../lambda/app/account-change';
import { expandAccessPointTargets } from '../../lambda/app/access-point-change';
import { evaluateSecurityGroupTarget, expandSecurityGroupTargets } from '../../lambda/app/evaluate-sg';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import type { ReadRow } from '../../lambda/core/model/reads';
import { ACCESS_POINT_LOOKUPS, ACCESS_POINT_READS, BUCKET_LISTINGS, BUCKET_READS, MULTI_REGION_ACCESS_POINT_READS } from '../../lambda/core/s3/reads';
import { GROUP_LOOKUPS, GROUP_READS } from '../../lambda/core/sg/reads';
import { FAULTS, MATRIX, renderMatrix, type CallRow, type Fault } from '../fault-matrix/table';
import { cloudTrailFixture } from '../fixtures/load';
import { dynamoError, ec2Error, s3ControlError, s3Error, snsError, stsError } from '../helpers/aws-errors';
import { commandOf } from '../helpers/commands';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_OFF, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);
const dynamodb = mockClient(DynamoDBClient);
const GROUP = 'sg-0a1b2c3d4e5f60718';
const AP_ARN = 'arn:aws:s3:eu-west-1:111122223333:accesspoint/acme-site-ap';
/** The list the prefix-list event's fixture modifies, used by the group's second SSH rule. */
const LIST = 'pl-0b8c9d0e1f2a3b4c5';

const EXCEPTIONS: Record<CallRow['service'], (name: string, status: number, message: string) => Error> = {
  S3: s3Error, 'S3 Control': s3ControlError, EC2: ec2Error, SNS: snsError, STS: stsError, DynamoDB: dynamoError,
};
/** The error names each service really answers with for each fault. */
const NAMES: Record<CallRow['service'], Record<Exclude<Fault, 'not found' | 'timeout or reset'>, [string, number]>> = {
  S3: { throttled: ['SlowDown', 503], 'server error': ['InternalError', 500], 'access denied': ['AccessDenied', 403] },
  'S3 Control': { throttled: ['SlowDown', 503], 'server error': ['InternalError', 500], 'access denied': ['AccessDenied', 403] },
  EC2: { throttled: ['RequestLimitExceeded', 503], 'server error': ['InternalError', 500], 'access denied': ['UnauthorizedOperation', 403] },
  SNS: { throttled: ['Throttling', 400], 'server error': ['InternalError', 500], 'access denied': ['AuthorizationError', 403] },
  STS: { throttled: ['Throttling', 400], 'server error': ['InternalFailure', 500], 'access denied': ['InvalidClientTokenId', 403] },
  DynamoDB: { throttled: ['ProvisionedThroughputExceededException', 400], 'server error': ['InternalServerError', 500], 'access denied': ['AccessDeniedException', 400] },
};

/** The failures, as the SDK raises them; "timeout or reset" is both a request timeout and a reset socket. */
function errorsFor(row: CallRow, fault: Fault): Error[] {
  const make = (name: string, status: number) => EXCEPTIONS[row.service](name, status, `${name} (injected)`);
  if (fault === 'timeout or reset') {
    return [
      Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ];
  }
  if (fault === 'not found') return [make(row.notFound ?? 'NotFound', row.service === 'EC2' || row.service === 'DynamoDB' ? 400 : 404)];
  const [name, status] = NAMES[row.service][fault];
  return [make(name, status)];
}

let logger: RecordingLogger;
let counted: string[];
const metrics: MetricsSink = { count: (name) => { counted.push(name); }, flush: () => undefined };

function deps(remediation: Record<string, string> = {}, ledger = false): PipelineDeps {
  const clients = new LocalClientFactory('eu-west-1');
  return {
    settings: resolveSettings({ remediation }), clients, logger, metrics,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: '111122223333', defaultRegion: 'eu-west-1', sleep: async () => undefined,
    // one attempt: the SDK's own retries of a throttled ledger call would only wait here
    ...(ledger ? { ledger: { store: new LedgerStore(new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }), 'ledger'), now: () => new Date('2026-12-01T10:00:00.000Z') } } : {}),
  };
}

/** A public bucket: a policy open to "*" and Block Public Access off at both levels. */
function publicBucket(): void {
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'acme-site', BucketRegion: 'eu-west-1' }] });
  s3.on(PutPublicAccessBlockCommand).resolves({ ...META });
  mockBucketAccount({ s3, s3control }, {
    policy: { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] }) },
    publicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    // an access point open to "*" on it, and a Multi-Region Access Point over it: their reads are cells too
    accessPoints: { AccessPointList: [{ Name: 'acme-site-ap', NetworkOrigin: 'Internet', Bucket: 'acme-site', AccessPointArn: AP_ARN, BucketAccountId: '111122223333' }] },
    multiRegionAccessPoints: { AccessPoints: [{ Name: 'acme-global', Alias: 'mfzwi23gnjvgw.mrap', Status: 'READY', PublicAccessBlock: ALL_OFF,
      Regions: [{ Bucket: 'acme-site', Region: 'eu-west-1', BucketAccountId: '111122223333' }] }] },
  });
  const open = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${AP_ARN}/object/*` }] });
  s3control.on(GetAccessPointCommand).resolves({ ...META, Name: 'acme-site-ap', Bucket: 'acme-site', NetworkOrigin: 'Internet', PublicAccessBlockConfiguration: ALL_OFF, AccessPointArn: AP_ARN });
  s3control.on(GetAccessPointPolicyCommand).resolves({ ...META, Policy: open });
  s3control.on(GetAccessPointPolicyStatusCommand).resolves({ ...META, PolicyStatus: { IsPublic: true } });
  s3control.on(GetMultiRegionAccessPointPolicyCommand).resolves({ ...META, Policy: { Established: { Policy: open } } });
  s3control.on(GetMultiRegionAccessPointPolicyStatusCommand).resolves({ ...META, Established: { IsPublic: true } });
  s3control.on(GetMultiRegionAccessPointCommand).resolves({ ...META, AccessPoint: { Name: 'acme-global', Alias: 'mfzwi23gnjvgw.mrap', Status: 'READY',
    Regions: [{ Bucket: 'acme-site', Region: 'eu-west-1', BucketAccountId: '111122223333' }] } });
  s3control.on(GetAccessPointConfigurationForObjectLambdaCommand).resolves({ ...META, Configuration: { SupportingAccessPoint: AP_ARN, TransformationConfigurations: [] } });
}

/** A world-open SSH rule on a public interface, and an SSH rule whose source is a (private) prefix list. */
let rules: SecurityGroupRule[];
function openGroup(): void {
  rules = [
    { SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' },
    { SecurityGroupRuleId: 'sgr-0ccccccccccccccc3', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListId: LIST },
  ];
  ec2.on(DescribeSecurityGroupsCommand).resolves({ ...META, SecurityGroups: [{
    GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-1', OwnerId: '111122223333', IpPermissionsEgress: [],
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], PrefixListIds: [{ PrefixListId: LIST }] }],
  }] });
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input: { Filters?: { Name: string; Values: string[] }[] }) => {
    const byId = input.Filters?.find((f) => f.Name === 'security-group-rule-id');
    return { ...META, SecurityGroupRules: byId ? rules.filter((r) => byId.Values.includes(r.SecurityGroupRuleId!)) : rules };
  });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ ...META, NetworkInterfaces: [{
    NetworkInterfaceId: 'eni-0abc1234def567890', Groups: [{ GroupId: GROUP }], Association: { PublicIp: '203.0.113.25' }, Attachment: { InstanceId: 'i-0a1b2c3d4e5f60718' },
  }] });
  ec2.on(GetManagedPrefixListEntriesCommand).resolves({ ...META, Entries: [{ Cidr: '10.0.0.0/8' }] });
  // the events' fixtures are of account 123456789012: the group using the list is that account's
  ec2.on(GetManagedPrefixListAssociationsCommand).resolves({ ...META, PrefixListAssociations: [{ ResourceId: GROUP, ResourceOwner: '123456789012' }] });
  ec2.on(DescribeManagedPrefixListsCommand).resolves({ ...META, PrefixLists: [{ PrefixListId: LIST, State: 'modify-complete', Version: 4 }] });
  ec2.on(DescribeInstancesCommand).resolves({ ...META, Reservations: [{ Instances: [{
    InstanceId: 'i-0a1b2c3d4e5f60718', State: { Code: 16, Name: 'running' }, SecurityGroups: [{ GroupId: GROUP, GroupName: 'web' }],
  }] }] });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake((input: { SecurityGroupRuleIds: string[] }) => {
    rules = rules.filter((r) => !input.SecurityGroupRuleIds.includes(r.SecurityGroupRuleId!));
    return { ...META, Return: true };
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const STUBS: Record<CallRow['service'], AwsStub<any, any, any>> = { S3: s3, 'S3 Control': s3control, EC2: ec2, SNS: sns, STS: sts, DynamoDB: dynamodb };

/** Makes exactly one call fail. */
function inject(row: CallRow, error: Error): void {
  if (row.call === 'RevokeSecurityGroupIngress' && error.name === 'InvalidSecurityGroupRuleId.NotFound') {
    // one id of the batch was removed a moment before: EC2 refuses the batch, the rule is gone
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(() => {
      rules = rules.filter((r) => r.SecurityGroupRuleId !== 'sgr-0aaaaaaaaaaaaaaa1');
      throw error;
    });
    return;
  }
  STUBS[row.service].on(commandOf(row.service, row.call.replace(/ \(account\)$/, ''))).rejects(error);
}

const isS3Path = (path: CallRow['path']) => path.startsWith('bucket') || path.startsWith('account') || path.includes('access point');

async function run(row: CallRow): Promise<{ outcome: 'resolved' | 'rejected'; scanCode?: number; scanErr?: string; scanOut?: string }> {
  const event = {
    'bucket event': 's3-put-bucket-policy.json', 'bucket enforce': 's3-put-bucket-policy.json',
    'access point event': 's3-put-access-point-policy.json', 'multi-region access point event': 's3-put-multi-region-access-point-policy.json',
    'object lambda access point event': 's3-put-access-point-policy-for-object-lambda.json',
    'account event': 's3-delete-account-public-access-block.json', 'account enforce': 's3-delete-account-public-access-block.json',
    'group event': 'ec2-authorize-ingress-sdk.json', 'group enforce': 'ec2-authorize-ingress-sdk.json',
    'instance event': 'ec2-associate-address-instance.json', 'prefix-list event': 'ec2-modify-managed-prefix-list.json', scan: '',
  }[row.path];
  if (row.path === 'scan') {
    let err = '';
    let out = '';
    const scanCode = await runScanCommand(['--json', ...(row.call === 'DescribeRegions' ? ['--regions', 'all'] : [])],
      { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readFile: () => '', readStdin: () => '' }, new LocalClientFactory('eu-west-1'));
    return { outcome: 'resolved', scanCode, scanErr: err, scanOut: out };
  }
  const modes: Record<string, Record<string, string>> = {
    'bucket enforce': { s3BucketPublicAccess: 'enforce' }, 'account enforce': { s3AccountPublicAccess: 'enforce' }, 'group enforce': { securityGroupIngress: 'enforce' },
  };
  const remediation = modes[row.path] ?? {};
  const isS3 = isS3Path(row.path);
  try {
    await processEvent(cloudTrailFixture(event), deps(remediation, row.service === 'DynamoDB'), isS3 ? evaluateS3EventTarget : evaluateSecurityGroupTarget,
      isS3 ? expandAccessPointTargets : expandSecurityGroupTargets);
    return { outcome: 'resolved' };
  } catch {
    return { outcome: 'rejected' };
  }
}

const evaluations = () => logger.find('evaluation').map((e) => e.data as unknown as EvaluationResult & { notification: { sent: boolean } });
const published = () => sns.commandCalls(PublishCommand).map((c) => JSON.parse(JSON.parse(c.args[0].input.Message!).default) as EvaluationResult);

beforeEach(() => {
  for (const m of [s3, s3control, ec2, sns, sts, dynamodb]) m.reset();
  simulateLedgerTable(dynamodb);
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm' });
  sts.on(GetCallerIdentityCommand).resolves({ ...META, Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDAEXAMPLE' });
  logger = new RecordingLogger();
  counted = [];
  publicBucket();
  openGroup();
});

const cells = MATRIX.flatMap((row) => FAULTS.filter((f) => row.outcomes[f] !== 'n/a').map((fault) => [`${row.service} ${row.call} [${row.path}]`, fault, row] as const));

describe.each(cells)('%s, %s', (_name, fault, row) => {
  const expected = row.outcomes[fault];
  test.each(errorsFor(row, fault).map((e) => [e.name === 'Error' ? (e as { code?: string }).code ?? 'Error' : e.name, e] as const))(`${expected} (%s)`, async (_n, error) => {
    inject(row, error);
    const { outcome, scanCode, scanErr, scanOut } = await run(row);
    // never COMPLIANT on a failed read, whatever the outcome
    expect(evaluations().filter((e) => e.status === 'COMPLIANT')).toEqual([]);
    switch (expected) {
      case 'retried':
        expect(outcome).toBe('rejected');
        // and not lost quietly: the record that says why, and for a lost message the metric its alarm watches
        if (row.call === 'Publish') {
          expect(logger.find('notification failed')).toHaveLength(1);
          expect(counted).toContain('NotificationFailures');
        } else {
          expect(logger.find('event failed').length).toBeGreaterThan(0);
        }
        break;
      case 'incomplete': {
        expect(outcome).toBe('resolved');
        // on the account event, the account's own result must name it (a bucket's would pass for the wrong reason)
        const unread = evaluations().filter((e) => e.unknown.includes(row.field!) && (row.path !== 'account event' || e.resource.type === 's3-account'));
        expect(unread.length).toBeGreaterThan(0);
        // the public resource is never silent: a message went out for it
        expect(published().length).toBeGreaterThan(0);
        expect(unread.some((e) => e.notification.sent)).toBe(true);
        break;
      }
      case 'degraded':
        expect(outcome).toBe('resolved');
        expect(published()).toEqual([expect.objectContaining({ findings: expect.arrayContaining([expect.objectContaining({ checkId: 'SG_OPEN_HIGH_RISK_PORT', severity: 'CRITICAL' })]) })]);
        break;
      case 'not-needed':
      case 'not-configured':
        expect(outcome).toBe('resolved');
        expect(evaluations().some((e) => e.unknown.includes(row.field!))).toBe(false);
        expect(published().length).toBeGreaterThan(0);
        break;
      case 'gone':
        expect(outcome).toBe('resolved');
        expect(logger.find('resource gone')).toHaveLength(1);
        expect(evaluations()).toEqual([]);
        break;
      case 'reported':
        expect(outcome).toBe('resolved');
        expect(published().filter((r) => r.remediation?.outcome === 'FAILED')).toEqual([expect.objectContaining({ remediation: expect.objectContaining({ error: { name: expect.any(String), message: expect.any(String) } }) })]);
        expect(counted).toContain('RemediationFailures');
        break;
      case 'verified':
        expect(outcome).toBe('resolved');
        expect(published()[0]?.remediation).toMatchObject({ outcome: 'APPLIED', verified: true });
        break;
      case 'unledgered':
        expect(outcome).toBe('resolved');
        expect(published().length).toBeGreaterThan(0);
        expect(counted).toContain('LedgerFailures');
        expect(logger.find('ledger unavailable').length).toBeGreaterThan(0);
        break;
      case 'logged':
        expect(outcome).toBe('resolved');
        expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
        expect(counted).toContain('LedgerFailures');
        expect(logger.find('ledger unavailable')[0]?.data).toMatchObject({ stage: 'confirm' });
        break;
      case 'scan-stops':
        expect(scanCode).toBe(2);
        expect(scanErr?.trim().split('\n')).toHaveLength(1);
        expect(scanErr).toContain('GetCallerIdentity');
        expect(scanErr).toMatch(/network error|timed out|credentials/);
        break;
      case 'scan-incomplete': {
        expect(scanCode).toBe(0);
        const results = JSON.parse(scanOut ?? '[]') as EvaluationResult[];
        expect(results.filter((r) => r.status === 'INCOMPLETE').length).toBeGreaterThan(0);
        expect(results.filter((r) => r.status === 'COMPLIANT')).toEqual([]);
        // everything the failed call did not decide is still reported
        const found = results.flatMap((r) => r.findings.map((f) => f.checkId));
        if (row.call !== 'ListBuckets') expect(found).toContain('S3_POLICY_PUBLIC');
        if (row.call !== 'DescribeSecurityGroups') expect(found).toContain('SG_OPEN_HIGH_RISK_PORT');
        expect(scanErr).toContain(row.call === 'GetPublicAccessBlock (account)' ? 'GetAccountPublicAccessBlock' : row.call);
        break;
      }
      default:
        throw new Error(`unexpected outcome ${expected}`);
    }
  });
});

// Each path's world, with no fault: the resource is public and the message goes out. Without this
// a cell could pass because nothing was ever exposed.
test.each([...new Set(MATRIX.map((r) => r.path))].filter((p) => p !== 'scan'))('baseline, no fault: %s notifies the exposure', async (path) => {
  const { outcome } = await run({ ...MATRIX.find((r) => r.path === path)!, path });
  expect(outcome).toBe('resolved');
  const severities = published().flatMap((r) => r.findings.filter((f) => f.checkId !== 'EVALUATION_INCOMPLETE').map((f) => f.severity));
  expect(severities).toContain(isS3Path(path) ? 'HIGH' : 'CRITICAL');
});

test('the README\'s "What happens when…" section is the rendered matrix', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split('<!-- fault-matrix:start -->')[1]?.split('<!-- fault-matrix:end -->')[0]?.trim();
  expect(section).toBe(renderMatrix());
});

test('every read of every reads table is in the matrix, with its IAM action', () => {
  const reads = [BUCKET_READS, ACCESS_POINT_READS, MULTI_REGION_ACCESS_POINT_READS, ACCESS_POINT_LOOKUPS, BUCKET_LISTINGS, GROUP_READS, GROUP_LOOKUPS]
    .flatMap((t) => Object.values(t) as ReadRow[]);
  const rows = new Set(MATRIX.map((r) => `${r.service} ${r.call.replace(/ \(account\)$/, '')} ${r.iam}`));
  expect(reads.map((r) => `${r.service} ${r.command} ${r.iam}`).filter((k) => !rows.has(k))).toEqual([]);
});

test('every AWS call the handlers and the CLI make is in the matrix', () => {
  const sources = ['lambda/adapters/bucket-reader.ts', 'lambda/adapters/access-point-reader.ts', 'lambda/adapters/access-point-resolver.ts', 'lambda/adapters/security-group-reader.ts', 'lambda/adapters/inventory.ts', 'lambda/adapters/target-resolver.ts',
    'lambda/adapters/block-public-access.ts', 'lambda/adapters/security-group-remediator.ts', 'lambda/adapters/sns-notifier.ts', 'bin/cli-scan.ts', 'bin/scan-regions.ts']
    .map((f) => readFileSync(join(__dirname, '..', '..', f), 'utf8')).join('\n');
  // S3 Control's commands share S3's names; the code imports them under an "Account" alias.
  const alias: Record<string, string> = { GetAccountPublicAccessBlock: 'GetPublicAccessBlock (account)', PutAccountPublicAccessBlock: 'PutPublicAccessBlock (account)' };
  const used = new Set([...sources.matchAll(/\bnew ([A-Z][A-Za-z]+)Command\(|\bpaginate([A-Z][A-Za-z]+)\(/g)].map((m) => m[1] ?? m[2]!).map((n) => alias[n] ?? n));
  const inMatrix = new Set(MATRIX.map((r) => r.call));
  expect([...used].filter((call) => !inMatrix.has(call))).toEqual([]);
  expect(used.size).toBeGreaterThanOrEqual(18);
});
