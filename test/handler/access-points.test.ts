/**
 * Access points end to end with aws-sdk-client-mock: the reader (pagination, a denied read, AWS's
 * own status), the S3 Control events resolved to the bucket behind (a deleted access point through
 * the ledger), remediation in enforce mode, and the SemanticsDrift metric.
 */
import { GetBucketPolicyCommand, GetBucketPolicyStatusCommand, GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteAccessPointCommand, DeleteAccessPointPolicyCommand, GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, GetAccessPointCommand, GetAccessPointConfigurationForObjectLambdaCommand,
  GetAccessPointPolicyCommand, GetAccessPointPolicyStatusCommand, GetMultiRegionAccessPointCommand, GetMultiRegionAccessPointPolicyCommand,
  GetMultiRegionAccessPointPolicyStatusCommand, ListAccessPointsCommand,
  ListMultiRegionAccessPointsCommand, S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { LedgerStore } from '../../lambda/adapters/ledger-store';
import type { MetricsSink } from '../../lambda/adapters/metrics';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { accessPointListings } from '../../lambda/adapters/access-point-reader';
import { readBucket } from '../../lambda/adapters/bucket-reader';
import { expandAccessPointTargets } from '../../lambda/app/access-point-change';
import { evaluateS3EventTarget } from '../../lambda/app/account-change';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import { resolveSettings } from '../../lambda/core/model/settings';
import type { EvaluationResult, FindingOf } from '../../lambda/core/model/types';
import { cloudTrailFixture } from '../fixtures/load';
import { S3_ERRORS, s3ControlError } from '../helpers/aws-errors';
import { simulateLedgerTable } from '../helpers/dynamodb-ledger';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_OFF, META, mockBucketAccount, tlsDeny } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);

const ACCOUNT = '111122223333';
const AP_ARN = `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/acme-site-ap`;
const T0 = new Date('2026-12-01T10:00:00.000Z');

const DELEGATING = JSON.stringify({ Version: '2012-10-17', Statement: [tlsDeny('acme-site'), {
  Sid: 'DelegateToAccessPoints', Effect: 'Allow', Principal: { AWS: '*' }, Action: '*',
  Resource: ['arn:aws:s3:::acme-site', 'arn:aws:s3:::acme-site/*'], Condition: { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } },
}] });
const OPEN_AP = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${AP_ARN}/object/*` }] });

let logger: RecordingLogger;
let counted: string[];
const metrics: MetricsSink = { count: (name) => { counted.push(name); }, flush: () => undefined };

function deps(over: { config?: Record<string, unknown>; ledger?: boolean } = {}): PipelineDeps {
  const clients = new LocalClientFactory('eu-west-1');
  return {
    settings: resolveSettings(over.config ?? {}), clients, logger, metrics,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: ACCOUNT, defaultRegion: 'eu-west-1',
    ...(over.ledger ? { ledger: { store: new LedgerStore(new DynamoDBClient({ region: 'eu-west-1' }), 'ledger'), now: () => T0 } } : {}),
  };
}

/** A bucket that delegates to its access points (BPA off) with one public Internet access point. */
function delegatingBucketWithPublicAccessPoint(): void {
  mockBucketAccount({ s3, s3control }, {
    policy: { Policy: DELEGATING },
    publicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    accessPoints: { AccessPointList: [{ Name: 'acme-site-ap', NetworkOrigin: 'Internet', Bucket: 'acme-site', AccessPointArn: AP_ARN, BucketAccountId: ACCOUNT }] },
  });
  s3control.on(GetAccessPointCommand).resolves({ ...META, Name: 'acme-site-ap', Bucket: 'acme-site', NetworkOrigin: 'Internet', AccessPointArn: AP_ARN, BucketAccountId: ACCOUNT, PublicAccessBlockConfiguration: ALL_OFF });
  s3control.on(GetAccessPointPolicyCommand).resolves({ ...META, Policy: OPEN_AP });
  s3control.on(GetAccessPointPolicyStatusCommand).resolves({ ...META, PolicyStatus: { IsPublic: true } });
}

