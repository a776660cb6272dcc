/**
 * The email read at 3 a.m. by someone who never saw the guard's settings: which statement to
 * remove, one fix per distinct command and what it closes, what BPA would break, whether a
 * record of reads exists, and no internal jargon.
 */
import { composeNotification } from '../../../lambda/core/notification/compose';
import { evaluateBucket } from '../../../lambda/core/s3/evaluator';
import { evaluateSecurityGroup } from '../../../lambda/core/sg/evaluator';
import { DEFAULT_SETTINGS } from '../../../lambda/core/model/settings';
import type { BucketSnapshot, EvaluationResult, SgAttachment } from '../../../lambda/core/model/types';
import { lockedDownBucket } from '../../helpers/s3-account';

const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const publicPolicy = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const openRead = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' };

function email(over: Partial<BucketSnapshot>, context = {}): { subject: string; email: string; result: EvaluationResult } {
  const result = evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: null, accountPublicAccessBlock: ALL_OFF, policyStatus: true, ...over }), DEFAULT_SETTINGS);
  const n = composeNotification(result, DEFAULT_SETTINGS, context);
  if (!n) throw new Error('expected a message');
  return { subject: n.subject, email: n.email, result };
}

describe('the offending statement is named, with the grant it makes', () => {
  test.each([
    ['by Sid and place', publicPolicy({ Sid: 'Deny', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::acme-site/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }, { Sid: 'PublicRead', ...openRead }),
      'statement #2, Sid "PublicRead": anyone (Principal "*") may s3:GetObject'],
    ['by place when it has no Sid', publicPolicy(openRead), 'statement #1: anyone (Principal "*") may s3:GetObject'],
    ['a Sid someone chose is quoted', publicPolicy({ Sid: 'approved"by secops', ...openRead }), 'statement #1, Sid "approved\'by secops": anyone'],
  ])('%s', (_, policy, line) => {
    expect(email({ policy }).email).toContain(line);
  });
});

describe('one fix section per distinct fix, saying which findings it closes', () => {
  test('the policy and the bucket BPA findings share one put-public-access-block: printed once, closing both', () => {
    const { email: text } = email({ policy: publicPolicy({ Sid: 'PublicRead', ...openRead }) });
    expect(text.match(/aws s3api put-public-access-block/g)).toHaveLength(1);
    expect(text).toContain('1. Closes S3_POLICY_PUBLIC [HIGH], S3_BUCKET_BPA_OFF [MEDIUM]:');
    expect(text.match(/Fix: 1 under HOW TO FIX/g)).toHaveLength(2);
  });

  test('distinct fixes get their own numbers', () => {
    const settings = { ...DEFAULT_SETTINGS, notifyMinSeverity: 'LOW' as const };
    const result = evaluateBucket(lockedDownBucket({ name: 'acme-site', publicAccessBlock: null, accountPublicAccessBlock: ALL_OFF, policy: publicPolicy(openRead), policyStatus: true, logging: false }), settings);
    const text = composeNotification(result, settings)!.email;
    expect(text).toContain('1. Closes S3_POLICY_PUBLIC [HIGH], S3_BUCKET_BPA_OFF [MEDIUM]:');
    expect(text).toMatch(/ 2\. Closes S3_TLS_NOT_ENFORCED \[LOW\]:/);
    expect(text).toMatch(/ 3\. Closes S3_LOGGING_OFF \[LOW\]:/);
    expect(text.match(/aws s3api put-public-access-block/g)).toHaveLength(1);
  });

  test('BPA comes with what it breaks and the exemptBuckets way out', () => {
    const { email: text } = email({ policy: publicPolicy(openRead) });
    expect(text).toContain('Before you run it: Block Public Access also closes access the bucket is meant to give.');
    expect(text).toContain('exemptBuckets');
    // prose is wrapped; only a command may run long, since it must paste whole
    for (const line of text.split('\n').filter((l) => l.length > 100)) expect(line.trim()).toMatch(/^(aws |https:|\[)/);
  });
});

describe('was data read? said next to the exposure', () => {
  test.each([
    ['logging on: where the logs are', { targetBucket: 'acme-access-logs', targetPrefix: 'acme-site/' }, 'Server access logging is on: logs go to s3://acme-access-logs/acme-site/'],
    ['logging off: no record', false, 'Server access logging is off: S3 kept no record of who read or wrote objects'],
    ['logging unread: how to check', undefined, 'Server access logging: could not be read'],
  ] as const)('%s', (_, logging, line) => {
    const { email: text } = email({ policy: publicPolicy(openRead), logging }, { auditLogGroup: '/aws/lambda/ExposureGuard-S3Evaluator' });
    const section = text.split('WAS DATA READ?')[1]?.split('WHO CHANGED IT')[0] ?? '';
    expect(section.replace(/\n\s+/g, ' ')).toContain(line);
    expect(section).toContain('"ExposureGuard/History of one resource"');
    expect(text.indexOf('WAS DATA READ?')).toBeLessThan(text.indexOf('ALSO FOUND') < 0 ? Infinity : text.indexOf('ALSO FOUND'));
  });

  test('a latent exposure (nothing is reachable) has no such section', () => {
    const { email: text } = email({ publicAccessBlock: { ...ALL_OFF, RestrictPublicBuckets: true }, policy: publicPolicy(openRead), objectOwnership: 'BucketOwnerPreferred',
      acl: { Owner: { ID: 'o' }, Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] } });
    expect(text).toContain('WAS DATA READ?'); // the ACL is live
    const onlyLatent = email({ publicAccessBlock: { ...ALL_OFF, RestrictPublicBuckets: true }, policy: publicPolicy(openRead) });
    expect(onlyLatent.email).not.toContain('WAS DATA READ?');
  });
});

