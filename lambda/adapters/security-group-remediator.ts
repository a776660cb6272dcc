import { DescribeSecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { errorName } from './aws-errors';

/**
 * Revokes exactly the given rule ids (RevokeSecurityGroupIngress by SecurityGroupRuleIds), then
 * asks EC2 which of them still exist: verified when none does.
 */
export async function revokeIngressRules(ec2: EC2Client, groupId: string, ruleIds: string[]): Promise<{ remaining: string[]; verified: boolean }> {
  try {
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }));
  } catch (error) {
    // A duplicate delivery racing the first one: the rule is already gone. The check below says so.
    if (errorName(error) !== 'InvalidSecurityGroupRuleId.NotFound') throw error;
  }
  const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'security-group-rule-id', Values: ruleIds }] }));
  const remaining = (out.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId).filter((id): id is string => !!id && ruleIds.includes(id));
  return { remaining, verified: remaining.length === 0 };
}
