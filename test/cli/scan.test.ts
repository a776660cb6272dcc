/** `exposure-guard scan` against mocked AWS: the sweep path, read-only whatever the config, exit codes. */
import { ListBucketsCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { runScanCommand, type CliIo } from '../../bin/cli';
import { S3_ERRORS } from '../helpers/aws-errors';
import { mockGroupAccount, resetGroupAccount } from '../helpers/ec2-account';
import { ALL_OFF, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);

async function scan(argv: string[], files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readFile: (p) => files[p] ?? '', readStdin: () => '' };
  const code = await runScanCommand(argv, io, new LocalClientFactory('eu-west-1'));
  return { code, out, err };
}

beforeEach(() => {
  for (const m of [s3, s3control, ec2, sns, sts]) m.reset();
  resetGroupAccount(ec2);
  sts.on(GetCallerIdentityCommand).resolves({ ...META, Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDAEXAMPLE' });
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'acme-site', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, {
    accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    policy: { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] }) },
    publicAccessBlock: S3_ERRORS.noSuchPublicAccessBlock(),
    logging: {},
  });
  mockGroupAccount(ec2, {
    groupId: 'sg-0a1b2c3d4e5f60718', rules: [{ id: 'sgr-0aaaaaaaaaaaaaaa1', protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0' }],
    interfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-0a1b2c3d4e5f60718' }], Association: { PublicIp: '203.0.113.7' } }],
  });
});

test('--json prints every evaluated resource: the account, the bucket and the group', async () => {
  const r = await scan(['--json']);
  expect(r.code).toBe(0);
  const results = JSON.parse(r.out) as { resource: { type: string; id: string }; findings: { checkId: string }[] }[];
  expect(results.map((x) => `${x.resource.type}:${x.resource.id}`)).toEqual(['s3-account:111122223333', 's3-bucket:acme-site', 'security-group:sg-0a1b2c3d4e5f60718']);
  expect(results[2]?.findings.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
});

test('read-only whatever the config: no write, no publish, even with every remediation on enforce', async () => {
  const config = JSON.stringify({ remediation: { s3BucketPublicAccess: 'enforce', s3AccountPublicAccess: 'enforce', securityGroupIngress: 'enforce' } });
  await scan(['--config', 'c.json'], { 'c.json': config });
  expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
  expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
});

test('a table on a terminal, most severe first; --fail-on sets the exit code', async () => {
  const r = await scan(['--fail-on', 'CRITICAL']);
  expect(r.code).toBe(1);
  const lines = r.out.trim().split('\n');
  expect(lines[0]).toMatch(/^SEVERITY\s+TYPE\s+RESOURCE\s+STATUS/);
  expect(lines[1]).toMatch(/^CRITICAL\s+security-group\s+sg-0a1b2c3d4e5f60718\s+NON_COMPLIANT\s+SG_OPEN_HIGH_RISK_PORT$/);
  expect(lines.at(-1)).toBe('3 resources: 0 compliant, 3 with findings or not fully read');
});

test('credentials that cannot identify the account: exit 2 with one line', async () => {
  sts.on(GetCallerIdentityCommand).rejects(new STSServiceException({ name: 'ExpiredToken', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'The security token included in the request is expired' }));
  const r = await scan([]);
  expect(r.code).toBe(2);
  expect(r.err.trim().split('\n')).toEqual(['exposure-guard: scan: sts:GetCallerIdentity failed, so the account is unknown (ExpiredToken: The security token included in the request is expired); check the credentials and the network']);
});

test('bad flags: exit 2 with the usage', async () => {
  const r = await scan(['--nope']);
  expect(r.code).toBe(2);
  expect(r.err).toContain('usage:');
});

test('an unexpected fault inside scan is exit 3 with one line, never an unhandled rejection (exit 1 would read as "findings")', async () => {
  let err = '';
  // the fault: writing the results fails after the scan
  const io: CliIo = { stdout: () => { throw new TypeError('stdout is closed'); }, stderr: (t) => { err += t; }, readFile: () => '', readStdin: () => '' };
  const code = await runScanCommand(['--region', 'eu-west-1'], io, new LocalClientFactory('eu-west-1'));
  expect(code).toBe(3);
  expect(err.trim().split('\n')).toEqual(['exposure-guard: internal error: stdout is closed']);
});