const evaluations = () => logger.find('evaluation').map((e) => e.data as unknown as EvaluationResult);
const published = () => sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!) as { default: string; email: string });
const apFinding = (r: EvaluationResult | undefined) => r?.findings.find((f): f is FindingOf<'S3_ACCESS_POINT_PUBLIC'> => f.checkId === 'S3_ACCESS_POINT_PUBLIC');

beforeEach(() => {
  for (const m of [s3, s3control, sns, dynamodb]) m.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm-1' });
  logger = new RecordingLogger();
  counted = [];
  mockBucketAccount({ s3, s3control });
});

describe('the reader', () => {
  const clients = () => ({ s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) });

  test('ListAccessPoints is read to its last page, and each access point read in parallel after it', async () => {
    s3control.on(ListAccessPointsCommand, { AccountId: ACCOUNT, Bucket: 'acme-site' }).resolves({ ...META, AccessPointList: [
      { Name: 'one', NetworkOrigin: 'Internet', Bucket: 'acme-site', AccessPointArn: `${AP_ARN}-one` }], NextToken: 'page-2' });
    s3control.on(ListAccessPointsCommand, { AccountId: ACCOUNT, Bucket: 'acme-site', NextToken: 'page-2' }).resolves({ ...META, AccessPointList: [
      { Name: 'two', NetworkOrigin: 'VPC', VpcConfiguration: { VpcId: 'vpc-0a1b2c3d4e5f60718' }, Bucket: 'acme-site', AccessPointArn: `${AP_ARN}-two` }] });
    s3control.on(GetAccessPointCommand).resolves({ ...META, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    s3control.on(GetAccessPointPolicyCommand).rejects(s3ControlError('NoSuchAccessPointPolicy', 404, 'The specified accesspoint policy does not exist'));
    s3control.on(GetAccessPointPolicyStatusCommand).rejects(s3ControlError('NoSuchAccessPointPolicy', 404, 'The specified accesspoint policy does not exist'));
    const read = await readBucket(clients(), 'acme-site', { account: ACCOUNT, region: 'eu-west-1' });
    expect(s3control.commandCalls(ListAccessPointsCommand)).toHaveLength(2);
    expect(read.kind === 'snapshot' && read.snapshot.accessPoints).toEqual([
      { name: 'one', arn: `${AP_ARN}-one`, networkOrigin: 'Internet', publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }, policy: null, policyStatus: null },
      { name: 'two', arn: `${AP_ARN}-two`, networkOrigin: 'VPC', vpcId: 'vpc-0a1b2c3d4e5f60718', publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }, policy: null, policyStatus: null },
    ]);
  });

  test('a shared listing: each region listed once, unfiltered and to its last page; a bucket takes only its own entries', async () => {
    const regions: string[] = [];
    s3control.on(ListAccessPointsCommand).callsFake(async (input: { Bucket?: string; NextToken?: string }, getClient) => {
      const region = await (getClient() as S3ControlClient).config.region();
      regions.push(region);
      expect(input.Bucket).toBeUndefined();
      if (region !== 'eu-west-1') return { ...META, AccessPointList: [] };
      return input.NextToken
        ? { ...META, AccessPointList: [{ Name: 'site-ap', NetworkOrigin: 'Internet', Bucket: 'acme-site', AccessPointArn: AP_ARN, BucketAccountId: ACCOUNT }] }
        : { ...META, AccessPointList: [{ Name: 'logs-ap', NetworkOrigin: 'Internet', Bucket: 'acme-logs', AccessPointArn: `${AP_ARN}-logs`, BucketAccountId: ACCOUNT }], NextToken: 'page-2' };
    });
    s3control.on(GetAccessPointCommand).resolves({ ...META, NetworkOrigin: 'Internet', PublicAccessBlockConfiguration: ALL_OFF });
    s3control.on(GetAccessPointPolicyCommand).rejects(s3ControlError('NoSuchAccessPointPolicy', 404, 'The specified accesspoint policy does not exist'));
    s3control.on(GetAccessPointPolicyStatusCommand).rejects(s3ControlError('NoSuchAccessPointPolicy', 404, 'The specified accesspoint policy does not exist'));
    const listings = accessPointListings((region) => new S3ControlClient({ region }), ACCOUNT);
    const shared = { ...clients(), accessPointListings: listings };
    const [site, other, elsewhere] = await Promise.all([
      readBucket(shared, 'acme-site', { account: ACCOUNT, region: 'eu-west-1' }),
      readBucket(shared, 'acme-other', { account: ACCOUNT, region: 'eu-west-1' }),
      readBucket(shared, 'acme-far', { account: ACCOUNT, region: 'ap-southeast-2' }),
    ]);
    // two pages in eu-west-1, one in ap-southeast-2: never one per bucket
    expect(regions.sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'eu-west-1']);
    expect(site.kind === 'snapshot' && site.snapshot.accessPoints?.map((a) => a.name)).toEqual(['site-ap']);
    expect(other.kind === 'snapshot' && other.snapshot.accessPoints).toEqual([]);
    expect(elsewhere.kind === 'snapshot' && elsewhere.snapshot.accessPoints).toEqual([]);
    // each access point is read only by its own bucket
    expect(s3control.commandCalls(GetAccessPointCommand).map((c) => c.args[0].input.Name)).toEqual(['site-ap']);
  });

  test('a shared listing denied leaves every bucket of that region unknown, not "no access points"', async () => {
    s3control.on(ListAccessPointsCommand).rejects(s3ControlError('AccessDenied', 403, 'Access Denied'));
    const shared = { ...clients(), accessPointListings: accessPointListings((region) => new S3ControlClient({ region }), ACCOUNT) };
    const reads = await Promise.all(['acme-a', 'acme-b'].map((b) => readBucket(shared, b, { account: ACCOUNT, region: 'eu-west-1' })));
    expect(s3control.commandCalls(ListAccessPointsCommand)).toHaveLength(1);
    for (const r of reads) {
      expect(r.kind === 'snapshot' && r.snapshot.accessPoints).toBeUndefined();
      expect(r.kind === 'snapshot' && r.snapshot.unreadable?.accessPoints).toMatch(/AccessDenied/);
    }
  });

  test('an access point deleted between the listing and its reads is left out', async () => {
    delegatingBucketWithPublicAccessPoint();
    s3control.on(GetAccessPointPolicyCommand).rejects(s3ControlError('NoSuchAccessPoint', 404, 'The specified accesspoint does not exist'));
    const read = await readBucket(clients(), 'acme-site', { account: ACCOUNT, region: 'eu-west-1' });
    expect(read.kind === 'snapshot' && read.snapshot.accessPoints).toEqual([]);
  });

  test('Multi-Region Access Points are listed in us-west-2, and only those with this bucket of this account are read', async () => {
    const regions: string[] = [];
    s3control.on(ListMultiRegionAccessPointsCommand).callsFake(async (_input, getClient) => {
      regions.push(await (getClient() as S3ControlClient).config.region());
      return { ...META, AccessPoints: [
        { Name: 'mine', Alias: 'mfzwi23gnjvgw.mrap', Status: 'READY', PublicAccessBlock: ALL_OFF, Regions: [{ Bucket: 'acme-site', Region: 'eu-west-1', BucketAccountId: ACCOUNT }] },
        { Name: 'other', Alias: 'x.mrap', Regions: [{ Bucket: 'acme-other', Region: 'us-east-1' }] },
      ] };
    });
    s3control.on(GetMultiRegionAccessPointPolicyCommand, { AccountId: ACCOUNT, Name: 'mine' })
      .rejects(s3ControlError('NoSuchMultiRegionAccessPointPolicy', 404, 'The specified multi-region access point policy does not exist'));
    s3control.on(GetMultiRegionAccessPointPolicyStatusCommand, { AccountId: ACCOUNT, Name: 'mine' })
      .rejects(s3ControlError('NoSuchMultiRegionAccessPointPolicy', 404, 'The specified multi-region access point policy does not exist'));
    const read = await readBucket(clients(), 'acme-site', { account: ACCOUNT, region: 'eu-west-1' });
    expect(regions).toEqual(['us-west-2']);
    expect(read.kind === 'snapshot' && read.snapshot.multiRegionAccessPoints).toEqual([{
      name: 'mine', arn: `arn:aws:s3::${ACCOUNT}:accesspoint/mfzwi23gnjvgw.mrap`, publicAccessBlock: ALL_OFF, status: 'READY', policy: null, policyStatus: null,
    }]);
  });
});

