/**
 * Revoke commands for individual security-group rules. By rule id when it is known; otherwise by
 * value (`--ip-permissions`), which also removes exactly one source: AWS matches the protocol,
 * ports and the one CIDR / prefix list / group given, and leaves the other sources of the same
 * permission in place.
 */
import { parseCidr } from '../model/cidr';
import { revokeEgressCommand, revokeIngressCommand, shellQuote } from '../remediation/fix-commands';
import type { Direction, FlatRule } from './rules';

/** The one source of a rule, as an IpPermission names it (and its description, to restore it as it was). */
type OneRule = Pick<FlatRule, 'protocol' | 'fromPort' | 'toPort' | 'source' | 'sourceType' | 'sourceUserId' | 'description'>;

function sourceOf(rule: OneRule, withDescription: boolean): Record<string, unknown> {
  const described = withDescription && rule.description ? { Description: rule.description } : {};
  switch (rule.sourceType) {
    case 'cidr':
      return parseCidr(rule.source)?.version === 6
        ? { Ipv6Ranges: [{ CidrIpv6: rule.source, ...described }] }
        : { IpRanges: [{ CidrIp: rule.source, ...described }] };
    case 'prefix-list':
      return { PrefixListIds: [{ PrefixListId: rule.source, ...described }] };
    case 'security-group':
      return { UserIdGroupPairs: [{ GroupId: rule.source, ...(rule.sourceUserId ? { UserId: rule.sourceUserId } : {}), ...described }] };
  }
}

/**
 * The IpPermission that names this one rule; -1 takes no ports (AWS ignores them anyway). The one
 * builder for revoking by value and for the undo command of a revoke.
 */
export function ipPermissionOf(rule: OneRule, options: { withDescription?: boolean } = {}): Record<string, unknown> {
  const protocol = rule.protocol ?? '-1';
  const ports = protocol === '-1' ? {} : {
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
  };
  return { IpProtocol: protocol, ...ports, ...sourceOf(rule, options.withDescription === true) };
}

function byValueCommand(direction: Direction, groupId: string, rules: FlatRule[], region?: string): string {
  const verb = direction === 'ingress' ? 'revoke-security-group-ingress' : 'revoke-security-group-egress';
  const r = region ? ` --region ${shellQuote(region)}` : '';
  return `aws ec2 ${verb} --group-id ${shellQuote(groupId)} --ip-permissions ${shellQuote(JSON.stringify(rules.map((rule) => ipPermissionOf(rule))))}${r}`;
}

/** One command per direction and form: by id for rules whose sgr- id is known, by value for the rest. */
export function revokeRulesFix(groupId: string, rules: readonly FlatRule[], region?: string): string {
  const commands: string[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const mine = rules.filter((r) => r.direction === direction);
    const ids = mine.map((r) => r.securityGroupRuleId).filter((id): id is string => id !== undefined);
    const unnamed = mine.filter((r) => r.securityGroupRuleId === undefined);
    if (ids.length > 0) {
      commands.push(direction === 'ingress' ? revokeIngressCommand(groupId, ids, region) : revokeEgressCommand(groupId, ids, region));
    }
    if (unnamed.length > 0) commands.push(byValueCommand(direction, groupId, unnamed, region));
  }
  return commands.join('\n');
}

/**
 * `aws ec2 modify-managed-prefix-list` removing the entries that make a list the internet: the fix
 * for a rule whose source is a prefix list (revoking the rule would cut every legitimate entry
 * with it). The call needs the list's current version, read in the same command.
 */
export function removePrefixListEntriesCommand(prefixListId: string, entries: readonly string[], region?: string): string {
  const r = region ? ` --region ${shellQuote(region)}` : '';
  const id = shellQuote(prefixListId);
  const remove = entries.map((cidr) => `Cidr=${shellQuote(cidr)}`).join(' ');
  return `aws ec2 modify-managed-prefix-list --prefix-list-id ${id}${r} --remove-entries ${remove || 'Cidr=<the world-open entry>'} `
    + `--current-version "$(aws ec2 describe-managed-prefix-lists --prefix-list-ids ${id}${r} --query 'PrefixLists[0].Version' --output text)"`;
}