describe('plain words', () => {
  test('no settings jargon; where the evidence is', () => {
    const { email: text } = email({ policy: publicPolicy(openRead) }, { auditLogGroup: '/aws/lambda/ExposureGuard-S3Evaluator' });
    expect(text).not.toContain('remediation.s3BucketPublicAccess is');
    expect(text).not.toContain('JSON variant');
    expect(text).not.toContain('account resource');
    expect(text.replace(/\n\s+/g, ' ')).toContain('Nothing was changed: this guard only reports on buckets (its s3BucketPublicAccess setting is "off").');
    expect(text).toContain('log group /aws/lambda/ExposureGuard-S3Evaluator');
  });

  test('controls name both frameworks', () => {
    expect(email({ policy: publicPolicy(openRead) }).email).toContain('Controls: AWS FSBP S3.8; CIS 2.1.4   Check: S3_BUCKET_BPA_OFF');
  });

  test.each([
    ['alone, it leads', { policy: undefined, unreadable: { policy: 'AccessDenied: explicit deny in a resource-based policy' } },
      '[HIGH] Could not be fully checked: S3 bucket acme-site (111122223333 eu-west-1)'],
    ['behind a graver finding, the subject still says it', {
      policy: undefined, unreadable: { policy: 'AccessDenied' },
      acl: { Owner: { ID: 'o' }, Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'WRITE' }] }, objectOwnership: 'BucketOwnerPreferred',
    }, '[CRITICAL] Publicly writable (ACL); policy not read: S3 bucket acme-site (111122223333 eu-west-1)'],
    ['several reads failing are counted', {
      policy: undefined, logging: undefined, unreadable: { policy: 'AccessDenied', logging: 'AccessDenied' },
      acl: { Owner: { ID: 'o' }, Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'WRITE' }] }, objectOwnership: 'BucketOwnerPreferred',
    }, '[CRITICAL] Publicly writable (ACL); 2 reads failed: S3 bucket acme-site (111122223333 eu-west-1)'],
  ] as const)('what could not be read is in the subject: %s', (_, over, subject) => {
    expect(email(over as Partial<BucketSnapshot>).subject).toBe(subject);
  });
});

describe('security-group wording', () => {
  const group = (interfaces: SgAttachment[]) => evaluateSecurityGroup({
    GroupId: 'sg-0a1b2c3d4e5f60718', GroupName: 'web', VpcId: 'vpc-1', account: '123456789012', region: 'eu-west-1',
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], IpPermissionsEgress: [],
    networkInterfaces: interfaces,
  }, DEFAULT_SETTINGS);

  test('latent is said once', () => {
    const n = composeNotification(group([]), DEFAULT_SETTINGS);
    expect(n).toBeDefined();
    for (const line of n!.email.split('\n')) expect(line.match(/latent/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  test('the Reachable line ends on a thing, not on EC2\'s bare "interface"', () => {
    const n = composeNotification(group([
      { NetworkInterfaceId: 'eni-1', PublicIp: '34.245.10.20', InterfaceType: 'interface', InstanceId: 'i-1' },
      { NetworkInterfaceId: 'eni-2', PublicIp: '34.245.10.21', InterfaceType: 'network_load_balancer' },
    ]), DEFAULT_SETTINGS)!;
    expect(n.email).not.toMatch(/, interface$/m);
    expect(n.email).toContain('eni-2, public IP 34.245.10.21, a network load balancer interface');
    expect(n.subject).toBe('[CRITICAL] SSH (22) open to the internet: sg-0a1b2c3d4e5f60718 "web" (123456789012 eu-west-1)');
  });

  test('many ports: the verdict names fewer of them rather than cut the group id', () => {
    const many = evaluateSecurityGroup({
      GroupId: 'sg-0a1b2c3d4e5f60718', GroupName: 'web', VpcId: 'vpc-1', account: '123456789012', region: 'eu-west-1',
      IpPermissions: [22, 3389, 5432, 3306, 6379, 9200].map((p) => ({ IpProtocol: 'tcp', FromPort: p, ToPort: p, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })),
      IpPermissionsEgress: [], networkInterfaces: [{ NetworkInterfaceId: 'eni-1', PublicIp: '34.245.10.20' }],
    }, DEFAULT_SETTINGS);
    const n = composeNotification(many, DEFAULT_SETTINGS)!;
    expect(n.subject).toContain(': sg-0a1b2c3d4e5f60718');
    expect(n.subject).toMatch(/\+\d+ more open to the internet: sg-0a1b2c3d4e5f60718( |$)/);
    expect(n.subject.length).toBeLessThanOrEqual(99);
  });
});
