import { securityGroupConsoleLink } from '../remediation/fix-commands';
import { markUnknown, type Context } from './context';
import { evidenceRule } from './evidence';
import { revokeRulesFix } from './fix';
import type { Direction, FlatRule } from './rules';

/** EC2.2: a VPC's default group should carry no rule at all, including its own self-reference. */
export function checkDefaultGroup(ctx: Context, rules: readonly FlatRule[], read: Record<Direction, boolean>): void {
  const { snapshot } = ctx;
  if (snapshot.GroupName === undefined) {
    markUnknown(ctx, 'GroupName', 'without the group name a VPC default group cannot be told apart');
    return;
  }
  if (snapshot.GroupName !== 'default') return;
  if (!read.egress) markUnknown(ctx, 'IpPermissionsEgress', 'outbound rules were not read');
  if (rules.length === 0) return;
  const inbound = rules.filter((r) => r.direction === 'ingress').length;
  const outbound = rules.length - inbound;
  ctx.findings.push({
    checkId: 'SG_DEFAULT_HAS_RULES',
    severity: 'MEDIUM',
    title: `Default security group ${snapshot.GroupId}${snapshot.VpcId ? ` of ${snapshot.VpcId}` : ''} has rules (${inbound} inbound, ${outbound} outbound)`,
    evidence: {
      groupId: snapshot.GroupId,
      groupName: snapshot.GroupName,
      ...(snapshot.VpcId !== undefined ? { vpcId: snapshot.VpcId } : {}),
      rules: rules.map((r) => evidenceRule(r)),
      reason: 'a VPC default security group should have no rules: resources launched without a group get it silently',
      consoleLink: securityGroupConsoleLink(snapshot.GroupId, snapshot.region),
    },
    controls: ['EC2.2'],
    fix: revokeRulesFix(snapshot.GroupId, rules, snapshot.region),
    latent: false,
  });
}
