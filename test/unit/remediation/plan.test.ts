/** The remediation planner: what each mode would do, exemptions, and what is never revoked. */
import { exemptionFor, exemptionPatternProblem } from '../../../lambda/core/remediation/exemptions';
import { planBlockPublicAccess, planSecurityGroupRevocations, restoreCommand } from '../../../lambda/core/remediation/plan';
import { resolveSettings } from '../../../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../../../lambda/core/sg/evaluator';
import type { SecurityGroupSnapshot } from '../../../lambda/core/model/types';

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

describe('exemptions: exact names/ids or glob patterns', () => {
  test.each([
    [['acme-site'], ['acme-site'], 'acme-site'],
    [['acme-site'], ['acme-*'], 'acme-*'],
    [['acme-site'], ['*-site'], '*-site'],
    [['public.assets.example.com'], ['*.example.com'], '*.example.com'],
    [['acme-logs'], ['acme-site', 'site-*'], undefined],
    [['sg-0123456789abcdef0', 'bastion'], ['bastion'], 'bastion'],
    [['sg-0123456789abcdef0', undefined], ['sg-0123456789abcdef0'], 'sg-0123456789abcdef0'],
    [['acme-site'], [], undefined],
    [['assets-eu'], ['assets-{eu,us}'], 'assets-{eu,us}'],
    [['assets-ap'], ['assets-{eu,us}'], undefined],
    [['log-7'], ['log-[0-9]'], 'log-[0-9]'],
    [['log-x'], ['log-[!0-9]'], 'log-[!0-9]'],
    [['log-7'], ['log-[!0-9]'], undefined],
    [['log-x'], ['log-[^0-9]'], 'log-[^0-9]'],
    [['assets-us'], ['assets-{eu,{us,ca}}'], 'assets-{eu,{us,ca}}'],
    [['db(prod)'], ['*(prod)'], '*(prod)'],
    [['prod'], ['*(prod)'], undefined],
    [['assets-ca'], ['assets-@(eu|ca)'], undefined],
    [['.hidden-bucket'], ['*-bucket'], '*-bucket'],
    [['web/frontend'], ['web*'], 'web*'],
    [['dev-x'], ['!prod-*'], undefined],
    [['dev-x'], ['!(prod-*)'], undefined],
    [['dev-x'], ['{!(prod-*),x}'], undefined],
    [['site.example.com'], ['site?example.com'], 'site?example.com'],
    [['siteXexample.com'], ['site.example.com'], undefined],
    [['a+b'], ['a+b'], 'a+b'],
    [['public-assets-2024'], ['{public-assets-*,www.example.com}'], '{public-assets-*,www.example.com}'],
    [['www.example.com'], ['{public-assets-*,www.example.com}'], '{public-assets-*,www.example.com}'],
    [['wwwXexample.com'], ['{public-assets-*,www.example.com}'], undefined],
  ])('%j against %j → %s', (names, patterns, expected) => {
    expect(exemptionFor(names, patterns)).toBe(expected);
  });
});

describe('Block Public Access plans', () => {
  const plan = (mode: 'off' | 'dry-run' | 'enforce', current: Record<string, boolean> | null | undefined, exemptions: string[] = []) =>
    planBlockPublicAccess({ mode, modeKey: 's3BucketPublicAccess', current, what: 'bucket acme-site', names: ['acme-site'], exemptions, exemptionsKey: 'exemptBuckets' });

  test('off → nothing, whatever the state', () => expect(plan('off', null)).toEqual({ kind: 'none' }));
  test('already all on → nothing (idempotent: a duplicate event does not act twice)', () => expect(plan('enforce', ALL_ON)).toEqual({ kind: 'none' }));
  test('dry-run says exactly what it would do', () => {
    expect(plan('dry-run', { ...ALL_ON, RestrictPublicBuckets: false })).toMatchObject({
      kind: 'act', mode: 'dry-run',
      report: { outcome: 'DRY_RUN', detail: 'dry-run: would turn on RestrictPublicBuckets on bucket acme-site (all four flags set to true); nothing was changed' },
    });
  });
  test('enforce on a missing configuration turns on all four', () => {
    expect(plan('enforce', null)).toMatchObject({ kind: 'act', report: { outcome: 'APPLIED', flagsTurnedOn: ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] } });
  });
  test('exempt → SKIPPED_EXEMPT with the pattern, in dry-run and enforce alike', () => {
    for (const mode of ['dry-run', 'enforce'] as const) {
      expect(plan(mode, null, ['acme-*'])).toMatchObject({ kind: 'skip', report: { outcome: 'SKIPPED_EXEMPT', detail: 'exempt: no action (exemptBuckets pattern "acme-*")' } });
    }
  });
  test('unreadable state → no action (it could not be verified)', () => {
    expect(plan('enforce', undefined)).toMatchObject({ kind: 'skip', report: { outcome: 'SKIPPED_UNKNOWN' } });
  });
});

