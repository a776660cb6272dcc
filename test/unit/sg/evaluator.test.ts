/**
 * `evaluateSecurityGroup` against the README and reference/aws-exposure-semantics.md §B: what counts
 * as the internet (broad public ranges, rules that together cover the address space), protocols by
 * name or number, port ranges, prefix lists, default groups, and effective severity from the
 * network interfaces that use the group.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCidr, type Cidr } from '../../../lambda/core/model/cidr';
import { isPrivateBlock } from '../../../lambda/core/sg/open-spans';
import { evaluateSecurityGroup, type SgEvidenceRule } from '../../../lambda/core/sg/evaluator';
import { DEFAULT_SETTINGS, EC2_19_HIGH_RISK_PORTS, type GuardSettings } from '../../../lambda/core/model/settings';
import type { CheckId, EvaluationResult, Finding, FindingOf, SecurityGroupSnapshot, SgAttachment, SgIpPermission, SgRule } from '../../../lambda/core/model/types';

const GROUP = 'sg-0a1b2c3d4e5f60718';
const PUBLIC_ENI: SgAttachment = { NetworkInterfaceId: 'eni-0c3d4e5f6a7b8c9d0', PublicIp: '34.245.10.20', InstanceId: 'i-0a1b2c3d4e5f60718' };

function group(perms: SgIpPermission[], extra: Partial<SecurityGroupSnapshot> = {}): SecurityGroupSnapshot {
  return {
    GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-0a1b2c3d4e5f60718', region: 'eu-west-1', account: '123456789012',
    IpPermissions: perms, IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    networkInterfaces: [PUBLIC_ENI], ...extra,
  };
}

const v4 = (IpProtocol: string, from: number | undefined, to: number | undefined, ...cidrs: string[]): SgIpPermission => ({
  IpProtocol, ...(from !== undefined ? { FromPort: from } : {}), ...(to !== undefined ? { ToPort: to } : {}),
  IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
});
const v6 = (IpProtocol: string, from: number | undefined, to: number | undefined, ...cidrs: string[]): SgIpPermission => ({
  IpProtocol, ...(from !== undefined ? { FromPort: from } : {}), ...(to !== undefined ? { ToPort: to } : {}),
  Ipv6Ranges: cidrs.map((CidrIpv6) => ({ CidrIpv6 })),
});
const tcp = (port: number, ...cidrs: string[]) => v4('tcp', port, port, ...cidrs);

const evaluate = (s: SecurityGroupSnapshot, settings: GuardSettings = DEFAULT_SETTINGS) => evaluateSecurityGroup(s, settings);
/** `CHECK:SEVERITY` per finding, sorted: what the tables compare. */
const summary = (r: EvaluationResult) => r.findings.map((f) => `${f.checkId}:${f.severity}`).sort();
const only = <C extends CheckId>(r: EvaluationResult, checkId: C): FindingOf<C> => {
  const found = r.findings.filter((f): f is FindingOf<C> => f.checkId === checkId);
  expect(found).toHaveLength(1);
  return found[0]!;
};
type ExposureCheck = 'SG_OPEN_ALL_TRAFFIC' | 'SG_OPEN_HIGH_RISK_PORT' | 'SG_OPEN_UNAUTHORIZED_PORT';
const rulesOf = (f: Finding): SgEvidenceRule[] => ('rules' in f.evidence ? f.evidence.rules : []);
const exposedOf = (f: FindingOf<ExposureCheck>) => f.evidence.exposedPorts;

