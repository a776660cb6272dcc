/**
 * `exposure-guard scan` against mocked AWS: the sweep path, read-only whatever the config; every
 * listing that fails is an INCOMPLETE row and the rest is still reported; reads that fail make
 * `--fail-on` fail; stable order; regions; error wording; exit codes.
 */
import { GetBucketAclCommand, GetBucketPolicyCommand, ListBucketsCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { DescribeRegionsCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough } from 'node:stream';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { runScanCommand, type CliIo } from '../../bin/cli';
import { QUIET, terminalProgress } from '../../bin/scan-progress';
import { progressFor } from '../../bin/cli-scan';
import { ec2Error, S3_ERRORS, s3ControlError, s3Error, stsError } from '../helpers/aws-errors';
import { describedGroup, mockGroupAccount, resetGroupAccount } from '../helpers/ec2-account';
import { ALL_OFF, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);

type Result = { resource: { type: string; id: string; region?: string }; status: string; unknown: string[]; findings: { checkId: string; severity: string; latent: boolean; title: string }[] };

async function scan(argv: string[], files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readFile: (p) => files[p] ?? '', readStdin: () => '' };
  const code = await runScanCommand(argv, io, new LocalClientFactory('eu-west-1'));
  let json: Result[] = [];
  try { json = JSON.parse(out) as Result[]; } catch { /* the table */ }
  const errLines = err.trim().split('\n').filter(Boolean);
  return { code, out, err, errLines, json, ids: json.map((x) => `${x.resource.type}:${x.resource.id}`) };
}

