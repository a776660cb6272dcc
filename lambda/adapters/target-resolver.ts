import { paginateDescribeNetworkInterfaces, paginateGetManagedPrefixListAssociations, type EC2Client } from '@aws-sdk/client-ec2';
import type { Target } from '../core/targets';
import { errorMessage, errorName } from './aws-errors';

export type Resolution = { kind: 'groups'; groupIds: string[] } | { kind: 'gone'; reason: string };

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** The groups of the interfaces that match one filter: an instance's, or one interface's. */
async function groupsOfInterfaces(ec2: EC2Client, name: string, value: string): Promise<string[]> {
  const interfaces = await collect(paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: name, Values: [value] }] }),
    (p) => p.NetworkInterfaces);
  return [...new Set(interfaces.flatMap((ni) => (ni.Groups ?? []).map((g) => g.GroupId)).filter((id): id is string => !!id))];
}

/**
 * The security groups a reachability or prefix-list target concerns, read now (the event names
 * only the instance, interface or list). A resource that no longer exists is "gone"; any other
 * failure propagates, so Lambda retries the event and the dead-letter queue (and its alarm)
 * keeps it: never a quiet drop.
 */
export async function securityGroupsOf(ec2: EC2Client, target: Target): Promise<Resolution> {
  switch (target.type) {
    case 'ec2-instance': {
      const groupIds = await groupsOfInterfaces(ec2, 'attachment.instance-id', target.instanceId);
      return groupIds.length > 0 ? { kind: 'groups', groupIds } : { kind: 'gone', reason: `instance ${target.instanceId} has no network interface (terminated)` };
    }
    case 'network-interface': {
      const groupIds = await groupsOfInterfaces(ec2, 'network-interface-id', target.networkInterfaceId);
      return groupIds.length > 0 ? { kind: 'groups', groupIds } : { kind: 'gone', reason: `network interface ${target.networkInterfaceId} no longer exists` };
    }
    case 'prefix-list': {
      try {
        const associations = await collect(paginateGetManagedPrefixListAssociations({ client: ec2, pageSize: 255 }, { PrefixListId: target.prefixListId }),
          (p) => p.PrefixListAssociations);
        // Route tables use prefix lists too; only the groups decide who reaches what here.
        const groupIds = [...new Set(associations.map((a) => a.ResourceId).filter((id): id is string => !!id && id.startsWith('sg-')))];
        return { kind: 'groups', groupIds };
      } catch (error) {
        if (/^InvalidPrefixListID\.NotFound$/i.test(errorName(error))) return { kind: 'gone', reason: `prefix list ${target.prefixListId} no longer exists (${errorMessage(error)})` };
        throw error;
      }
    }
    case 'security-group':
      return { kind: 'groups', groupIds: [target.groupId] };
    default:
      throw new Error(`the security-group path cannot resolve a ${target.type} target`);
  }
}
