import {
  DescribeSecurityGroupsCommand, paginateDescribeNetworkInterfaces, paginateDescribeSecurityGroupRules,
  paginateGetManagedPrefixListEntries, type EC2Client, type NetworkInterface,
} from '@aws-sdk/client-ec2';
import type { SecurityGroupSnapshot, SgAttachment, SgIpPermission, SgRule } from '../core/model/types';
import { GROUP_GONE, PREFIX_LIST_GONE } from '../core/sg/reads';
import { errorMessage, errorName, isAccessDenied } from './aws-errors';

export type SecurityGroupRead = { kind: 'snapshot'; snapshot: SecurityGroupSnapshot } | { kind: 'gone'; reason: string };

type Field<T> = { ok: true; value: T } | { ok: false; reason: string };


class GroupGone extends Error {
  override name = 'GroupGone';
}

/** AccessDenied leaves a field unknown; a missing group is "gone"; anything else propagates for a retry. */
async function read<T>(call: () => Promise<T>, unknownWhen: readonly string[] = []): Promise<Field<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (GROUP_GONE.includes(errorName(error))) throw new GroupGone(`${errorName(error)}: ${errorMessage(error)}`);
    if (isAccessDenied(error) || unknownWhen.includes(errorName(error))) return { ok: false, reason: `${errorName(error)}: ${errorMessage(error)}` };
    throw error;
  }
}

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

export function attachment(ni: NetworkInterface): SgAttachment {
  const ipv6 = (ni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address).filter((a): a is string => !!a);
  // An interface's public IPv4 can sit on a secondary private address too.
  const publicIp = ni.Association?.PublicIp ?? ni.PrivateIpAddresses?.find((p) => p.Association?.PublicIp)?.Association?.PublicIp;
  return {
    NetworkInterfaceId: ni.NetworkInterfaceId ?? 'unknown',
    ...(publicIp ? { PublicIp: publicIp } : {}),
    ...(ipv6.length ? { Ipv6Addresses: ipv6 } : {}),
    ...(ni.Attachment?.InstanceId ? { InstanceId: ni.Attachment.InstanceId } : {}),
    ...(ni.InterfaceType ? { InterfaceType: ni.InterfaceType } : {}),
    ...(ni.Description ? { Description: ni.Description } : {}),
  };
}

function prefixListIds(permissions: SgIpPermission[] | undefined, rules: SgRule[] | undefined): string[] {
  const ids = new Set<string>();
  for (const p of permissions ?? []) for (const pl of p.PrefixListIds ?? []) if (pl.PrefixListId) ids.add(pl.PrefixListId);
  for (const r of rules ?? []) if (r.PrefixListId && !r.IsEgress) ids.add(r.PrefixListId);
  return [...ids];
}

/**
 * The group, its rules (with sgr- ids) and the interfaces that use it, read in parallel; then
 * the entries of every prefix list its ingress names, in parallel. Two dependent rounds.
 */
export async function readSecurityGroup(
  ec2: EC2Client,
  groupId: string,
  where: { account?: string; region?: string },
): Promise<SecurityGroupRead> {
  const byGroup = [{ Name: 'group-id', Values: [groupId] }];
  try {
    const [group, rules, interfaces] = await Promise.all([
      read(async () => {
        const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
        const g = out.SecurityGroups?.find((s) => s.GroupId === groupId);
        if (!g) throw new GroupGone(`DescribeSecurityGroups returned no ${groupId}`);
        return g;
      }),
      read(() => collect(paginateDescribeSecurityGroupRules({ client: ec2, pageSize: 1000 }, { Filters: byGroup }), (p) => p.SecurityGroupRules)),
      read(() => collect(paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 1000 }, { Filters: byGroup }), (p) => p.NetworkInterfaces)),
    ]);
    const snapshot: SecurityGroupSnapshot = { GroupId: groupId, ...where };
    const unreadable: Record<string, string> = {};
    if (group.ok) {
      const g = group.value;
      Object.assign(snapshot, {
        GroupName: g.GroupName, VpcId: g.VpcId, OwnerId: g.OwnerId, Description: g.Description,
        IpPermissions: g.IpPermissions ?? [], IpPermissionsEgress: g.IpPermissionsEgress ?? [], Tags: g.Tags ?? [],
      });
    } else unreadable.IpPermissions = group.reason;
    if (rules.ok) snapshot.rules = rules.value as SgRule[];
    else unreadable.rules = rules.reason;
    if (interfaces.ok) snapshot.networkInterfaces = interfaces.value.map(attachment);
    else unreadable.networkInterfaces = interfaces.reason;

    const lists = prefixListIds(snapshot.IpPermissions as SgIpPermission[] | undefined, snapshot.rules);
    if (lists.length > 0) {
      const entries = await Promise.all(lists.map((id) => read(() => collect(
        paginateGetManagedPrefixListEntries({ client: ec2, pageSize: 100 }, { PrefixListId: id }), (p) => p.Entries,
      ), PREFIX_LIST_GONE)));
      snapshot.prefixLists = {};
      entries.forEach((e, i) => {
        const id = lists[i] as string;
        if (e.ok) snapshot.prefixLists![id] = e.value.map((x) => x.Cidr).filter((c): c is string => !!c);
        else unreadable[`prefixList:${id}`] = e.reason;
      });
    }
    if (Object.keys(unreadable).length > 0) snapshot.unreadable = unreadable;
    return { kind: 'snapshot', snapshot };
  } catch (error) {
    if (error instanceof GroupGone) return { kind: 'gone', reason: `security group ${groupId} no longer exists (${error.message})` };
    throw error;
  }
}