describe('through the S3 event path', () => {
  test('a delegating bucket\'s public access point: one message naming the access point and the path', async () => {
    delegatingBucketWithPublicAccessPoint();
    await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    const [message] = published();
    const result = JSON.parse(message!.default) as EvaluationResult;
    expect(apFinding(result)).toMatchObject({ severity: 'HIGH', latent: false });
    expect(message!.email).toContain(`access point "acme-site-ap": ${AP_ARN}`);
    expect(message!.email).toContain('the bucket: the bucket policy delegates access control to it (Sid "DelegateToAccessPoints")');
  });

  test('AccessDenied on the access point reads: INCOMPLETE for that check only', async () => {
    delegatingBucketWithPublicAccessPoint();
    s3control.on(GetAccessPointPolicyCommand).rejects(s3ControlError('AccessDenied', 403, 'Access Denied'));
    await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    const [r] = evaluations();
    expect(r!.unknown).toEqual(['accessPoints']);
    expect(r!.unknownReasons!.accessPoints).toBe('access point "acme-site-ap": policy: AccessDenied: Access Denied');
    expect(r!.findings.map((f) => f.checkId).sort()).toEqual(['EVALUATION_INCOMPLETE', 'S3_ACCOUNT_BPA_OFF', 'S3_BUCKET_BPA_OFF']);
    expect(published()).toHaveLength(1);
  });

  test('ListAccessPoints throttled past the SDK\'s retries: the event is retried (Lambda, then the DLQ)', async () => {
    s3control.on(ListAccessPointsCommand).rejects(s3ControlError('SlowDown', 503, 'Please reduce your request rate.'));
    await expect(processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets)).rejects.toThrow('Please reduce');
  });

  test.each<[string, boolean, string, number]>([
    ['AWS says public where ours does not: reported, flagged "disagrees", SemanticsDrift counted', true, 'disagrees', 1],
    ['both say not public: nothing reported, nothing counted', false, 'agrees', 0],
  ])('%s', async (_name, isPublic, _oracle, drift) => {
    const vpce = JSON.stringify({ Version: '2012-10-17', Statement: [tlsDeny('acme-site'), { Sid: 'ViaEndpoint', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }] });
    s3.on(GetBucketPolicyCommand).resolves({ ...META, Policy: vpce });
    s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
    s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
    s3.on(GetBucketPolicyStatusCommand).resolves({ ...META, PolicyStatus: { IsPublic: isPublic } });
    await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    const policy = evaluations()[0]!.findings.find((f) => f.checkId === 'S3_POLICY_PUBLIC');
    if (isPublic) expect(policy).toMatchObject({ severity: 'HIGH', evidence: { oracle: 'disagrees', awsSays: 'public', statementsAwsMayCount: ['Sid "ViaEndpoint"'] } });
    else expect(policy).toBeUndefined();
    expect(counted.filter((c) => c === 'SemanticsDrift')).toHaveLength(drift);
  });

  test('GetBucketPolicyStatus denied: no unknown field, no retry; the safer reading stands and says the status was not read', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ ...META, Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }] }) });
    s3.on(GetBucketPolicyStatusCommand).rejects(S3_ERRORS.accessDenied());
    s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
    s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_OFF });
    await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    const [r] = evaluations();
    expect(r!.unknown).toEqual([]);
    expect(r!.findings.find((f) => f.checkId === 'S3_POLICY_PUBLIC')).toMatchObject({ severity: 'HIGH', evidence: { oracle: 'absent', determined: false } });
  });
});

