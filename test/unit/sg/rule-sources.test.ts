/** IpPermissions and DescribeSecurityGroupRules describe the same rules; when they disagree the union is judged. */
import { resolveSettings } from '../../../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../../../lambda/core/sg/evaluator';
import type { SecurityGroupSnapshot } from '../../../lambda/core/model/types';

const base = (): SecurityGroupSnapshot => ({
  GroupId: 'sg-0a1b2c3d4e5f60718', GroupName: 'web', networkInterfaces: [{ NetworkInterfaceId: 'eni-1', PublicIp: '203.0.113.9' }],
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], IpPermissionsEgress: [],
});

test('the reads agree: the rule ids come from DescribeSecurityGroupRules', () => {
  const s = { ...base(), rules: [{ SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }] };
  const [f] = evaluateSecurityGroup(s, resolveSettings()).findings;
  expect(f?.fix).toContain('--security-group-rule-ids sgr-0aaaaaaaaaaaaaaa1');
});

test('a source only IpPermissions shows (rules read a moment apart) is still judged', () => {
  const s = { ...base(), rules: [{ SecurityGroupRuleId: 'sgr-0ccccccccccccccc3', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' }] };
  expect(evaluateSecurityGroup(s, resolveSettings()).findings.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
});

test('a rule only DescribeSecurityGroupRules shows is still judged', () => {
  const s = { ...base(), IpPermissions: [], rules: [{ SecurityGroupRuleId: 'sgr-0ddddddddddddddd4', IsEgress: false, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }] };
  expect(evaluateSecurityGroup(s, resolveSettings()).findings.map((f) => f.checkId)).toEqual(['SG_OPEN_ALL_TRAFFIC']);
});