const publicPolicy = (bucket: string) => ({ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }) });
const SSH_OPEN = [{ id: 'sgr-0aaaaaaaaaaaaaaa1', protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0' }];

const savedRegion = process.env.AWS_REGION;
afterAll(() => { process.env.AWS_REGION = savedRegion; });

beforeEach(() => {
  process.env.AWS_REGION = 'eu-west-1';
  for (const m of [s3, s3control, ec2, sns, sts]) m.reset();
  resetGroupAccount(ec2);
  sts.on(GetCallerIdentityCommand).resolves({ ...META, Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDAEXAMPLE' });
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'acme-site', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, {
    accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    policy: ({ Bucket }) => publicPolicy(Bucket ?? ''),
    publicAccessBlock: S3_ERRORS.noSuchPublicAccessBlock(),
    logging: {},
  });
  mockGroupAccount(ec2, {
    groupId: 'sg-0a1b2c3d4e5f60718', name: 'web', rules: SSH_OPEN,
    interfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-0a1b2c3d4e5f60718' }], Association: { PublicIp: '203.0.113.7' } }],
  });
});

test('--json prints every evaluated resource, most severe first, then type, then id', async () => {
  const r = await scan(['--json']);
  expect(r.code).toBe(0);
  expect(r.ids).toEqual(['security-group:sg-0a1b2c3d4e5f60718', 's3-bucket:acme-site', 's3-account:111122223333']);
  expect(r.json[0]?.findings.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
  expect(r.err).toBe('');
});

test('--format json is --json; --format text is the table; both at once disagreeing is bad input', async () => {
  expect((await scan(['--format', 'json'])).ids).toHaveLength(3);
  expect((await scan(['--format', 'text'])).out).toMatch(/^SEVERITY/);
  expect((await scan(['--json', '--format', 'text'])).code).toBe(2);
});

test('read-only whatever the config: no write, no publish, even with every remediation on enforce', async () => {
  const config = JSON.stringify({ remediation: { s3BucketPublicAccess: 'enforce', s3AccountPublicAccess: 'enforce', securityGroupIngress: 'enforce' } });
  await scan(['--config', 'c.json'], { 'c.json': config });
  expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
  expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
});

test('the table: most severe first, group names beside ids, latent marked, what was not read, a summary; --fail-on sets the exit code', async () => {
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'acme-site', BucketRegion: 'eu-west-1' }, { Name: 'acme-latent', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, {
    accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    policy: ({ Bucket }) => publicPolicy(Bucket ?? ''),
    // acme-latent: RestrictPublicBuckets neutralises its public policy
    publicAccessBlock: ({ Bucket }) => (Bucket === 'acme-latent' ? { PublicAccessBlockConfiguration: { ...ALL_OFF, RestrictPublicBuckets: true } } : S3_ERRORS.noSuchPublicAccessBlock()),
    acl: ({ Bucket }) => (Bucket === 'acme-site' ? S3_ERRORS.accessDenied() : { Owner: { ID: 'o' }, Grants: [] }),
  });
  const r = await scan(['--fail-on', 'CRITICAL']);
  expect(r.code).toBe(1);
  const lines = r.out.trim().split('\n');
  expect(lines[0]).toMatch(/^SEVERITY\s+TYPE\s+REGION\s+RESOURCE\s+STATUS\s+CHECKS\s+NOT READ$/);
  expect(lines[1]).toMatch(/^CRITICAL\s+security-group\s+eu-west-1\s+sg-0a1b2c3d4e5f60718 \(web\)\s+NON_COMPLIANT\s+SG_OPEN_HIGH_RISK_PORT\s+-$/);
  expect(lines[2]).toMatch(/^HIGH\s+s3-bucket\s+eu-west-1\s+acme-site\s+NON_COMPLIANT\s+S3_POLICY_PUBLIC, .*\s+acl \(AccessDenied\)$/);
  expect(lines.find((l) => l.includes('acme-latent'))).toMatch(/S3_POLICY_PUBLIC \(latent\)/);
  expect(lines.at(-1)).toBe('4 results: 0 compliant, 4 non-compliant, 0 incomplete');
  expect(r.errLines.at(-1)).toBe('exposure-guard: --fail-on CRITICAL: 1 resource has findings at or above CRITICAL');
});

describe('each listing call that fails becomes an INCOMPLETE row, and everything else is still reported', () => {
  const denied = {
    's3:ListBuckets': () => s3.on(ListBucketsCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied')),
    'ec2:DescribeSecurityGroups': () => ec2.on(DescribeSecurityGroupsCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.')),
    's3:GetAccountPublicAccessBlock': () => s3control.on(GetAccountPublicAccessBlockCommand).rejects(s3ControlError('AccessDenied', 403, 'Access Denied')),
    'sts:GetCallerIdentity': () => sts.on(GetCallerIdentityCommand).rejects(stsError('AccessDenied', 403, 'User is not authorized to perform: sts:GetCallerIdentity')),
  };
  test.each(Object.keys(denied))('%s denied', async (call) => {
    denied[call as keyof typeof denied]();
    const r = await scan(['--json']);
    expect(r.code).toBe(0);
    const rows = r.json.filter((x) => x.status === 'INCOMPLETE');
    expect(rows.length).toBeGreaterThan(0);
    const bucket = r.json.find((x) => x.resource.id === 'acme-site');
    const group = r.json.find((x) => x.resource.id === 'sg-0a1b2c3d4e5f60718');
    if (call === 's3:ListBuckets') {
      expect(r.json.find((x) => x.resource.type === 's3-bucket' && x.resource.id === '*')).toMatchObject({
        status: 'INCOMPLETE', unknown: ['buckets'], findings: [{ checkId: 'EVALUATION_INCOMPLETE', severity: 'CRITICAL', title: 'buckets of account 111122223333: not listed (s3:ListBuckets: AccessDenied: Access Denied)' }],
      });
      expect(bucket).toBeUndefined();
    } else {
      expect(bucket?.findings.map((f) => f.checkId)).toContain('S3_POLICY_PUBLIC');
    }
    if (call === 'ec2:DescribeSecurityGroups') {
      expect(r.json.find((x) => x.resource.type === 'security-group' && x.resource.id === '*')).toMatchObject({ status: 'INCOMPLETE', unknown: ['securityGroups'], resource: { region: 'eu-west-1' } });
      expect(group).toBeUndefined();
    } else {
      expect(group?.findings.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
    }
    if (call === 's3:GetAccountPublicAccessBlock') {
      expect(r.json.find((x) => x.resource.type === 's3-account')).toMatchObject({ status: 'INCOMPLETE', unknown: ['accountPublicAccessBlock'] });
      // read once for the scan, shared by the account result and every bucket
      expect(s3control).toHaveReceivedCommandTimes(GetAccountPublicAccessBlockCommand, 1);
    }
    if (call === 'sts:GetCallerIdentity') {
      expect(r.json.find((x) => x.resource.type === 's3-account')).toMatchObject({ resource: { id: '*' }, status: 'INCOMPLETE', unknown: ['account'] });
      expect(s3control).not.toHaveReceivedCommand(GetAccountPublicAccessBlockCommand);
    }
    expect(r.err).toContain(call);
    expect(r.errLines.at(-1)).toMatch(/results could not be fully read .*; exit 0: pass --fail-on to gate on them$/);
    // and a gate fails on it
    expect((await scan(['--json', '--fail-on', 'MEDIUM'])).code).toBe(1);
  });

  test('a listing that stops part-way: what was listed is reported, the row says after how many', async () => {
    s3.on(ListBucketsCommand, { MaxBuckets: 1000 }).resolves({ ...META, Buckets: [{ Name: 'acme-site', BucketRegion: 'eu-west-1' }], ContinuationToken: 'p2' });
    s3.on(ListBucketsCommand, { MaxBuckets: 1000, ContinuationToken: 'p2' }).rejects(s3Error('InternalError', 500, 'We encountered an internal error. Please try again.'));
    const r = await scan(['--json']);
    expect(r.ids).toContain('s3-bucket:acme-site');
    expect(r.json.find((x) => x.resource.id === '*')?.findings[0]?.title).toBe(
      'buckets of account 111122223333: listing stopped after 1 (s3:ListBuckets: InternalError: We encountered an internal error. Please try again.); the rest were not checked');
  });

  test('--regions all with DescribeRegions denied: the home region is still read, the others are a row', async () => {
    ec2.on(DescribeRegionsCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    const r = await scan(['--json', '--regions', 'all']);
    expect(r.ids).toContain('security-group:sg-0a1b2c3d4e5f60718');
    expect(r.json.find((x) => x.unknown.includes('regions'))).toMatchObject({ resource: { type: 'security-group', id: '*', region: '*' }, status: 'INCOMPLETE' });
    expect(r.err).toContain('ec2:DescribeRegions');
  });
});

describe('reads denied on every bucket: --fail-on fails, and the table says what was not read', () => {
  beforeEach(() => {
    s3.on(ListBucketsCommand).resolves({ ...META, Buckets: ['a', 'b', 'c', 'd'].map((n) => ({ Name: `public-${n}`, BucketRegion: 'eu-west-1' })) });
    mockBucketAccount({ s3, s3control }, {
      accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF }, publicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
      policy: S3_ERRORS.accessDenied(), acl: S3_ERRORS.accessDenied(),
    });
    mockGroupAccount(ec2, { groupId: 'sg-0a1b2c3d4e5f60718', name: 'web' });
  });

  test('--fail-on HIGH exits 1, the last stderr line says why', async () => {
    const r = await scan(['--fail-on', 'HIGH']);
    expect(r.code).toBe(1);
    const rows = r.out.split('\n').filter((l) => l.includes('public-'));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/^HIGH\s+s3-bucket\s+.*policy \(AccessDenied\), acl \(AccessDenied\)$/);
    expect(r.errLines.at(-1)).toBe('exposure-guard: --fail-on HIGH: failing because 4 resources could not be fully read and could hide a finding at or above HIGH (--allow-incomplete gates on what was read only)');
  });

  test('--allow-incomplete gates on what was read only, and says so', async () => {
    const r = await scan(['--fail-on', 'HIGH', '--allow-incomplete']);
    expect(r.code).toBe(0);
    expect(r.errLines.at(-1)).toBe('exposure-guard: --fail-on HIGH: passing with --allow-incomplete although 4 resources could not be fully read and could hide a finding at or above HIGH');
  });

  test('the policy and ACL reads were made (and denied) for every bucket, not skipped', async () => {
    await scan(['--json']);
    expect(s3).toHaveReceivedCommandTimes(GetBucketPolicyCommand, 4);
    expect(s3).toHaveReceivedCommandTimes(GetBucketAclCommand, 4);
  });
});

test('stable order: the same output whatever order AWS lists and answers in', async () => {
  const names = ['b-3', 'a-1', 'c-2', 'a-2'];
  for (const g of ['sg-0000000000000000c', 'sg-0000000000000000a', 'sg-0000000000000000b']) mockGroupAccount(ec2, { groupId: g, name: g.slice(-1), rules: SSH_OPEN });
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: names.map((Name) => ({ Name, BucketRegion: 'eu-west-1' })) });
  const first = await scan(['--json']);
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [...names].reverse().map((Name) => ({ Name, BucketRegion: 'eu-west-1' })) });
  const groups = ['sg-0000000000000000b', 'sg-0000000000000000c', 'sg-0a1b2c3d4e5f60718', 'sg-0000000000000000a'];
  ec2.on(DescribeSecurityGroupsCommand).callsFake(() => Promise.resolve({ ...META, SecurityGroups: groups.map((g) => describedGroup({ groupId: g, rules: SSH_OPEN }).group) }));
  const second = await scan(['--json']);
  expect(second.ids).toEqual(first.ids);
  expect(first.ids).toHaveLength(9);
  // severity descending, then type, then id
  const RANK = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  const key = (x: Result) => [-Math.max(-1, ...x.findings.map((f) => RANK.indexOf(f.severity))), x.resource.type, x.resource.id] as const;
  const keys = first.json.map(key);
  for (let i = 1; i < keys.length; i++) {
    const [a, b] = [keys[i - 1]!, keys[i]!];
    expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))).toBe(true);
  }
  expect(first.ids.filter((id) => id.startsWith('s3-bucket'))).toEqual(['s3-bucket:a-1', 's3-bucket:a-2', 's3-bucket:b-3', 's3-bucket:c-2']);
  const table1 = (await scan([])).out;
  expect((await scan([])).out).toBe(table1);
});