describe('S3 Control events re-evaluate the bucket behind the access point', () => {
  test('PutAccessPointPolicy: the access point names its bucket, which is evaluated', async () => {
    delegatingBucketWithPublicAccessPoint();
    await processEvent(cloudTrailFixture('s3-put-access-point-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    expect(s3control.commandCalls(GetAccessPointCommand)[0]!.args[0].input).toEqual({ AccountId: ACCOUNT, Name: 'acme-site-ap' });
    expect(evaluations().map((r) => r.resource)).toEqual([{ type: 's3-bucket', id: 'acme-site', account: ACCOUNT, region: 'eu-west-1' }]);
    expect(apFinding(evaluations()[0])?.evidence.accessPoints[0]?.accessPoint).toBe(AP_ARN);
    expect(logger.find('event received')[0]?.data).toMatchObject({ targets: ['acme-site'], from: ['accesspoint/acme-site-ap'] });
  });

  test('a cross-account access point names another account\'s bucket: skipped, with the reason', async () => {
    s3control.on(GetAccessPointCommand).resolves({ ...META, Name: 'acme-site-ap', Bucket: 'partner-data', BucketAccountId: '444455556666' });
    await processEvent(cloudTrailFixture('s3-put-access-point-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations()).toEqual([]);
    expect(logger.find('event skipped')[0]?.data.reason).toMatch(/bucket partner-data of account 444455556666/);
  });

  test('Multi-Region Access Point policy (us-west-2): each bucket of this account, in its own region', async () => {
    s3control.on(GetMultiRegionAccessPointCommand).resolves({ ...META, AccessPoint: { Name: 'acme-global', Alias: 'mfzwi23gnjvgw.mrap', Status: 'READY', Regions: [
      { Bucket: 'acme-site', Region: 'eu-west-1', BucketAccountId: ACCOUNT }, { Bucket: 'acme-site-us', Region: 'us-east-1', BucketAccountId: ACCOUNT },
      { Bucket: 'partner-data', Region: 'us-east-1', BucketAccountId: '444455556666' },
    ] } });
    await processEvent(cloudTrailFixture('s3-put-multi-region-access-point-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations().map((r) => `${r.resource.id}@${r.resource.region}`).sort()).toEqual(['acme-site-us@us-east-1', 'acme-site@eu-west-1']);
  });

  test('a Multi-Region Access Point not readable yet (asynchronous creation) is retried', async () => {
    s3control.on(GetMultiRegionAccessPointCommand).rejects(s3ControlError('NoSuchMultiRegionAccessPoint', 404, 'The specified Multi-Region Access Point does not exist.'));
    await expect(processEvent(cloudTrailFixture('s3-create-multi-region-access-point.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets))
      .rejects.toThrow('not readable yet');
  });

  test('Object Lambda access point policy: through the access point it stands on, to its bucket', async () => {
    delegatingBucketWithPublicAccessPoint();
    s3control.on(GetAccessPointConfigurationForObjectLambdaCommand).resolves({ ...META, Configuration: { SupportingAccessPoint: AP_ARN, TransformationConfigurations: [] } });
    await processEvent(cloudTrailFixture('s3-put-access-point-policy-for-object-lambda.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations().map((r) => r.resource.id)).toEqual(['acme-site']);
  });

  test('DeleteAccessPoint: the ledger\'s open finding names the bucket, which is re-evaluated and told resolved', async () => {
    simulateLedgerTable(dynamodb);
    delegatingBucketWithPublicAccessPoint();
    await processEvent(cloudTrailFixture('s3-put-access-point-policy.json'), deps({ ledger: true }), evaluateS3EventTarget, expandAccessPointTargets);
    expect(published()).toHaveLength(1);
    // The access point is deleted: the listing no longer has it, and it cannot be asked for its bucket.
    s3control.on(ListAccessPointsCommand).resolves({ ...META, AccessPointList: [] });
    s3control.on(GetAccessPointCommand).rejects(s3ControlError('NoSuchAccessPoint', 404, 'The specified accesspoint does not exist'));
    await processEvent(cloudTrailFixture('s3-delete-access-point.json'), deps({ ledger: true }), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations().map((r) => r.resource.id)).toEqual(['acme-site', 'acme-site']);
    const resolved = published()[1]!;
    expect(resolved.email).toMatch(/S3_ACCESS_POINT_PUBLIC|access point/);
    expect(apFinding(JSON.parse(resolved.default) as EvaluationResult)).toBeUndefined();
  });

  test('DeleteAccessPoint that no open finding names: logged as gone, nothing evaluated', async () => {
    simulateLedgerTable(dynamodb);
    await processEvent(cloudTrailFixture('s3-delete-access-point.json'), deps({ ledger: true }), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations()).toEqual([]);
    expect(logger.find('resource gone')[0]?.data.reason).toMatch(/no open finding names it/);
  });
});

describe('remediation', () => {
  test('enforce: the bucket\'s Block Public Access shuts the access point too; the access point and its policy are never deleted', async () => {
    delegatingBucketWithPublicAccessPoint();
    s3.on(PutPublicAccessBlockCommand).callsFake((input: { PublicAccessBlockConfiguration: object }) => {
      s3.on(GetPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: input.PublicAccessBlockConfiguration });
      return { ...META };
    });
    await processEvent(cloudTrailFixture('s3-put-access-point-policy.json'), deps({ config: { remediation: { s3BucketPublicAccess: 'enforce' } } }), evaluateS3EventTarget, expandAccessPointTargets);
    const [r] = evaluations();
    expect(r!.remediation).toMatchObject({ outcome: 'APPLIED' });
    expect(r!.remediation!.after).toEqual(expect.arrayContaining([{ checkId: 'S3_ACCESS_POINT_PUBLIC', severity: 'LOW', latent: true }]));
    expect(apFinding(r)!.evidence.remediation).toBeDefined();
    expect(apFinding(r)!.fix).toContain('aws s3control delete-access-point-policy');
    expect(s3control.commandCalls(DeleteAccessPointCommand)).toHaveLength(0);
    expect(s3control.commandCalls(DeleteAccessPointPolicyCommand)).toHaveLength(0);
  });
});

describe('review fixes', () => {
  const clients = () => ({ s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) });

  test('ListMultiRegionAccessPoints is read to its last page', async () => {
    const report = (name: string, bucketName: string) => ({ Name: name, Alias: `${name}.mrap`, Status: 'READY' as const, PublicAccessBlock: ALL_OFF, Regions: [{ Bucket: bucketName, Region: 'eu-west-1', BucketAccountId: ACCOUNT }] });
    s3control.on(ListMultiRegionAccessPointsCommand, { AccountId: ACCOUNT }).resolves({ ...META, AccessPoints: [report('first', 'acme-other')], NextToken: 'page-2' });
    s3control.on(ListMultiRegionAccessPointsCommand, { AccountId: ACCOUNT, NextToken: 'page-2' }).resolves({ ...META, AccessPoints: [report('second', 'acme-site')] });
    s3control.on(GetMultiRegionAccessPointPolicyCommand).rejects(s3ControlError('NoSuchMultiRegionAccessPointPolicy', 404, 'The specified multi-region access point policy does not exist'));
    s3control.on(GetMultiRegionAccessPointPolicyStatusCommand).rejects(s3ControlError('NoSuchMultiRegionAccessPointPolicy', 404, 'The specified multi-region access point policy does not exist'));
    const read = await readBucket(clients(), 'acme-site', { account: ACCOUNT, region: 'eu-west-1' });
    expect(read.kind === 'snapshot' && read.snapshot.multiRegionAccessPoints?.map((m) => m.name)).toEqual(['second']);
  });

  test('the bucket\'s region unknown: its access points are not listed somewhere else and taken as none; the field is unknown', async () => {
    const read = await readBucket(clients(), 'acme-site', { account: ACCOUNT });
    expect(s3control.commandCalls(ListAccessPointsCommand)).toHaveLength(0);
    expect(read.kind === 'snapshot' && read.snapshot.unreadable?.accessPoints).toMatch(/region is not known/);
  });

  test('GetAccessPoint denied on a public access point: reported at full severity, and INCOMPLETE names it', async () => {
    delegatingBucketWithPublicAccessPoint();
    s3control.on(GetAccessPointCommand).rejects(s3ControlError('AccessDenied', 403, 'Access Denied'));
    await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    const [r] = evaluations();
    expect(apFinding(r)).toMatchObject({ severity: 'HIGH', latent: false });
    expect(r!.unknownReasons?.accessPoints).toBe('access point "acme-site-ap": publicAccessBlock: AccessDenied: Access Denied');
  });

  test('AWS\'s status denied: the record says so (oracleUnread) and OracleUnavailable is counted', async () => {
    s3.on(GetBucketPolicyStatusCommand).rejects(S3_ERRORS.accessDenied());
    await processEvent(cloudTrailFixture('s3-put-bucket-policy.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations()[0]!.oracleUnread).toEqual({ bucket: 'AccessDenied: Access Denied' });
    expect(counted).toContain('OracleUnavailable');
  });

  test('an Object Lambda access point on another account\'s access point: skipped with the reason, not retried', async () => {
    s3control.on(GetAccessPointConfigurationForObjectLambdaCommand).resolves({ ...META, Configuration: {
      SupportingAccessPoint: 'arn:aws:s3:eu-west-1:444455556666:accesspoint/partner-ap', TransformationConfigurations: [] } });
    await processEvent(cloudTrailFixture('s3-put-access-point-policy-for-object-lambda.json'), deps(), evaluateS3EventTarget, expandAccessPointTargets);
    expect(evaluations()).toEqual([]);
    expect(logger.find('event skipped')[0]?.data.reason).toMatch(/of account 444455556666: its bucket is judged by that account's guard/);
  });

  test('DeleteAccessPoint finds every open finding naming it, across the Scan\'s pages', async () => {
    const table = simulateLedgerTable(dynamodb);
    delegatingBucketWithPublicAccessPoint();
    for (const name of ['acme-site', 'acme-site-2', 'acme-site-3']) {
      s3control.on(ListAccessPointsCommand, { AccountId: ACCOUNT, Bucket: name }).resolves({ ...META, AccessPointList: [{ Name: 'acme-site-ap', NetworkOrigin: 'Internet', Bucket: name, AccessPointArn: AP_ARN }] });
      const e = cloudTrailFixture('s3-put-bucket-policy.json');
      (e.detail.requestParameters as Record<string, unknown>).bucketName = name;
      await processEvent(e, deps({ ledger: true }), evaluateS3EventTarget, expandAccessPointTargets);
    }
    expect(table.items.size).toBeGreaterThan(4);
    logger = new RecordingLogger();
    await processEvent(cloudTrailFixture('s3-delete-access-point.json'), deps({ ledger: true }), evaluateS3EventTarget, expandAccessPointTargets);
    expect(([...(logger.find('event received')[0]?.data.targets as string[])]).sort()).toEqual(['acme-site', 'acme-site-2', 'acme-site-3']);
  });
});