/** The /8 blocks of IPv4, as CIDR strings: 256 rules that are the internet only together. */
const slash8s = (from = 0, to = 255) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}.0.0.0/8`);

const HR = 'SG_OPEN_HIGH_RISK_PORT:CRITICAL';
const ALL = 'SG_OPEN_ALL_TRAFFIC:CRITICAL';
const UNAUTH = 'SG_OPEN_UNAUTHORIZED_PORT:HIGH';
const LOW = 'SG_OPEN_UNAUTHORIZED_PORT:LOW';

describe('every EC2.19 port open to 0.0.0.0/0 is high risk', () => {
  test.each(EC2_19_HIGH_RISK_PORTS.map((p) => [p]))('tcp %i', (port) => {
    const r = evaluate(group([tcp(port, '0.0.0.0/0')]));
    expect(summary(r)).toEqual([HR]);
    const f = only(r, 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.controls).toContain('EC2.19');
    expect(exposedOf(f)).toEqual([expect.objectContaining({ protocol: 'tcp', ports: String(port) })]);
    expect(f.title).toMatch(new RegExp(`\\(${port}\\) from the internet$|port ${port} from the internet$`));
  });
});

describe('protocols, port ranges and sources', () => {
  test.each<[string, SgIpPermission[], string[]]>([
    ['tcp 0-65535 from 0.0.0.0/0', [v4('tcp', 0, 65535, '0.0.0.0/0')], [ALL]],
    ['udp 0-65535 from 0.0.0.0/0', [v4('udp', 0, 65535, '0.0.0.0/0')], [ALL]],
    ['-1 with no ports', [v4('-1', undefined, undefined, '0.0.0.0/0')], [ALL]],
    ['-1 with FromPort/ToPort 22 (ignored: -1 is every port)', [v4('-1', 22, 22, '0.0.0.0/0')], [ALL]],
    ['tcp with ports -1 means every port', [v4('tcp', -1, -1, '0.0.0.0/0')], [ALL]],
    ['tcp 1-65535 (port 0 is unusable: still every port)', [v4('tcp', 1, 65535, '0.0.0.0/0')], [ALL]],
    ['tcp 0-32767 + 32768-65535: every port, split in two', [v4('tcp', 0, 32767, '0.0.0.0/0'), v4('tcp', 32768, 65535, '0.0.0.0/0')], [ALL]],
    ['tcp by number (6) on 22', [v4('6', 22, 22, '0.0.0.0/0')], [HR]],
    ['tcp 20-30 contains 20, 21, 22, 23, 25 and unauthorized 24, 26-30', [v4('tcp', 20, 30, '0.0.0.0/0')], [HR, UNAUTH]],
    ['tcp 80-443 contains 110, 135, 143', [v4('tcp', 80, 443, '0.0.0.0/0')], [HR, UNAUTH]],
    ['udp 53', [v4('udp', 53, 53, '0.0.0.0/0')], [UNAUTH]],
    ['udp by number (17) on 53', [v4('17', 53, 53, '0.0.0.0/0')], [UNAUTH]],
    ['udp 3389 (EC2.53 counts UDP for 22/3389; rated High)', [v4('udp', 3389, 3389, '0.0.0.0/0')], ['SG_OPEN_HIGH_RISK_PORT:HIGH']],
    ['udp 21 (EC2.19 is TCP-only: unauthorized)', [v4('udp', 21, 21, '0.0.0.0/0')], [UNAUTH]],
    ['udp 443 (UDP has no allowed ports by default)', [v4('udp', 443, 443, '0.0.0.0/0')], [UNAUTH]],
    ['tcp 8443', [tcp(8443, '0.0.0.0/0')], [UNAUTH]],
    ['icmp all types', [v4('icmp', -1, -1, '0.0.0.0/0')], [LOW]],
    ['icmp by number (1), echo request', [v4('1', 8, 0, '0.0.0.0/0')], [LOW]],
    ['icmpv6 from ::/0', [v6('icmpv6', -1, -1, '::/0')], [LOW]],
    ['icmpv6 by number (58)', [v6('58', -1, -1, '::/0')], [LOW]],
    ['GRE (47)', [v4('47', undefined, undefined, '0.0.0.0/0')], [LOW]],
    ['ESP (50)', [v4('50', -1, -1, '0.0.0.0/0')], [LOW]],
    ['public 443', [tcp(443, '0.0.0.0/0')], []],
    ['public 80', [tcp(80, '0.0.0.0/0')], []],
    ['public 443 on IPv6', [v6('tcp', 443, 443, '::/0')], []],
    ['public 80 and 443 in one range-less pair of rules', [tcp(80, '0.0.0.0/0'), tcp(443, '0.0.0.0/0', '10.0.0.0/8')], []],
    ['::/0 on 22', [v6('tcp', 22, 22, '::/0')], [HR]],
    ['a broad public IPv6 range (2000::/3) on 22', [v6('tcp', 22, 22, '2000::/3')], [HR]],
    ['a public IPv6 /31 on 22 (broader than /32)', [v6('tcp', 22, 22, '2a05:d018::/31')], [HR]],
    ['a public IPv6 /32 on 22 (an allow-list)', [v6('tcp', 22, 22, '2a05:d018::/32')], []],
    ['IPv6 unique-local fd00::/8 on 22', [v6('tcp', 22, 22, 'fd00::/8')], []],
    ['IPv6 ::/0 on all traffic', [v6('-1', undefined, undefined, '::/0')], [ALL]],
    ['0.0.0.0/1 + 128.0.0.0/1 on all traffic', [v4('-1', undefined, undefined, '0.0.0.0/1', '128.0.0.0/1')], [ALL]],
    ['0.0.0.0/1 + 128.0.0.0/1 on 22, as two permissions', [tcp(22, '0.0.0.0/1'), tcp(22, '128.0.0.0/1')], [HR]],
    ['a single 0.0.0.0/1 on 22 (broader than /8)', [tcp(22, '0.0.0.0/1')], [HR]],
    ['a single 128.0.0.0/1 on 3389', [tcp(3389, '128.0.0.0/1')], [HR]],
    ['a public /7 (12.0.0.0/7) on 22', [tcp(22, '12.0.0.0/7')], [HR]],
    ['10.0.0.0/7 reaches past RFC1918 into 11/8: public', [tcp(22, '10.0.0.0/7')], [HR]],
    ['a public /8 (8.0.0.0/8) is not broader than /8', [tcp(22, '8.0.0.0/8')], []],
    ['RFC1918 10.0.0.0/8', [tcp(22, '10.0.0.0/8')], []],
    ['RFC1918 172.16.0.0/12', [tcp(22, '172.16.0.0/12')], []],
    ['RFC1918 192.168.0.0/16', [v4('-1', undefined, undefined, '192.168.0.0/16')], []],
    ['a narrow public /16', [tcp(22, '52.94.0.0/16')], []],
    ['a single public /32', [tcp(3389, '198.51.100.7/32')], []],
    ['all 256 /8s on 22: together the whole internet', [tcp(22, ...slash8s())], [HR]],
    ['255 of the 256 /8s on 22: not the internet', [tcp(22, ...slash8s(0, 254))], []],
    ['all 256 /8s on all traffic, across two permissions', [v4('-1', undefined, undefined, ...slash8s(0, 127)), v4('-1', undefined, undefined, ...slash8s(128, 255))], [ALL]],
    ['a security-group reference on 22', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-0b2c3d4e5f6a7b8c9', UserId: '123456789012' }] }], []],
    ['a security-group reference on all traffic', [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: GROUP }] }], []],
  ])('%s', (_name, perms, expected) => {
    const r = evaluate(group(perms));
    expect(summary(r)).toEqual(expected);
    expect(r.status).toBe(expected.length > 0 ? 'NON_COMPLIANT' : 'COMPLIANT');
  });

  test('tcp 20-30 splits into the high-risk ports and the rest, naming the same rule', () => {
    const r = evaluate(group([v4('tcp', 20, 30, '0.0.0.0/0')]));
    const hr = only(r, 'SG_OPEN_HIGH_RISK_PORT');
    expect(exposedOf(hr).map((p) => p.ports)).toEqual(['20', '21', '22', '23', '25']);
    expect(hr.controls).toEqual(['EC2.13', 'EC2.19', 'EC2.53']);
    const un = only(r, 'SG_OPEN_UNAUTHORIZED_PORT');
    expect(exposedOf(un).map((p) => p.ports)).toEqual(['24', '26-30']);
    expect(rulesOf(un)).toEqual([expect.objectContaining({ ports: '20-30', fromPort: 20, toPort: 30, source: '0.0.0.0/0' })]);
  });

  test('0-65535 is all traffic, not also a list of high-risk ports', () => {
    const r = evaluate(group([v4('tcp', 0, 65535, '0.0.0.0/0')]));
    const f = only(r, 'SG_OPEN_ALL_TRAFFIC');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows all TCP ports from the internet`);
    expect(f.controls).toEqual(['EC2.19', 'EC2.53']);
  });

  test('-1 from ::/0 is all traffic on IPv6 (EC2.54, not EC2.53)', () => {
    const f = only(evaluate(group([v6('-1', undefined, undefined, '::/0')])), 'SG_OPEN_ALL_TRAFFIC');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows all traffic from the internet`);
    expect(f.controls).toEqual(['EC2.19', 'EC2.54']);
    expect(f.evidence.ipFamilies).toEqual(['IPv6']);
  });

  test('ICMP is a LOW finding that names the protocol', () => {
    const f = only(evaluate(group([v4('icmp', -1, -1, '0.0.0.0/0')])), 'SG_OPEN_UNAUTHORIZED_PORT');
    expect(f.severity).toBe('LOW');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows ICMP from the internet`);
    expect(f.evidence.protocols).toEqual(['ICMP']);
    expect(rulesOf(f)).toEqual([expect.objectContaining({ protocol: 'icmp', ports: 'all types' })]);
  });

  test('GRE is named by number and name', () => {
    const f = only(evaluate(group([v4('47', undefined, undefined, '0.0.0.0/0')])), 'SG_OPEN_UNAUTHORIZED_PORT');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows protocol 47 (GRE) from the internet`);
  });

  test('udp 3389 is high risk under EC2.53 only (EC2.14/EC2.19 are TCP-only), HIGH as EC2.53 rates it, titled as UDP', () => {
    const f = only(evaluate(group([v4('udp', 3389, 3389, '0.0.0.0/0')])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows RDP (UDP 3389) from the internet`);
    expect(f.controls).toEqual(['EC2.53']);
    expect(f.severity).toBe('HIGH');
  });

  test('udp 22 over IPv6 is EC2.54 only', () => {
    const f = only(evaluate(group([v6('udp', 22, 22, '::/0')])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.controls).toEqual(['EC2.54']);
    expect(f.severity).toBe('HIGH');
  });

  test('udp 21 (on the TCP-only EC2.19 list) is an unauthorized port, HIGH, not CRITICAL', () => {
    const r = evaluate(group([v4('udp', 21, 21, '0.0.0.0/0')]));
    expect(r.findings.map((f) => f.checkId)).toEqual(['SG_OPEN_UNAUTHORIZED_PORT']);
    expect(r.findings[0]?.severity).toBe('HIGH');
    expect(r.findings[0]?.controls).toEqual(['EC2.18']);
  });

  test('tcp 3389 and udp 3389 together: CRITICAL, with the TCP controls and EC2.53', () => {
    const f = only(evaluate(group([v4('tcp', 3389, 3389, '0.0.0.0/0'), v4('udp', 3389, 3389, '0.0.0.0/0')])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.severity).toBe('CRITICAL');
    expect(f.controls).toEqual(['EC2.14', 'EC2.19', 'EC2.53']);
  });

  test('every UDP port open: all traffic, CRITICAL, EC2.18 and EC2.53 (EC2.19 is TCP-only)', () => {
    const f = only(evaluate(group([v4('udp', 0, 65535, '0.0.0.0/0')])), 'SG_OPEN_ALL_TRAFFIC');
    expect(f.controls).toEqual(['EC2.18', 'EC2.53']);
  });

  test('udp 53 is unauthorized (EC2.18) and says UDP', () => {
    const f = only(evaluate(group([v4('udp', 53, 53, '0.0.0.0/0')])), 'SG_OPEN_UNAUTHORIZED_PORT');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows UDP 53 from the internet`);
    expect(f.controls).toEqual(['EC2.18']);
  });

  test('two /1s on -1: both rules named, each with why', () => {
    const f = only(evaluate(group([v4('-1', undefined, undefined, '0.0.0.0/1', '128.0.0.0/1')])), 'SG_OPEN_ALL_TRAFFIC');
    expect(rulesOf(f).map((x) => x.source)).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(rulesOf(f)[0]?.internet).toBe('0.0.0.0/1 is a public range broader than /8');
  });

  test('256 /8s: the 255 public ones are named (each is needed), the private 10/8 is not; the reason says they cover together', () => {
    const f = only(evaluate(group([tcp(22, ...slash8s())])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f)).toHaveLength(255);
    expect(rulesOf(f).map((x) => x.source)).not.toContain('10.0.0.0/8');
    expect(rulesOf(f)[0]?.internet).toMatch(/with 254 other rule\(s\) here, covers every public IPv4 address/);
  });

  test('private ranges are never the internet, not even as the piece that completes a union', () => {
    // the reviewer's case: public blocks covering everything but 10/8, plus the VPC's own 10/8
    const publicBlocks = ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'];
    const f = only(evaluate(group([tcp(22, ...publicBlocks, '10.0.0.0/8')])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f).map((x) => x.source).sort()).toEqual([...publicBlocks].sort());
  });

  test('a redundant private rule is not named when the public ones already cover', () => {
    const f = only(evaluate(group([tcp(22, ...slash8s(), '10.1.0.0/16')])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f).map((x) => x.source)).not.toContain('10.1.0.0/16');
    expect(rulesOf(f)).toHaveLength(255);
  });

  test('union per port: ports reached by both halves are open, ports reached by one are not', () => {
    const r = evaluate(group([v4('tcp', 0, 100, ...slash8s(0, 127)), v4('tcp', 20, 25, ...slash8s(128, 255))]));
    expect(summary(r)).toEqual([HR, UNAUTH]);
    expect(exposedOf(only(r, 'SG_OPEN_HIGH_RISK_PORT')).map((p) => p.ports)).toEqual(['20', '21', '22', '23', '25']);
    expect(exposedOf(only(r, 'SG_OPEN_UNAUTHORIZED_PORT')).map((p) => p.ports)).toEqual(['24']);
  });

  test('overlapping ranges from two /1s: each is broad alone, spans split where the rule set changes', () => {
    const r = evaluate(group([v4('tcp', 20000, 21000, '0.0.0.0/1'), v4('tcp', 20500, 21500, '128.0.0.0/1')]));
    expect(exposedOf(only(r, 'SG_OPEN_UNAUTHORIZED_PORT')).map((p) => p.ports)).toEqual(['20000-20499', '20500-21000', '21001-21500']);
  });
});

describe('one source at a time', () => {
  const mixed: SgIpPermission = {
    IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temp debug' }, { CidrIp: '10.0.0.0/8', Description: 'vpn' }],
  };
  const rules: SgRule[] = [
    { SecurityGroupRuleId: 'sgr-0f1e2d3c4b5a69788', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', Description: 'temp debug' },
    { SecurityGroupRuleId: 'sgr-0a9b8c7d6e5f40312', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8', Description: 'vpn' },
  ];

  test('a permission with a world-open and a private CIDR reports only the world-open one, by its own sgr- id', () => {
    const f = only(evaluate(group([mixed], { rules })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows SSH (22) from the internet`);
    expect(rulesOf(f)).toEqual([{
      securityGroupRuleId: 'sgr-0f1e2d3c4b5a69788', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22,
      source: '0.0.0.0/0', sourceType: 'cidr', description: 'temp debug', ports: '22', internet: '0.0.0.0/0 is every IPv4 address',
    }]);
    expect(f.fix).toBe(`aws ec2 revoke-security-group-ingress --group-id ${GROUP} --security-group-rule-ids sgr-0f1e2d3c4b5a69788 --region eu-west-1`);
    expect(f.evidence.ruleIds).toBeUndefined();
  });

  test('rules alone (no IpPermissions) are judged the same', () => {
    const f = only(evaluate(group([], { IpPermissions: undefined, IpPermissionsEgress: undefined, rules })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f).map((x) => x.securityGroupRuleId)).toEqual(['sgr-0f1e2d3c4b5a69788']);
  });

  test('a rule spelt differently in the two reads (6 vs tcp) still gets its id', () => {
    const f = only(evaluate(group([{ ...mixed, IpProtocol: '6' }], { rules })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f).map((x) => x.securityGroupRuleId)).toEqual(['sgr-0f1e2d3c4b5a69788']);
  });

  test('a rule only DescribeSecurityGroupRules shows (a later read) is judged too', () => {
    const later: SgRule = { SecurityGroupRuleId: 'sgr-0333333333333333a', GroupId: GROUP, IsEgress: false, IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIpv6: '::/0' };
    const f = only(evaluate(group([mixed], { rules: [...rules, later] })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f).map((x) => x.securityGroupRuleId)).toEqual(['sgr-0f1e2d3c4b5a69788', 'sgr-0333333333333333a']);
    expect(f.controls).toEqual(['EC2.13', 'EC2.14', 'EC2.19', 'EC2.53', 'EC2.54']);
  });

  test('without DescribeSecurityGroupRules the id is unknown: evidence says so, the fix revokes by value', () => {
    const f = only(evaluate(group([mixed])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(rulesOf(f)[0]?.securityGroupRuleId).toBeUndefined();
    expect(f.evidence.ruleIds).toMatch(/SecurityGroupRuleId unknown/);
    expect(f.fix).toBe(
      `aws ec2 revoke-security-group-ingress --group-id ${GROUP} --ip-permissions `
      + `'[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]' --region eu-west-1`,
    );
  });

  test('IPv6 and -1 by value', () => {
    const f = only(evaluate(group([v6('-1', undefined, undefined, '::/0')], { region: undefined })), 'SG_OPEN_ALL_TRAFFIC');
    expect(f.fix).toBe(`aws ec2 revoke-security-group-ingress --group-id ${GROUP} --ip-permissions '[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`);
  });

  test('all traffic names the -1 rule, not the allowed 443 rule beside it; 22 beside it is high risk on its own', () => {
    const r = evaluate(group([v4('-1', undefined, undefined, '0.0.0.0/0'), tcp(443, '0.0.0.0/0'), tcp(22, '0.0.0.0/0')]));
    expect(summary(r)).toEqual([ALL, HR]);
    expect(rulesOf(only(r, 'SG_OPEN_ALL_TRAFFIC')).map((x) => x.protocol)).toEqual(['-1']);
    expect(rulesOf(only(r, 'SG_OPEN_HIGH_RISK_PORT')).map((x) => x.ports)).toEqual(['22']);
  });

  test('every port split over ranges: the ranges are all traffic, the 443 rule is left alone', () => {
    const r = evaluate(group([v4('tcp', 0, 442, '0.0.0.0/0'), tcp(443, '0.0.0.0/0'), v4('tcp', 444, 65535, '0.0.0.0/0')]));
    expect(summary(r)).toEqual([ALL]);
    expect(rulesOf(only(r, 'SG_OPEN_ALL_TRAFFIC')).map((x) => x.ports)).toEqual(['0-442', '444-65535']);
  });
});

describe('prefix lists', () => {
  const pl = (id: string): SgIpPermission => ({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: id }] });

  test('resolved to 0.0.0.0/0: a finding naming the prefix list and its entry', () => {
    const r = evaluate(group([pl('pl-0b2c3d4e5f6a7b8c9')], { prefixLists: { 'pl-0b2c3d4e5f6a7b8c9': ['0.0.0.0/0', '10.0.0.0/8'] } }));
    expect(summary(r)).toEqual([HR]);
    expect(rulesOf(only(r, 'SG_OPEN_HIGH_RISK_PORT'))).toEqual([expect.objectContaining({
      source: 'pl-0b2c3d4e5f6a7b8c9', sourceType: 'prefix-list', prefixListEntries: ['0.0.0.0/0'],
      internet: 'prefix list pl-0b2c3d4e5f6a7b8c9 contains 0.0.0.0/0 (every IPv4 address)',
    })]);
  });

  test('resolved to private ranges: no finding, COMPLIANT', () => {
    const r = evaluate(group([pl('pl-0a1b2c3d4e5f60718')], { prefixLists: { 'pl-0a1b2c3d4e5f60718': ['10.20.0.0/16', '192.168.10.0/24'] } }));
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('COMPLIANT');
  });

  test.each<[string, Partial<SecurityGroupSnapshot>]>([
    ['no prefixLists at all', {}],
    ['other lists resolved, not this one', { prefixLists: { 'pl-0a1b2c3d4e5f60718': ['10.0.0.0/8'] } }],
    ['a key inherited from Object.prototype is not a resolution', { prefixLists: {} }],
  ])('unresolved (%s): INCOMPLETE, never COMPLIANT', (_name, extra) => {
    const id = _name.startsWith('a key') ? 'constructor' : 'pl-0c4d5e6f7a8b9c0d1';
    const r = evaluate(group([pl(id)], extra));
    // the list guards SSH: if it held 0.0.0.0/0 the rule would be CRITICAL, so the unread list is too
    expect(summary(r)).toEqual(['EVALUATION_INCOMPLETE:CRITICAL']);
    expect(only(r, 'EVALUATION_INCOMPLETE').evidence.unread).toEqual([expect.objectContaining({ field: `prefixList:${id}`, couldHide: 'CRITICAL' })]);
    expect(r.findings[0]?.fix).toContain(`aws ec2 get-managed-prefix-list-entries --prefix-list-id ${id} --region eu-west-1`);
    expect(r.status).toBe('INCOMPLETE');
    expect(r.unknown).toEqual([`prefixList:${id}`]);
    expect(r.unknownReasons?.[`prefixList:${id}`]).toMatch(/not resolved/);
  });

  test('unresolved beside a real finding: NON_COMPLIANT, the prefix list still listed as unknown', () => {
    const r = evaluate(group([pl('pl-0c4d5e6f7a8b9c0d1'), tcp(3389, '0.0.0.0/0')]));
    expect(r.status).toBe('NON_COMPLIANT');
    expect(r.unknown).toEqual(['prefixList:pl-0c4d5e6f7a8b9c0d1']);
  });

  test('what an unresolved list could hide follows the rule that names it: latent group MEDIUM, allowed port LOW', () => {
    const latent = evaluate(group([pl('pl-0c4d5e6f7a8b9c0d1')], { networkInterfaces: [] }));
    expect(summary(latent)).toEqual(['EVALUATION_INCOMPLETE:MEDIUM']);
    const web = evaluate(group([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0c4d5e6f7a8b9c0d1' }] }]));
    expect(summary(web)).toEqual(['EVALUATION_INCOMPLETE:LOW']);
    expect(web.status).toBe('INCOMPLETE');
  });

  test('the reader\'s reason for an unresolved list is kept', () => {
    const r = evaluate(group([pl('pl-0c4d5e6f7a8b9c0d1')], { unreadable: { 'prefixList:pl-0c4d5e6f7a8b9c0d1': 'AccessDenied' } }));
    expect(r.unknownReasons).toEqual({ 'prefixList:pl-0c4d5e6f7a8b9c0d1': 'AccessDenied' });
  });
});

describe('default security groups (EC2.2)', () => {
  test('the self-referencing default rule and the default egress are reported, and revoked in both directions', () => {
    const r = evaluate(group([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: GROUP, UserId: '123456789012' }] }], {
      GroupName: 'default',
      rules: [
        { SecurityGroupRuleId: 'sgr-0d0d0d0d0d0d0d0d1', GroupId: GROUP, IsEgress: false, IpProtocol: '-1', FromPort: -1, ToPort: -1, ReferencedGroupInfo: { GroupId: GROUP, UserId: '123456789012' } },
        { SecurityGroupRuleId: 'sgr-0d0d0d0d0d0d0d0d2', GroupId: GROUP, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' },
      ],
    }));
    expect(summary(r)).toEqual(['SG_DEFAULT_HAS_RULES:MEDIUM']);
    const f = only(r, 'SG_DEFAULT_HAS_RULES');
    expect(f.controls).toEqual(['EC2.2']);
    expect(f.title).toBe(`Default security group ${GROUP} of vpc-0a1b2c3d4e5f60718 has rules (1 inbound, 1 outbound)`);
    expect(rulesOf(f)).toEqual([
      expect.objectContaining({ securityGroupRuleId: 'sgr-0d0d0d0d0d0d0d0d1', direction: 'ingress', source: GROUP, sourceType: 'security-group', ports: 'all' }),
      expect.objectContaining({ securityGroupRuleId: 'sgr-0d0d0d0d0d0d0d0d2', direction: 'egress', source: '0.0.0.0/0', sourceType: 'cidr' }),
    ]);
    expect(f.fix.split('\n')).toEqual([
      `aws ec2 revoke-security-group-ingress --group-id ${GROUP} --security-group-rule-ids sgr-0d0d0d0d0d0d0d0d1 --region eu-west-1`,
      `aws ec2 revoke-security-group-egress --group-id ${GROUP} --security-group-rule-ids sgr-0d0d0d0d0d0d0d0d2 --region eu-west-1`,
    ]);
  });

  test('without rule ids, the self-reference is revoked by value', () => {
    const f = only(evaluate(group([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: GROUP, UserId: '123456789012' }] }], { GroupName: 'default', IpPermissionsEgress: [] })), 'SG_DEFAULT_HAS_RULES');
    expect(f.fix).toBe(`aws ec2 revoke-security-group-ingress --group-id ${GROUP} --ip-permissions '[{"IpProtocol":"-1","UserIdGroupPairs":[{"GroupId":"${GROUP}","UserId":"123456789012"}]}]' --region eu-west-1`);
  });

  test('a default group with no rules: no finding, COMPLIANT', () => {
    const r = evaluate(group([], { GroupName: 'default', IpPermissionsEgress: [] }));
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('COMPLIANT');
  });

  test('a world-open default group gets both the exposure and EC2.2', () => {
    const r = evaluate(group([tcp(22, '0.0.0.0/0')], { GroupName: 'default', IpPermissionsEgress: [] }));
    expect(summary(r)).toEqual(['SG_DEFAULT_HAS_RULES:MEDIUM', HR]);
  });

  test('a group merely containing "default" in its name is not the default group', () => {
    expect(evaluate(group([], { GroupName: 'default-web' })).findings).toEqual([]);
  });

  test('egress of the default group not read: INCOMPLETE', () => {
    const r = evaluate(group([], { GroupName: 'default', IpPermissionsEgress: undefined }));
    expect(r.status).toBe('INCOMPLETE');
    expect(r.unknown).toEqual(['IpPermissionsEgress']);
  });
});