describe('regions', () => {
  beforeEach(() => {
    s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'eu-bucket', BucketRegion: 'eu-west-1' }, { Name: 'us-bucket', BucketRegion: 'us-east-1' }, { Name: 'ap-bucket', BucketRegion: 'ap-south-1' }] });
    // each region has its own group
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      return { ...META, SecurityGroups: [describedGroup({ groupId: region === 'us-east-1' ? 'sg-0000000000000005e' : 'sg-0000000000000e0e1', name: region, rules: SSH_OPEN }).group] };
    });
    ec2.on(DescribeRegionsCommand).resolves({ ...META, Regions: [
      { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required', Endpoint: 'ec2.eu-west-1.amazonaws.com' },
      { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required', Endpoint: 'ec2.us-east-1.amazonaws.com' },
    ] });
  });

  test('--region R: groups of R, and only the buckets in R (the summary says how many were left out); buckets listed once', async () => {
    const r = await scan(['--region', 'eu-west-1']);
    expect(r.out).toContain('eu-bucket');
    expect(r.out).not.toContain('us-bucket');
    expect(r.out).toContain('sg-0000000000000e0e1 (eu-west-1)');
    expect(r.out.trim().split('\n').at(-1)).toMatch(/; buckets in eu-west-1 only \(2 in other regions not reported\)$/);
    expect(s3).toHaveReceivedCommandTimes(ListBucketsCommand, 1);
    expect(s3).not.toHaveReceivedCommandWith(GetBucketPolicyCommand, { Bucket: 'us-bucket' });
  });

  test('--regions a,b: groups of each, buckets of both, ListBuckets once', async () => {
    const r = await scan(['--json', '--regions', 'eu-west-1,us-east-1']);
    expect(r.ids.filter((id) => id.startsWith('security-group'))).toEqual(['security-group:sg-0000000000000e0e1', 'security-group:sg-0000000000000005e']); // both CRITICAL: by region, then id
    expect(r.ids.filter((id) => id.startsWith('s3-bucket')).sort()).toEqual(['s3-bucket:eu-bucket', 's3-bucket:us-bucket']);
    expect(s3).toHaveReceivedCommandTimes(ListBucketsCommand, 1);
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupsCommand, 2);
  });

  test('--regions all: groups of every enabled region, every bucket', async () => {
    const r = await scan(['--json', '--regions', 'all']);
    expect(ec2).toHaveReceivedCommandTimes(DescribeRegionsCommand, 1);
    expect(r.ids.filter((id) => id.startsWith('security-group'))).toHaveLength(2);
    expect(r.ids.filter((id) => id.startsWith('s3-bucket'))).toHaveLength(3);
  });

  test.each([
    [['--region', 'eu-west-1', '--regions', 'all'], /--region and --regions: give one of them/],
    [['--regions', 'eu-west-1,moon'], /--regions: "moon" is not a region name/],
    [['--region', 'EU'], /--region: "EU" is not a region name/],
  ])('%j → exit 2', async (argv, message) => {
    const r = await scan(argv);
    expect(r.code).toBe(2);
    expect(r.errLines[0]).toMatch(message);
  });
});