describe('security-group revocations', () => {
  const group = (permissions: SecurityGroupSnapshot['IpPermissions'], rules: SecurityGroupSnapshot['rules']): SecurityGroupSnapshot => ({
    GroupId: 'sg-0a1b2c3d4e5f60718', GroupName: 'web', region: 'eu-west-1', IpPermissions: permissions, IpPermissionsEgress: [
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], rules, networkInterfaces: [{ NetworkInterfaceId: 'eni-1', PublicIp: '203.0.113.9' }],
  });
  const enforce = resolveSettings({ remediation: { securityGroupIngress: 'enforce' } });
  const sgr = (id: string, protocol: string, from: number, to: number, cidr: string, egress = false, description?: string) => ({
    SecurityGroupRuleId: id, GroupId: 'sg-0a1b2c3d4e5f60718', IsEgress: egress, IpProtocol: protocol, FromPort: from, ToPort: to, CidrIpv4: cidr,
    ...(description ? { Description: description } : {}),
  });

  test('one world-open and one private CIDR in the same permission: only the world-open rule is revoked', () => {
    const s = group(
      [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temp' }, { CidrIp: '10.0.0.0/8', Description: 'vpn' }] }],
      [sgr('sgr-0aaaaaaaaaaaaaaa1', 'tcp', 22, 22, '0.0.0.0/0', false, 'temp'), sgr('sgr-0bbbbbbbbbbbbbbb2', 'tcp', 22, 22, '10.0.0.0/8', false, 'vpn'), sgr('sgr-0eeeeeeeeeeeeeee9', '-1', -1, -1, '0.0.0.0/0', true)],
    );
    const plan = planSecurityGroupRevocations(evaluateSecurityGroup(s, enforce), enforce, { groupId: s.GroupId, groupName: 'web' });
    expect(plan.kind).toBe('act');
    if (plan.kind !== 'act') return;
    expect(plan.action.map((r) => r.rule.securityGroupRuleId)).toEqual(['sgr-0aaaaaaaaaaaaaaa1']);
    expect(plan.report.revoked).toEqual([expect.objectContaining({
      securityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', protocol: 'tcp', ports: '22', source: '0.0.0.0/0', description: 'temp',
      restore: `aws ec2 authorize-security-group-ingress --group-id sg-0a1b2c3d4e5f60718 --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"temp"}]}]' --region eu-west-1`,
    })]);
  });

  test('a public 443 rule beside SSH is never revoked; egress never', () => {
    const s = group(
      [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      [sgr('sgr-0aaaaaaaaaaaaaaa1', 'tcp', 22, 22, '0.0.0.0/0'), sgr('sgr-0ccccccccccccccc3', 'tcp', 443, 443, '0.0.0.0/0'), sgr('sgr-0eeeeeeeeeeeeeee9', '-1', -1, -1, '0.0.0.0/0', true)],
    );
    const plan = planSecurityGroupRevocations(evaluateSecurityGroup(s, enforce), enforce, { groupId: s.GroupId });
    expect(plan.kind === 'act' && plan.action.map((r) => r.rule.securityGroupRuleId)).toEqual(['sgr-0aaaaaaaaaaaaaaa1']);
  });

  test('an all-traffic rule that also opens allowed 443 is left for a human, with the reason', () => {
    const s = group([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], [sgr('sgr-0ddddddddddddddd4', '-1', -1, -1, '0.0.0.0/0'), sgr('sgr-0eeeeeeeeeeeeeee9', '-1', -1, -1, '0.0.0.0/0', true)]);
    const plan = planSecurityGroupRevocations(evaluateSecurityGroup(s, enforce), enforce, { groupId: s.GroupId });
    expect(plan).toMatchObject({ kind: 'skip', report: { outcome: 'SKIPPED_UNSAFE', detail: expect.stringContaining('allowed port(s) 80, 443') } });
  });

  test('an all-traffic rule is revoked when no port is allowed', () => {
    const noAllowed = resolveSettings({ remediation: { securityGroupIngress: 'enforce' }, allowedPublicPorts: [] });
    const s = group([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], [sgr('sgr-0ddddddddddddddd4', '-1', -1, -1, '0.0.0.0/0'), sgr('sgr-0eeeeeeeeeeeeeee9', '-1', -1, -1, '0.0.0.0/0', true)]);
    const plan = planSecurityGroupRevocations(evaluateSecurityGroup(s, noAllowed), noAllowed, { groupId: s.GroupId });
    expect(plan.kind === 'act' && plan.action.map((r) => r.rule.securityGroupRuleId)).toEqual(['sgr-0ddddddddddddddd4']);
    expect(plan.kind === 'act' && plan.report.revoked).toEqual([expect.objectContaining({
      restore: `aws ec2 authorize-security-group-ingress --group-id sg-0a1b2c3d4e5f60718 --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]' --region eu-west-1`,
    })]);
  });

  test('both halves of a split /1 pair are revoked (together they are the internet)', () => {
    const s = group(
      [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }] }],
      [sgr('sgr-0aaaaaaaaaaaaaaa1', 'tcp', 3389, 3389, '0.0.0.0/1'), sgr('sgr-0bbbbbbbbbbbbbbb2', 'tcp', 3389, 3389, '128.0.0.0/1')],
    );
    const plan = planSecurityGroupRevocations(evaluateSecurityGroup(s, enforce), enforce, { groupId: s.GroupId });
    expect(plan.kind === 'act' && plan.action.map((r) => r.rule.securityGroupRuleId).sort()).toEqual(['sgr-0aaaaaaaaaaaaaaa1', 'sgr-0bbbbbbbbbbbbbbb2']);
  });

  test('unauthorized-port findings (e.g. 8443) are reported, not revoked', () => {
    const s = group([{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], [sgr('sgr-0aaaaaaaaaaaaaaa1', 'tcp', 8443, 8443, '0.0.0.0/0')]);
    expect(planSecurityGroupRevocations(evaluateSecurityGroup(s, enforce), enforce, { groupId: s.GroupId })).toEqual({ kind: 'none' });
  });

  test('no rule id (rules unread) → not revoked, with the reason', () => {
    const s = group([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], undefined);
    expect(planSecurityGroupRevocations(evaluateSecurityGroup(s, enforce), enforce, { groupId: s.GroupId })).toMatchObject({
      kind: 'skip', report: { outcome: 'SKIPPED_UNSAFE', detail: expect.stringContaining('rule id could not be read') },
    });
  });

  test('exempt by group name or id', () => {
    const exempt = resolveSettings({ remediation: { securityGroupIngress: 'enforce' }, exemptSecurityGroups: ['bastion-*'] });
    const s = group([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], [sgr('sgr-0aaaaaaaaaaaaaaa1', 'tcp', 22, 22, '0.0.0.0/0')]);
    expect(planSecurityGroupRevocations(evaluateSecurityGroup(s, exempt), exempt, { groupId: s.GroupId, groupName: 'bastion-eu' })).toMatchObject({
      kind: 'skip', report: { outcome: 'SKIPPED_EXEMPT', detail: 'exempt: no action (exemptSecurityGroups pattern "bastion-*")' },
    });
  });

  test('name patterns configured but the name unread → SKIPPED_UNKNOWN, never revoked', () => {
    const byName = resolveSettings({ remediation: { securityGroupIngress: 'enforce' }, exemptSecurityGroups: ['bastion-*'] });
    const s = group([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], [sgr('sgr-0aaaaaaaaaaaaaaa1', 'tcp', 22, 22, '0.0.0.0/0')]);
    expect(planSecurityGroupRevocations(evaluateSecurityGroup(s, byName), byName, { groupId: s.GroupId })).toMatchObject({
      kind: 'skip', report: { outcome: 'SKIPPED_UNKNOWN', detail: expect.stringContaining('name could not be read') },
    });
    // Only id patterns (names cannot start with "sg-"): the unread name cannot matter.
    const byId = resolveSettings({ remediation: { securityGroupIngress: 'enforce' }, exemptSecurityGroups: ['sg-0ffffffffffffffff'] });
    expect(planSecurityGroupRevocations(evaluateSecurityGroup(s, byId), byId, { groupId: s.GroupId }).kind).toBe('act');
  });

  test('restore commands for IPv6 and prefix-list sources', () => {
    expect(restoreCommand('sg-1', { direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, source: '::/0', sourceType: 'cidr', ports: '22' }))
      .toBe(`aws ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`);
    expect(restoreCommand('sg-1', { direction: 'ingress', protocol: 'tcp', fromPort: 3389, toPort: 3389, source: 'pl-0123', sourceType: 'prefix-list', ports: '3389' }))
      .toContain('"PrefixListIds":[{"PrefixListId":"pl-0123"}]');
  });
});