describe('effective severity from the network interfaces that use the group', () => {
  const ssh = [tcp(22, '0.0.0.0/0')];

  test('attached to an interface with a public IP: CRITICAL, the interface named', () => {
    const r = evaluate(group(ssh, { networkInterfaces: [PUBLIC_ENI, { NetworkInterfaceId: 'eni-0d4e5f6a7b8c9d0e1' }] }));
    const f = only(r, 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.severity).toBe('CRITICAL');
    expect(f.latent).toBe(false);
    expect(f.evidence.exposure).toEqual({
      state: 'live',
      reason: '1 of 2 network interface(s) using the group have a public IPv4 or IPv6 address',
      interfaces: [{ networkInterfaceId: 'eni-0c3d4e5f6a7b8c9d0', publicIp: '34.245.10.20', instanceId: 'i-0a1b2c3d4e5f60718' }],
    });
    expect(r.unknown).toEqual([]);
  });

  test('an IPv6 address is public too', () => {
    const f = only(evaluate(group(ssh, { networkInterfaces: [{ NetworkInterfaceId: 'eni-1', Ipv6Addresses: ['2a05:d018::10'] }] })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.severity).toBe('CRITICAL');
  });

  test.each<[string, ExposureCheck, string, SgIpPermission[]]>([
    ['high risk', 'SG_OPEN_HIGH_RISK_PORT', 'MEDIUM', ssh],
    ['all traffic', 'SG_OPEN_ALL_TRAFFIC', 'MEDIUM', [v4('-1', undefined, undefined, '0.0.0.0/0')]],
    ['unauthorized', 'SG_OPEN_UNAUTHORIZED_PORT', 'MEDIUM', [tcp(8443, '0.0.0.0/0')]],
    ['ICMP stays LOW', 'SG_OPEN_UNAUTHORIZED_PORT', 'LOW', [v4('icmp', -1, -1, '0.0.0.0/0')]],
  ])('attached to nothing: latent (%s → %s)', (_name, checkId, severity, perms) => {
    const f = only(evaluate(group(perms, { networkInterfaces: [] })), checkId);
    expect(f.severity).toBe(severity);
    expect(f.latent).toBe(true);
    expect(f.evidence.exposure).toEqual({ state: 'latent', reason: 'attached to no network interface: the next attachment makes it live' });
    expect(f.title).toMatch(/\(latent: not attached\)$/);
  });

  test('detached high risk keeps its full severity on record', () => {
    const f = only(evaluate(group(ssh, { networkInterfaces: [] })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.evidence.severityIfLive).toBe('CRITICAL');
    expect(f.evidence.effectiveSeverity).toBe('MEDIUM');
  });

  test('attached only to private interfaces: latent, and the evidence warns about load balancers and later public IPs', () => {
    const f = only(evaluate(group(ssh, { networkInterfaces: [{ NetworkInterfaceId: 'eni-0d4e5f6a7b8c9d0e1', InstanceId: 'i-0b2c3d4e5f6a7b8c9' }] })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.severity).toBe('MEDIUM');
    expect(f.latent).toBe(true);
    const exposure = f.evidence.exposure as { state: string; reason: string; interfaces: unknown[] };
    expect(exposure.state).toBe('latent');
    expect(exposure.reason).toMatch(/none with a public IPv4 or IPv6 address/);
    expect(exposure.reason).toMatch(/Network Load Balancer/);
    expect(exposure.interfaces).toEqual([{ networkInterfaceId: 'eni-0d4e5f6a7b8c9d0e1', instanceId: 'i-0b2c3d4e5f6a7b8c9' }]);
    expect(f.title).toMatch(/\(latent: no public address\)$/);
  });

  test('attachment not read: full severity, networkInterfaces unknown, evidence says so', () => {
    const r = evaluate(group(ssh, { networkInterfaces: undefined }));
    const f = only(r, 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.severity).toBe('CRITICAL');
    expect(f.latent).toBe(false);
    expect((f.evidence.exposure as { state: string; reason: string })).toEqual({ state: 'unknown', reason: expect.stringMatching(/attachment was not read/) });
    expect(r.unknown).toEqual(['networkInterfaces']);
    expect(r.status).toBe('NON_COMPLIANT');
  });

  test('attachment not read but nothing exposed: COMPLIANT (attachment only weighs exposures)', () => {
    expect(evaluate(group([tcp(443, '0.0.0.0/0')], { networkInterfaces: undefined })).status).toBe('COMPLIANT');
  });

  test('the default-group finding does not depend on attachment', () => {
    const f = only(evaluate(group([], { GroupName: 'default', networkInterfaces: [] })), 'SG_DEFAULT_HAS_RULES');
    expect(f.severity).toBe('MEDIUM');
    expect(f.latent).toBe(false);
  });
});

describe('settings', () => {
  const custom = (s: Partial<GuardSettings>): GuardSettings => ({ ...DEFAULT_SETTINGS, ...s });

  test.each<[string, Partial<GuardSettings>, SgIpPermission[], string[]]>([
    ['allowedPublicPorts [8443]: 8443 is fine', { allowedPublicPorts: [8443] }, [tcp(8443, '0.0.0.0/0')], []],
    ['allowedPublicPorts [8443]: 443 is now unauthorized', { allowedPublicPorts: [8443] }, [tcp(443, '0.0.0.0/0')], [UNAUTH]],
    ['allowedPublicUdpPorts [53]: udp 53 is fine', { allowedPublicUdpPorts: [53] }, [v4('udp', 53, 53, '0.0.0.0/0')], []],
    ['allowedPublicUdpPorts does not allow TCP', { allowedPublicUdpPorts: [53] }, [tcp(53, '0.0.0.0/0')], [UNAUTH]],
    ['highRiskPorts [6379]: 6379 is critical', { highRiskPorts: [6379] }, [tcp(6379, '0.0.0.0/0')], [HR]],
    ['highRiskPorts [6379]: 22 is merely unauthorized', { highRiskPorts: [6379] }, [tcp(22, '0.0.0.0/0')], [UNAUTH]],
    ['highRiskPorts []: nothing is high risk', { highRiskPorts: [] }, [tcp(3389, '0.0.0.0/0')], [UNAUTH]],
    ['a port in both lists: highRiskPorts wins', { allowedPublicPorts: [80, 443, 8080] }, [tcp(8080, '0.0.0.0/0')], [HR]],
  ])('%s', (_name, settings, perms, expected) => {
    expect(summary(evaluate(group(perms), custom(settings)))).toEqual(expected);
  });

  test('a custom high-risk port outside the EC2.19 list maps to EC2.18, not EC2.19', () => {
    const f = only(evaluate(group([tcp(6379, '0.0.0.0/0')]), custom({ highRiskPorts: [6379] })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.controls).toEqual(['EC2.18']);
    expect(f.title).toBe(`Security group ${GROUP} "web" allows Redis (6379) from the internet`);
  });

  test('a port in both lists says why it is still reported', () => {
    const f = only(evaluate(group([tcp(8080, '0.0.0.0/0')]), custom({ allowedPublicPorts: [80, 443, 8080] })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.evidence.note).toMatch(/highRiskPorts wins/);
  });
});

describe('titles stay short', () => {
  test('many high-risk ports are counted, not listed', () => {
    const f = only(evaluate(group([v4('tcp', 0, 10000, '0.0.0.0/0')])), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.title).toBe(`Security group ${GROUP} "web" allows FTP data (20), FTP (21) and 22 more high-risk ports from the internet`);
    expect(exposedOf(f)).toHaveLength(24);
  });

  test('a group without a name is titled by id', () => {
    const f = only(evaluate(group([tcp(22, '0.0.0.0/0')], { GroupName: undefined })), 'SG_OPEN_HIGH_RISK_PORT');
    expect(f.title).toBe(`Security group ${GROUP} allows SSH (22) from the internet`);
  });
});

describe('what could not be read is never COMPLIANT', () => {
  test.each<[string, SecurityGroupSnapshot, string[]]>([
    ['no IpPermissions and no rules', { GroupId: GROUP, GroupName: 'web', networkInterfaces: [] }, ['IpPermissions']],
    ['no GroupName (default group undecidable)', { GroupId: GROUP, IpPermissions: [], IpPermissionsEgress: [] }, ['GroupName']],
    ['an invalid CIDR', group([tcp(22, '0.0.0.0/33')]), ['cidr:0.0.0.0/33']],
    ['a rule without IpProtocol', group([{ FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]), ['ipProtocol:0.0.0.0/0']],
    ['a prefix list entry that is not a CIDR', group([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-1' }] }], { prefixLists: { 'pl-1': ['not-a-cidr'] } }), ['prefixList:pl-1']],
  ])('%s', (_name, snapshot, unknown) => {
    const r = evaluate(snapshot);
    expect(r.status).toBe('INCOMPLETE');
    expect(r.unknown).toEqual(unknown);
  });

  test('resource ref and result shape', () => {
    const r = evaluate(group([]));
    expect(r).toEqual({ resource: { type: 'security-group', id: GROUP, account: '123456789012', region: 'eu-west-1' }, status: 'COMPLIANT', findings: [], unknown: [] });
  });
});

describe('fixtures (DescribeSecurityGroups items as the CLI prints them, plus reader context)', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'snapshots', name), 'utf8')) as SecurityGroupSnapshot;

  test.each<[string, string, string[], string[]]>([
    ['sg-web-mixed-ssh.json', 'NON_COMPLIANT', [HR], ['sgr-0f1e2d3c4b5a69788']],
    ['sg-default-self-reference.json', 'NON_COMPLIANT', ['SG_DEFAULT_HAS_RULES:MEDIUM'], ['sgr-0d0d0d0d0d0d0d0d1', 'sgr-0d0d0d0d0d0d0d0d2']],
    ['sg-split-halves-all-traffic.json', 'NON_COMPLIANT', ['EVALUATION_INCOMPLETE:LOW', ALL], []],
    ['sg-prefix-lists.json', 'NON_COMPLIANT', [HR], []],
  ])('%s', (file, status, expected, ruleIds) => {
    const r = evaluate(fixture(file));
    expect(r.status).toBe(status);
    expect(summary(r)).toEqual(expected);
    const ids = r.findings.flatMap((f) => rulesOf(f).map((x) => x.securityGroupRuleId)).filter(Boolean);
    expect(ids).toEqual(ruleIds);
  });

  test('the split-halves group (attachment unread) says what it could not see', () => {
    expect(evaluate(fixture('sg-split-halves-all-traffic.json')).unknown).toEqual(['networkInterfaces']);
  });
});

describe('properties', () => {
  /** A random partition of the whole IPv4 space into CIDR blocks, each /8 or narrower. */
  const partition = fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }).map((bits) => {
    const blocks: string[] = [];
    let k = 0;
    const split = (start: number, prefix: number): void => {
      // Always split down to /8 (so no block is broad on its own), then split at random to /10.
      if (prefix < 8 || (prefix < 10 && bits[k++ % bits.length])) {
        const half = 2 ** (32 - prefix - 1);
        split(start, prefix + 1);
        split(start + half, prefix + 1);
        return;
      }
      blocks.push(`${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.')}/${prefix}`);
    };
    split(0, 0);
    return blocks;
  });

  test('any partition of the address space, spread over rules in any order, is the internet', () => {
    fc.assert(fc.property(partition, fc.integer({ min: 1, max: 6 }), fc.nat(), (blocks, groups, seed) => {
      const perms = Array.from({ length: groups }, (_, g) => tcp(22, ...blocks.filter((_, i) => (i + seed) % groups === g)));
      expect(summary(evaluate(group(perms)))).toEqual([HR]);
    }), { numRuns: 30 });
  });

  test('the same partition with one public block missing is not the internet', () => {
    fc.assert(fc.property(partition, fc.nat(), (blocks, drop) => {
      const removable = blocks.filter((b) => !isPrivateBlock(parseCidr(b) as Cidr));
      const gone = removable[drop % removable.length];
      const kept = blocks.filter((b) => b !== gone);
      expect(evaluate(group([tcp(22, ...kept)])).findings).toEqual([]);
    }), { numRuns: 30 });
  });

  test('never throws and never says COMPLIANT with something unknown, whatever the permissions', () => {
    const permission = fc.record({
      IpProtocol: fc.oneof(fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', '-1', '6', '17', '1', '58', '47', ''), fc.string()),
      FromPort: fc.option(fc.integer({ min: -2, max: 70000 }), { nil: undefined }),
      ToPort: fc.option(fc.integer({ min: -2, max: 70000 }), { nil: undefined }),
      IpRanges: fc.array(fc.record({ CidrIp: fc.oneof(fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '0.0.0.0/1', '1.2.3.4/32', 'x'), fc.string()) }), { maxLength: 3 }),
      Ipv6Ranges: fc.array(fc.record({ CidrIpv6: fc.constantFrom('::/0', 'fd00::/8', '2000::/3', '::1/128') }), { maxLength: 2 }),
      PrefixListIds: fc.array(fc.record({ PrefixListId: fc.constantFrom('pl-1', 'pl-2') }), { maxLength: 1 }),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(permission, { maxLength: 5 }), fc.boolean(), (perms, attached) => {
      const r = evaluate(group(perms as SgIpPermission[], {
        prefixLists: { 'pl-1': ['0.0.0.0/0'] },
        ...(attached ? {} : { networkInterfaces: undefined }),
      }));
      if (r.unknown.length > 0) {
        expect(r.status).not.toBe('COMPLIANT');
        expect(r.findings.map((f) => f.checkId)).toContain('EVALUATION_INCOMPLETE');
      }
      for (const f of r.findings.filter((x) => x.checkId !== 'EVALUATION_INCOMPLETE')) {
        expect(f.fix).toMatch(/^aws ec2 (revoke-security-group-(ingress|egress)|modify-managed-prefix-list) /);
        expect(rulesOf(f).length).toBeGreaterThan(0);
      }
    }), { numRuns: 300 });
  });
});