describe('errors named for what they are', () => {
  test('expired credentials: exit 2, one line, says credentials', async () => {
    sts.on(GetCallerIdentityCommand).rejects(stsError('ExpiredToken', 400, 'The security token included in the request is expired'));
    const r = await scan([]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['exposure-guard: scan: sts:GetCallerIdentity failed: credentials rejected or missing (ExpiredToken: The security token included in the request is expired); check the credentials (AWS_PROFILE, `aws sso login`, or the access keys)']);
  });

  test('no credentials at all (the provider chain found none): credentials', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    expect((await scan([])).errLines[0]).toMatch(/credentials rejected or missing \(CredentialsProviderError/);
  });

  test.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 443 }), 'network error: could not reach 127.0.0.1:443 (ECONNREFUSED)'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'sts.eu-west-1.amazonaws.com' }), 'network error: could not reach sts.eu-west-1.amazonaws.com (ENOTFOUND)'],
    [Object.assign(new Error('getaddrinfo EAI_AGAIN sts.eu-west-1.amazonaws.com'), { code: 'EAI_AGAIN', hostname: 'sts.eu-west-1.amazonaws.com' }), 'network error: could not reach sts.eu-west-1.amazonaws.com (EAI_AGAIN)'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'network error: could not reach sts.eu-west-1.amazonaws.com (ECONNRESET)'],
    [Object.assign(new Error('a request has exceeded the configured 5000 ms requestTimeout.'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), 'timed out: no answer from sts.eu-west-1.amazonaws.com'],
  ])('a network failure is a network error, not credentials: %s', async (error, words) => {
    sts.on(GetCallerIdentityCommand).rejects(error);
    const r = await scan([]);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toContain(`sts:GetCallerIdentity failed: ${words}`);
    expect(r.errLines[0]).toMatch(/check the network, a proxy \(HTTPS_PROXY\) or an endpoint setting \(AWS_ENDPOINT_URL\)$/);
    expect(r.errLines[0]).not.toMatch(/credentials/);
  });

  test('a listing that cannot reach its endpoint says network in its row', async () => {
    ec2.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error('getaddrinfo ENOTFOUND ec2.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'ec2.eu-west-1.amazonaws.com' }));
    const r = await scan([]);
    expect(r.out).toMatch(/security-group\s+eu-west-1\s+\*\s+INCOMPLETE\s+-\s+securityGroups \(network error\)/);
    expect(r.err).toContain('security groups of eu-west-1: not listed (ec2:DescribeSecurityGroups: network error: could not reach ec2.eu-west-1.amazonaws.com (ENOTFOUND)');
  });
});

