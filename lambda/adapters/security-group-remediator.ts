import { DescribeSecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { errorName } from './aws-errors';

async function stillPresent(ec2: EC2Client, ruleIds: string[]): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'security-group-rule-id', Values: ruleIds }] }));
  return (out.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId).filter((id): id is string => !!id && ruleIds.includes(id));
}

/**
 * Revokes exactly the given rule ids (RevokeSecurityGroupIngress by SecurityGroupRuleIds), then
 * asks EC2 which of them still exist: verified when none does. EC2 rejects the whole batch when
 * one id is gone (InvalidSecurityGroupRuleId.NotFound: a racing duplicate, a human), revoking none
 * of the others, so the ones still present are revoked again by themselves, once. What is
 * reported is what EC2 reads back, never what was asked.
 */
export async function revokeIngressRules(ec2: EC2Client, groupId: string, ruleIds: string[]): Promise<{ remaining: string[]; verified: boolean; attempts: number }> {
  let pending = ruleIds;
  for (let attempt = 1; ; attempt++) {
    let rejectedWhole = false;
    try {
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: pending }));
    } catch (error) {
      if (errorName(error) !== 'InvalidSecurityGroupRuleId.NotFound') throw error;
      rejectedWhole = true;
    }
    const remaining = await stillPresent(ec2, ruleIds);
    if (!rejectedWhole || remaining.length === 0 || attempt >= 2) return { remaining, verified: remaining.length === 0, attempts: attempt };
    pending = remaining;
  }
}
