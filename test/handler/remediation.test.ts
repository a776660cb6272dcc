/**
 * Remediation for every mode × resource, with aws-sdk-client-mock asserting the exact write
 * call and its input, or its absence. The mocks keep state, so a write changes what the next
 * read returns: verification, the guard's own echo event and duplicate deliveries behave as on AWS.
 */
import { GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupIngressCommand, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import type { MetricsSink } from '../../lambda/adapters/metrics';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/model/settings';
import { evaluateS3Target } from '../../lambda/app/evaluate-s3';
import { evaluateSecurityGroupTarget } from '../../lambda/app/evaluate-sg';
import { processEvent, type Evaluator, type PipelineDeps } from '../../lambda/app/pipeline';
import { cloudTrailFixture } from '../fixtures/load';
import { S3_ERRORS, ec2Error, s3ControlError, snsError } from '../helpers/aws-errors';
import { RecordingLogger } from '../helpers/recording-logger';
import { ALL_OFF, ALL_ON, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const ROLE = 'ExposureGuard-GuardS3EvaluatorRole1A2B3C4D-AbCdEfGh';

class RecordingMetrics implements MetricsSink {
  readonly counts: { name: string; dimensions?: Record<string, string> }[] = [];
  count(name: string, dimensions?: Record<string, string>) { this.counts.push({ name, dimensions }); }
  flush() { /* recorded already */ }
  named(name: string) { return this.counts.filter((c) => c.name === name); }
}

let logger: RecordingLogger;
let metrics: RecordingMetrics;
function deps(settings: Parameters<typeof resolveSettings>[0], over: Partial<PipelineDeps> = {}): PipelineDeps {
  const clients = new LocalClientFactory('eu-west-1');
  return {
    settings: resolveSettings(settings), clients, logger, metrics, ownRoleName: ROLE,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: '111122223333', defaultRegion: 'eu-west-1', ...over,
  };
}
const run = (file: string, d: PipelineDeps, evaluate: Evaluator, mutate?: (e: ReturnType<typeof cloudTrailFixture>) => void) => {
  const event = cloudTrailFixture(file);
  mutate?.(event);
  return processEvent(event, d, evaluate);
};
/** The same event as the guard's own role made it (CloudTrail's record of a Lambda's call). */
const asGuard = (e: ReturnType<typeof cloudTrailFixture>) => {
  e.detail.userIdentity = {
    type: 'AssumedRole', principalId: 'AROAEXAMPLEGUARD:ExposureGuard-S3Evaluator', accountId: '111122223333',
    arn: `arn:aws:sts::111122223333:assumed-role/${ROLE}/ExposureGuard-S3Evaluator`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${ROLE}`, userName: ROLE } },
  };
};
const messages = () => sns.commandCalls(PublishCommand).map((c) => ({
  subject: c.args[0].input.Subject, ...(JSON.parse(c.args[0].input.Message!) as { default: string; email: string }),
})).map((m) => ({ ...m, result: JSON.parse(m.default) }));

beforeEach(() => {
  for (const m of [s3, s3control, ec2, sns]) m.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'm-1' });
  logger = new RecordingLogger();
  metrics = new RecordingMetrics();
});

describe('S3 bucket Block Public Access', () => {
  /** A bucket with a public-write policy and BPA off; PutPublicAccessBlock turns it on for later reads. */
  let bucketBpa: Record<string, boolean> | null;
  beforeEach(() => {
    bucketBpa = null;
    mockBucketAccount({ s3, s3control }, {
      policy: { Policy: JSON.stringify({ Statement: [{ Sid: 'OpenUpload', Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-data/*' }] }) },
      publicAccessBlock: () => (bucketBpa === null ? S3_ERRORS.noSuchPublicAccessBlock() : { PublicAccessBlockConfiguration: bucketBpa }),
      accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_OFF },
    });
    s3.on(PutPublicAccessBlockCommand).callsFake((input: { PublicAccessBlockConfiguration: Record<string, boolean> }) => {
      bucketBpa = { ...input.PublicAccessBlockConfiguration };
      return { ...META };
    });
  });

  test('off: no write; the email says remediation is off', async () => {
    await run('s3-delete-bucket-public-access-block.json', deps({}), evaluateS3Target);
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(messages()[0]?.email.replace(/\s+/g, ' ')).toContain('its s3BucketPublicAccess setting is "off"');
  });

  test('dry-run: no write; says exactly what it would do', async () => {
    await run('s3-delete-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'dry-run' } }), evaluateS3Target);
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    const [m] = messages();
    expect(m?.result.remediation).toMatchObject({ outcome: 'DRY_RUN', mode: 'dry-run' });
    expect(m?.email).toContain('DRY_RUN: dry-run: would turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets on bucket acme-data');
  });

  test('enforce: the exact PutPublicAccessBlock, then a verifying re-read; the email says it was done and verified', async () => {
    await run('s3-delete-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' } }), evaluateS3Target);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: 'acme-data', ExpectedBucketOwner: '111122223333', PublicAccessBlockConfiguration: ALL_ON,
    });
    expect(s3).toHaveReceivedCommandTimes(GetPublicAccessBlockCommand, 2);
    const [m] = messages();
    expect(m?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: true, after: [
      { checkId: 'S3_ACCOUNT_BPA_OFF', severity: 'MEDIUM', latent: false }, { checkId: 'S3_POLICY_PUBLIC', severity: 'LOW', latent: true },
      { checkId: 'S3_TLS_NOT_ENFORCED', severity: 'LOW', latent: false }] });
    expect(m?.result.findings[0]).toMatchObject({ checkId: 'S3_POLICY_PUBLIC', severity: 'CRITICAL', evidence: expect.objectContaining({ remediation: expect.stringMatching(/^APPLIED/) }) });
    expect(m?.email).toContain('Verified by re-reading: the change is in place.');
    expect(m?.email).toContain('Now: S3_ACCOUNT_BPA_OFF MEDIUM, S3_POLICY_PUBLIC LOW (latent), S3_TLS_NOT_ENFORCED LOW');
    expect(metrics.named('Remediations')).toEqual([{ name: 'Remediations', dimensions: { outcome: 'APPLIED' } }]);
    expect(metrics.named('RemediationFailures')).toEqual([]);
  });

  test('enforce, verification fails (the re-read still shows BPA off): reported, failure metric', async () => {
    s3.on(PutPublicAccessBlockCommand).resolves({ ...META }); // accepted, but the state does not change
    await run('s3-delete-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' } }), evaluateS3Target);
    const [m] = messages();
    expect(m?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: false });
    expect(m?.email).toContain('VERIFICATION FAILED');
    expect(metrics.named('RemediationFailures')).toHaveLength(1);
  });

  test('enforce, Put fails with AccessDenied: outcome FAILED with the error, exposure still reported, nothing thrown', async () => {
    s3.on(PutPublicAccessBlockCommand).rejects(S3_ERRORS.accessDenied());
    await expect(run('s3-delete-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' } }), evaluateS3Target)).resolves.toHaveLength(1);
    const [m] = messages();
    expect(m?.subject).toMatch(/^\[CRITICAL\] Publicly writable \(bucket policy\): S3 bucket acme-data/);
    expect(m?.result.remediation).toMatchObject({ outcome: 'FAILED', error: { name: 'AccessDenied', message: 'Access Denied' } });
    expect(m?.email).toContain('Error: AccessDenied: Access Denied');
    expect(metrics.named('RemediationFailures')).toHaveLength(1);
  });

  test('the write is journalled before it is made; a publish that fails afterwards raises RemediationUnreported and propagates', async () => {
    const order: string[] = [];
    s3.on(PutPublicAccessBlockCommand).callsFake(() => {
      order.push(`put (journal written: ${logger.find('remediation started').length})`);
      return { ...META };
    });
    sns.on(PublishCommand).rejects(snsError('InternalError', 500, 'Internal Error'));
    await expect(run('s3-delete-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' } }), evaluateS3Target))
      .rejects.toMatchObject({ name: 'InternalError' });
    expect(order).toEqual(['put (journal written: 1)']);
    expect(logger.find('remediation started')[0]?.data).toMatchObject({ resource: { type: 's3-bucket', id: 'acme-data' }, mode: 'enforce', action: expect.stringContaining('PutPublicAccessBlock') });
    expect(metrics.named('RemediationUnreported')).toHaveLength(1);
    expect(logger.find('notification failed')[0]?.data).toMatchObject({ notification: { sent: false, unreportedRemediation: true }, remediation: { outcome: 'APPLIED' } });
  });

  test('exempt: no write; the finding says "exempt: no action"', async () => {
    await run('s3-delete-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' }, exemptBuckets: ['acme-*'] }), evaluateS3Target);
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    const [m] = messages();
    expect(m?.result.remediation).toMatchObject({ outcome: 'SKIPPED_EXEMPT' });
    expect(m?.result.findings[0].evidence.remediation).toBe('SKIPPED_EXEMPT: exempt: no action (exemptBuckets pattern "acme-*")');
  });

  test('the guard\'s own PutBucketPublicAccessBlock event afterwards: a quiet re-evaluation, no second message', async () => {
    const d = deps({ remediation: { s3BucketPublicAccess: 'enforce' } });
    await run('s3-delete-bucket-public-access-block.json', d, evaluateS3Target);
    await run('s3-guard-own-put-public-access-block.json', d, evaluateS3Target, asGuard);
    expect(messages()).toHaveLength(1);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    const records = logger.find('evaluation');
    expect(records).toHaveLength(2);
    expect(records[1]?.data).toMatchObject({ notification: { sent: false, reason: "the guard's own remediation call" } });
  });

  test('the guard\'s own event is quiet even while other MEDIUM findings remain (account BPA off)', async () => {
    const d = deps({ remediation: { s3BucketPublicAccess: 'enforce' } });
    await run('s3-delete-bucket-public-access-block.json', d, evaluateS3Target);
    await run('s3-guard-own-put-public-access-block.json', d, evaluateS3Target, asGuard);
    expect(messages()).toHaveLength(1);
  });

  test('the same event delivered twice: one write, one message', async () => {
    s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_ON });
    const d = deps({ remediation: { s3BucketPublicAccess: 'enforce' } });
    await run('s3-delete-bucket-public-access-block.json', d, evaluateS3Target);
    await run('s3-delete-bucket-public-access-block.json', d, evaluateS3Target);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    // The account level already neutralised the policy, so the findings are LOW; the change the
    // guard made is still told, once.
    expect(messages()).toHaveLength(1);
    expect(messages()[0]?.subject).toMatch(/^\[LOW\]/);
    expect(messages()[0]?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: true });
  });

  test('out of order: an older event arriving after the fix re-reads the current state and does nothing', async () => {
    bucketBpa = { ...ALL_ON };
    s3control.on(GetAccountPublicAccessBlockCommand).resolves({ ...META, PublicAccessBlockConfiguration: ALL_ON });
    await run('s3-put-bucket-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' } }), evaluateS3Target);
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(messages()).toHaveLength(0);
  });
});

describe('S3 account Block Public Access', () => {
  let accountBpa: Record<string, boolean> | null;
  beforeEach(() => {
    accountBpa = null;
    s3control.on(GetAccountPublicAccessBlockCommand).callsFake(() => {
      if (accountBpa === null) throw s3ControlError('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found');
      return { ...META, PublicAccessBlockConfiguration: accountBpa };
    });
    s3control.on(PutAccountPublicAccessBlockCommand).callsFake((input: { PublicAccessBlockConfiguration: Record<string, boolean> }) => {
      accountBpa = { ...input.PublicAccessBlockConfiguration };
      return { ...META };
    });
  });

  test.each(['off', 'dry-run'] as const)('%s: no write', async (mode) => {
    await run('s3-delete-account-public-access-block.json', deps({ remediation: { s3AccountPublicAccess: mode } }), evaluateS3Target);
    expect(s3control).not.toHaveReceivedCommand(PutAccountPublicAccessBlockCommand);
    expect(messages()).toHaveLength(1);
  });

  test('bucket enforce does not touch the account setting: it is opted in separately', async () => {
    await run('s3-delete-account-public-access-block.json', deps({ remediation: { s3BucketPublicAccess: 'enforce' } }), evaluateS3Target);
    expect(s3control).not.toHaveReceivedCommand(PutAccountPublicAccessBlockCommand);
  });

  test('enforce: the exact s3control PutPublicAccessBlock for the account, verified', async () => {
    await run('s3-delete-account-public-access-block.json', deps({ remediation: { s3AccountPublicAccess: 'enforce' } }), evaluateS3Target);
    expect(s3control).toHaveReceivedCommandWith(PutAccountPublicAccessBlockCommand, { AccountId: '111122223333', PublicAccessBlockConfiguration: ALL_ON });
    expect(messages()[0]?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: true, after: [] });
  });

  test('an Organizations S3 policy refuses the call (403): FAILED with the error, reported once, not retried', async () => {
    s3control.on(PutAccountPublicAccessBlockCommand).rejects(s3ControlError('AccessDenied', 403, 'Access to this account-level setting is controlled by an AWS Organizations S3 policy'));
    const outcomes = await run('s3-delete-account-public-access-block.json', deps({ remediation: { s3AccountPublicAccess: 'enforce' } }), evaluateS3Target);
    expect(outcomes).toHaveLength(1);
    expect(s3control).toHaveReceivedCommandTimes(PutAccountPublicAccessBlockCommand, 1);
    expect(messages()[0]?.result.remediation).toMatchObject({ outcome: 'FAILED', error: { name: 'AccessDenied', message: expect.stringContaining('Organizations') } });
  });
});

describe('security-group ingress', () => {
  const GROUP = 'sg-0a1b2c3d4e5f60718';
  let rules: SecurityGroupRule[];
  beforeEach(() => {
    rules = [
      { SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', Description: 'temp debug' },
      { SecurityGroupRuleId: 'sgr-0bbbbbbbbbbbbbbb2', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8', Description: 'vpn' },
      { SecurityGroupRuleId: 'sgr-0ccccccccccccccc3', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' },
      { SecurityGroupRuleId: 'sgr-0eeeeeeeeeeeeeee9', GroupId: GROUP, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' },
    ];
    const permissions = () => {
      const ingress = rules.filter((r) => !r.IsEgress);
      const byPort = new Map<string, { IpProtocol: string; FromPort: number; ToPort: number; IpRanges: { CidrIp: string; Description?: string }[] }>();
      for (const r of ingress) {
        const k = `${r.FromPort}`;
        const p = byPort.get(k) ?? { IpProtocol: r.IpProtocol!, FromPort: r.FromPort!, ToPort: r.ToPort!, IpRanges: [] };
        p.IpRanges.push({ CidrIp: r.CidrIpv4!, ...(r.Description ? { Description: r.Description } : {}) });
        byPort.set(k, p);
      }
      return [...byPort.values()];
    };
    ec2.on(DescribeSecurityGroupsCommand).callsFake(() => ({ ...META, SecurityGroups: [{
      GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-1', OwnerId: '123456789012', IpPermissions: permissions(),
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }] }));
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input: { Filters?: { Name: string; Values: string[] }[] }) => {
      const byId = input.Filters?.find((f) => f.Name === 'security-group-rule-id');
      return { ...META, SecurityGroupRules: byId ? rules.filter((r) => byId.Values.includes(r.SecurityGroupRuleId!)) : rules };
    });
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake((input: { SecurityGroupRuleIds: string[] }) => {
      rules = rules.filter((r) => !input.SecurityGroupRuleIds.includes(r.SecurityGroupRuleId!));
      return { ...META, Return: true, RevokedSecurityGroupRules: input.SecurityGroupRuleIds.map((id) => ({ SecurityGroupRuleId: id, GroupId: GROUP })) };
    });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ ...META, NetworkInterfaces: [{
      NetworkInterfaceId: 'eni-0abc1234def567890', Association: { PublicIp: '203.0.113.25' }, Attachment: { InstanceId: 'i-0123456789abcdef0' },
    }] });
  });

  test.each([
    ['off', {}],
    ['dry-run', { remediation: { securityGroupIngress: 'dry-run' as const } }],
    ['exempt (by group name)', { remediation: { securityGroupIngress: 'enforce' as const }, exemptSecurityGroups: ['web'] }],
  ])('%s: no revoke', async (_name, settings) => {
    await run('ec2-authorize-ingress-sdk.json', deps(settings), evaluateSecurityGroupTarget);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(messages()).toHaveLength(1);
  });

  test('dry-run names the rule it would revoke', async () => {
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'dry-run' } }), evaluateSecurityGroupTarget);
    expect(messages()[0]?.result.remediation).toMatchObject({ outcome: 'DRY_RUN', detail: 'dry-run: would revoke sgr-0aaaaaaaaaaaaaaa1; nothing was changed' });
  });

  test('enforce: revokes only the world-open SSH rule (not the private CIDR of the same permission, not 443, not egress), verified, with the undo command', async () => {
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'enforce' } }), evaluateSecurityGroupTarget);
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-0aaaaaaaaaaaaaaa1'] });
    expect(rules.map((r) => r.SecurityGroupRuleId)).toEqual(['sgr-0bbbbbbbbbbbbbbb2', 'sgr-0ccccccccccccccc3', 'sgr-0eeeeeeeeeeeeeee9']);
    const [m] = messages();
    expect(m?.result.remediation).toMatchObject({
      outcome: 'APPLIED', verified: true, after: [],
      revoked: [{ securityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', protocol: 'tcp', ports: '22', source: '0.0.0.0/0', description: 'temp debug', restore: expect.any(String) }],
    });
    expect(m?.email).toContain(`undo: aws ec2 authorize-security-group-ingress --group-id ${GROUP} --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"temp debug"}]}]'`);
  });

  test('a racing duplicate already revoked the rule (InvalidSecurityGroupRuleId.NotFound): verified, not a failure', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(() => {
      rules = rules.filter((r) => r.SecurityGroupRuleId !== 'sgr-0aaaaaaaaaaaaaaa1');
      throw ec2Error('InvalidSecurityGroupRuleId.NotFound', 400, "The security group rule ID 'sgr-0aaaaaaaaaaaaaaa1' does not exist");
    });
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'enforce' } }), evaluateSecurityGroupTarget);
    expect(messages()[0]?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: true });
    expect(metrics.named('RemediationFailures')).toEqual([]);
  });

  test('one id of a batch gone in between: EC2 rejects the whole batch, the rest is revoked by itself, the report says exactly what is gone', async () => {
    rules.push({ SecurityGroupRuleId: 'sgr-0fffffffffffffff5', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIpv4: '0.0.0.0/0' });
    let calls = 0;
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake((input: { SecurityGroupRuleIds: string[] }) => {
      calls += 1;
      if (calls === 1) {
        // a human removed the SSH rule a moment before: EC2 refuses the batch and revokes nothing
        rules = rules.filter((r) => r.SecurityGroupRuleId !== 'sgr-0aaaaaaaaaaaaaaa1');
        throw ec2Error('InvalidSecurityGroupRuleId.NotFound', 400, "The security group rule ID 'sgr-0aaaaaaaaaaaaaaa1' does not exist");
      }
      rules = rules.filter((r) => !input.SecurityGroupRuleIds.includes(r.SecurityGroupRuleId!));
      return { ...META, Return: true };
    });
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'enforce' } }), evaluateSecurityGroupTarget);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input.SecurityGroupRuleIds?.slice().sort())).toEqual([
      ['sgr-0aaaaaaaaaaaaaaa1', 'sgr-0fffffffffffffff5'], ['sgr-0fffffffffffffff5'],
    ]);
    expect(rules.map((r) => r.SecurityGroupRuleId)).not.toContain('sgr-0fffffffffffffff5');
    expect(messages()[0]?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: true, detail: 'revoked sgr-0aaaaaaaaaaaaaaa1, sgr-0fffffffffffffff5 (read back: gone)' });
  });

  test('a batch EC2 keeps refusing: only what reads back as gone is reported revoked; the rest is named still present, FAILED if nothing went', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error('InvalidSecurityGroupRuleId.NotFound', 400, "The security group rule ID 'sgr-0zzzzzzzzzzzzzzzz' does not exist"));
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'enforce' } }), evaluateSecurityGroupTarget);
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 2);
    expect(messages()[0]?.result.remediation).toMatchObject({
      outcome: 'FAILED', verified: false, revoked: [], stillPresent: ['sgr-0aaaaaaaaaaaaaaa1'],
      detail: 'nothing was revoked: sgr-0aaaaaaaaaaaaaaa1 still present (after 2 attempts)',
    });
    expect(metrics.named('RemediationFailures')).toHaveLength(1);
  });

  test('the guard\'s own event finds a rule a human re-opened in between: it revokes it and says so (never quiet about an action)', async () => {
    const d = deps({ remediation: { securityGroupIngress: 'enforce' } }, { ownRoleName: 'GuardSgRole' });
    await run('ec2-authorize-ingress-sdk.json', d, evaluateSecurityGroupTarget);
    // re-opened by a human before the guard's own revoke event arrives
    rules.push({ SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaab2', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' });
    await run('ec2-revoke-ingress-rule-ids.json', d, evaluateSecurityGroupTarget, (e) => {
      e.detail.userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/GuardSgRole/ExposureGuard-SecurityGroupEvaluator' };
    });
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 2);
    const sent = messages();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.result.remediation).toMatchObject({ outcome: 'APPLIED', detail: 'revoked sgr-0aaaaaaaaaaaaaab2 (read back: gone)' });
  });

  test('enforce, Revoke fails (UnauthorizedOperation): FAILED with the error, the exposure still CRITICAL', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'enforce' } }), evaluateSecurityGroupTarget);
    const [m] = messages();
    expect(m?.subject).toMatch(/^\[CRITICAL\]/);
    expect(m?.result.remediation).toMatchObject({ outcome: 'FAILED', error: { name: 'UnauthorizedOperation' } });
    expect(metrics.named('RemediationFailures')).toHaveLength(1);
  });

  test('a world-open rule that could not be revoked (no rule id) stays in "after" and the email says so', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ ...META, SecurityGroups: [{
      GroupId: GROUP, GroupName: 'web', IpPermissionsEgress: [],
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }] });
    // DescribeSecurityGroupRules (read a moment apart) shows only the SSH rule
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input: { Filters?: { Name: string }[] }) => ({ ...META, SecurityGroupRules:
      input.Filters?.some((f) => f.Name === 'security-group-rule-id') ? [] : [
        { SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }] }));
    await run('ec2-authorize-ingress-sdk.json', deps({ remediation: { securityGroupIngress: 'enforce' } }), evaluateSecurityGroupTarget);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-0aaaaaaaaaaaaaaa1'] });
    const [m] = messages();
    expect(m?.result.remediation).toMatchObject({ outcome: 'APPLIED', verified: true, after: [expect.objectContaining({ checkId: 'SG_OPEN_HIGH_RISK_PORT', severity: 'CRITICAL' })] });
    expect(m?.email).toContain('NOT revoked (still open; close by hand):');
    expect(m?.email).toContain('(no rule id): tcp 3389 from 0.0.0.0/0');
    expect(m?.email).not.toContain('Now: no findings.');
  });

  test('the guard\'s own RevokeSecurityGroupIngress event and a duplicate delivery: one revoke, one message', async () => {
    const d = deps({ remediation: { securityGroupIngress: 'enforce' } }, { ownRoleName: 'GuardSgRole' });
    await run('ec2-authorize-ingress-sdk.json', d, evaluateSecurityGroupTarget);
    await run('ec2-authorize-ingress-sdk.json', d, evaluateSecurityGroupTarget);
    await run('ec2-revoke-ingress-rule-ids.json', d, evaluateSecurityGroupTarget, (e) => {
      e.detail.userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/GuardSgRole/ExposureGuard-SecurityGroupEvaluator' };
    });
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    expect(messages()).toHaveLength(1);
  });
});