test('bad flags: exit 2 with the usage; --help: the scan help, exit 0', async () => {
  const r = await scan(['--nope']);
  expect(r.code).toBe(2);
  expect(r.err).toContain('usage:');
  const help = await scan(['--help']);
  expect(help.code).toBe(0);
  expect(help.out).toMatch(/^usage: exposure-guard scan/);
  expect(sts).not.toHaveReceivedCommand(GetCallerIdentityCommand);
});

test('an unexpected fault inside scan is exit 3 with one line, never an unhandled rejection (exit 1 would read as "findings")', async () => {
  let err = '';
  // the fault: writing the results fails after the scan
  const io: CliIo = { stdout: () => { throw new TypeError('stdout is closed'); }, stderr: (t) => { err += t; }, readFile: () => '', readStdin: () => '' };
  const code = await runScanCommand(['--region', 'eu-west-1'], io, new LocalClientFactory('eu-west-1'));
  expect(code).toBe(3);
  expect(err.trim().split('\n')).toEqual(['exposure-guard: internal error: stdout is closed']);
});

describe('progress', () => {
  test('quiet when stderr is not a terminal', () => {
    expect(progressFor(false)).toBe(QUIET);
  });

  test('on a terminal: bars for buckets and groups, counted as they are listed and done', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
    let written = '';
    stream.on('data', (c: Buffer) => { written += c.toString(); });
    const p = terminalProgress(stream as unknown as NodeJS.WritableStream);
    p.listed('buckets'); p.listed('buckets'); p.done('buckets'); p.listed('groups');
    p.finished('buckets', 'done');
    p.stop();
    expect(written).toMatch(/buckets .* 1\/2 done/);
    expect(written).toMatch(/groups .* 0\/1 listing/);
  });
});
