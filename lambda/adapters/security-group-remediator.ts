import { DescribeSecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand, type EC2Client } from '@aws-sdk/client-ec2';

/**
 * Revokes exactly the given rule ids (RevokeSecurityGroupIngress by SecurityGroupRuleIds), then
 * asks EC2 which of them still exist: verified when none does.
 */
export async function revokeIngressRules(ec2: EC2Client, groupId: string, ruleIds: string[]): Promise<{ remaining: string[]; verified: boolean }> {
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }));
  const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'security-group-rule-id', Values: ruleIds }] }));
  const remaining = (out.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId).filter((id): id is string => !!id && ruleIds.includes(id));
  return { remaining, verified: remaining.length === 0 };
}
