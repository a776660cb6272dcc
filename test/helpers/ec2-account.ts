/**
 * One mocked EC2 account for every suite: each read of the security-group reads table
 * (lambda/core/sg/reads.ts) answers from the groups registered here, as EC2 would (filtered by
 * group id, rule id or prefix-list id). A group with no rules given is locked down: no ingress,
 * the default egress, attached to nothing. A new row in the table needs an answer here (the type
 * says so), and no suite breaks because it did not mock the new call.
 */
import type { NetworkInterface, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';
import { GROUP_READS } from '../../lambda/core/sg/reads';
import { ec2Error } from './aws-errors';
import { commandOf } from './commands';

export const META = { $metadata: { httpStatusCode: 200, requestId: 'EXAMPLE', attempts: 1, totalRetryDelay: 0 } };
export const ACCOUNT = '111122223333';

/** One single-source ingress rule, as DescribeSecurityGroupRules lists it. */
export interface RuleSpec { id: string; protocol: string; from: number; to: number; cidr?: string; cidr6?: string; prefixList?: string; description?: string }

export interface GroupSpec {
  groupId: string;
  name?: string;
  rules?: RuleSpec[];
  /** The interfaces using the group (default: none). */
  interfaces?: NetworkInterface[];
  /** Entries of the prefix lists its rules name (default: one private block each). */
  prefixLists?: Record<string, string[]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stub = AwsStub<any, any, any>;
type Filters = { Name?: string; Values?: string[] }[] | undefined;
const valuesOf = (filters: Filters, name: string) => filters?.find((f) => f.Name === name)?.Values;

/** DescribeSecurityGroups and DescribeSecurityGroupRules for the same rules, as EC2 gives them. */
export function describedGroup(spec: GroupSpec): { group: SecurityGroup; rules: SecurityGroupRule[] } {
  const name = spec.name ?? 'web';
  const permissions = new Map<string, NonNullable<SecurityGroup['IpPermissions']>[number]>();
  for (const r of spec.rules ?? []) {
    const key = `${r.protocol}:${r.from}:${r.to}`;
    const p = permissions.get(key) ?? { IpProtocol: r.protocol, FromPort: r.from, ToPort: r.to, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
    if (r.cidr) p.IpRanges!.push({ CidrIp: r.cidr, ...(r.description ? { Description: r.description } : {}) });
    if (r.cidr6) p.Ipv6Ranges!.push({ CidrIpv6: r.cidr6 });
    if (r.prefixList) p.PrefixListIds!.push({ PrefixListId: r.prefixList });
    permissions.set(key, p);
  }
  const group: SecurityGroup = {
    GroupId: spec.groupId, GroupName: name, Description: `${name} servers`, VpcId: 'vpc-0a1b2c3d', OwnerId: ACCOUNT,
    IpPermissions: [...permissions.values()],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: [{ Key: 'team', Value: 'web' }],
  };
  const rules: SecurityGroupRule[] = [
    ...(spec.rules ?? []).map((r) => ({
      SecurityGroupRuleId: r.id, GroupId: spec.groupId, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: r.protocol, FromPort: r.from, ToPort: r.to,
      ...(r.cidr ? { CidrIpv4: r.cidr } : {}), ...(r.cidr6 ? { CidrIpv6: r.cidr6 } : {}), ...(r.prefixList ? { PrefixListId: r.prefixList } : {}),
      ...(r.description ? { Description: r.description } : {}), Tags: [],
    })),
    { SecurityGroupRuleId: `sgr-e${spec.groupId.slice(4, 20)}`, GroupId: spec.groupId, GroupOwnerId: ACCOUNT, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0', Tags: [] },
  ];
  return { group, rules };
}

const ACCOUNTS = new WeakMap<Stub, Map<string, GroupSpec>>();

/** How EC2 answers each read of GROUP_READS, from the registered groups: one answer per row. */
const ANSWERS: Record<keyof typeof GROUP_READS, (groups: GroupSpec[], input: Record<string, unknown>) => Record<string, unknown> | Error> = {
  group: (groups, input) => {
    // A group-id filter, unlike GroupIds, answers with what exists and no error for what does not.
    const ids = (input.GroupIds as string[] | undefined) ?? valuesOf(input.Filters as Filters, 'group-id') ?? groups.map((g) => g.groupId);
    const found = groups.filter((g) => ids.includes(g.groupId)).map((g) => describedGroup(g).group);
    return found.length === ids.length || !input.GroupIds
      ? { SecurityGroups: found }
      : ec2Error('InvalidGroup.NotFound', 400, `The security group '${ids.find((id) => !groups.some((g) => g.groupId === id))}' does not exist`);
  },
  rules: (groups, input) => {
    const filters = input.Filters as Filters;
    const byGroup = valuesOf(filters, 'group-id');
    const byId = valuesOf(filters, 'security-group-rule-id');
    const all = groups.filter((g) => !byGroup || byGroup.includes(g.groupId)).flatMap((g) => describedGroup(g).rules);
    return { SecurityGroupRules: byId ? all.filter((r) => byId.includes(r.SecurityGroupRuleId!)) : all };
  },
  networkInterfaces: (groups, input) => {
    const byGroup = valuesOf(input.Filters as Filters, 'group-id');
    return { NetworkInterfaces: groups.filter((g) => !byGroup || byGroup.includes(g.groupId)).flatMap((g) => g.interfaces ?? []) };
  },
  prefixLists: (groups, input) => {
    const id = input.PrefixListId as string;
    const entries = groups.map((g) => g.prefixLists?.[id]).find((e) => e !== undefined) ?? ['10.0.0.0/8'];
    return { Entries: entries.map((Cidr) => ({ Cidr })) };
  },
};

/** Registers a group in the stub's account (until resetGroupAccount) and answers every read of GROUP_READS from the account. */
export function mockGroupAccount(ec2: Stub, spec: GroupSpec): void {
  const groups = ACCOUNTS.get(ec2) ?? new Map<string, GroupSpec>();
  groups.set(spec.groupId, spec);
  ACCOUNTS.set(ec2, groups);
  for (const [read, row] of Object.entries(GROUP_READS) as [keyof typeof GROUP_READS, (typeof GROUP_READS)[keyof typeof GROUP_READS]][]) {
    ec2.on(commandOf(row.service, row.command)).callsFake((input: Record<string, unknown>) => {
      const a = ANSWERS[read]([...ACCOUNTS.get(ec2)!.values()], input);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve({ ...META, ...a });
    });
  }
}

/** Forgets the registered groups: call it beside the stub's reset. */
export function resetGroupAccount(ec2: Stub): void {
  ACCOUNTS.delete(ec2);
}