describe('exemption patterns that cannot be matched exactly and quickly are refused', () => {
  test.each([
    ['!prod-*', /leading "!"/],
    ['web-{1..10}', /numeric ranges/],
    ['*-*-*-*-prod', /at most 3 "\*"/],
    ['{z..a}', /numeric ranges/],
    ['[z-a]', /not a valid glob/],
    ['', /must not be empty/],
  ])('%j', (pattern, message) => {
    expect(exemptionPatternProblem(pattern)).toMatch(message);
  });
  test.each(['acme-*', 'sg-0123456789abcdef0', 'log-[!0-9]', '{public-assets-*,www.example.com}', '*(prod)', 'a*b*c'])('%j is accepted', (pattern) => {
    expect(exemptionPatternProblem(pattern)).toBeUndefined();
  });
  test('the function refuses them at init too (a config that did not come through the stack)', () => {
    expect(() => resolveSettings({ exemptSecurityGroups: ['ok', '*-*-*-*'] })).toThrow(/^exemptSecurityGroups\.1: at most 3 "\*"/);
  });
  test('three "*" against the longest group name (255 characters) that does not match stays fast enough to not matter', () => {
    // Not a timing assertion: the bound is structural (at most three "*"); this only exercises it.
    expect(exemptionFor(['a-'.repeat(127) + 'x'], ['*-*-*-prod'])).toBeUndefined();
  });
});
