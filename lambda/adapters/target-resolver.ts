import {
  DescribeInstancesCommand, DescribeManagedPrefixListsCommand, paginateDescribeNetworkInterfaces, paginateGetManagedPrefixListAssociations,
  type EC2Client, type Instance,
} from '@aws-sdk/client-ec2';
import type { Target } from '../core/events/target';
import { errorMessage, errorName } from './aws-errors';

export type Resolution =
  | { kind: 'groups'; groupIds: string[]; otherAccounts?: { groupId: string; account: string }[] }
  | { kind: 'gone'; reason: string };

export interface ResolveOptions {
  /** This account: prefix-list users owned by another account cannot be read here. */
  account?: string;
  /** How to wait between polls of a change still in progress (tests pass one that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

/** A change EC2 has accepted but not applied yet: the event is retried rather than judged on the old state. */
export class ChangeInProgressError extends Error {
  override name = 'ChangeInProgressError';
}

/** Up to ~36 s of polling, well inside the function's 120 s: most starts and list changes finish in seconds. */
const POLLS = 10;
const POLL_MS = 4_000;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** Polls `read` while `busy` says so, a bounded number of times; the last answer either way. */
async function settledState<T>(read: () => Promise<T>, busy: (value: T) => boolean, sleep: (ms: number) => Promise<void>): Promise<T> {
  let value = await read();
  for (let i = 1; i < POLLS && busy(value); i++) {
    await sleep(POLL_MS);
    value = await read();
  }
  return value;
}

async function instanceGroups(ec2: EC2Client, instanceId: string, sleep: (ms: number) => Promise<void>): Promise<Resolution> {
  const read = async (): Promise<Instance | 'not found'> => {
    try {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      return out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId) ?? 'not found';
    } catch (error) {
      if (errorName(error) === 'InvalidInstanceID.NotFound') return 'not found';
      throw error;
    }
  };
  // A starting instance gets its auto-assigned public IPv4 on the way to "running": judged while
  // pending, a world-open group would look latent. Just after a launch EC2 may not know the id yet
  // (eventual consistency), so "not found" is read again too before it counts as gone.
  const instance = await settledState(read, (i) => i === 'not found' || i.State?.Name === 'pending', sleep);
  if (instance === 'not found' || instance.State?.Name === 'terminated' || instance.State?.Name === 'shutting-down') {
    return { kind: 'gone', reason: `instance ${instanceId} no longer exists or is terminating` };
  }
  if (instance.State?.Name === 'pending') throw new ChangeInProgressError(`instance ${instanceId} is still pending after ${POLLS} reads: its public address is not known yet`);
  const ids = [...(instance.SecurityGroups ?? []).map((g) => g.GroupId), ...(instance.NetworkInterfaces ?? []).flatMap((ni) => (ni.Groups ?? []).map((g) => g.GroupId))];
  return { kind: 'groups', groupIds: [...new Set(ids.filter((id): id is string => !!id))] };
}

async function interfaceGroups(ec2: EC2Client, networkInterfaceId: string): Promise<Resolution> {
  const interfaces = await collect(paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'network-interface-id', Values: [networkInterfaceId] }] }),
    (p) => p.NetworkInterfaces);
  const groupIds = [...new Set(interfaces.flatMap((ni) => (ni.Groups ?? []).map((g) => g.GroupId)).filter((id): id is string => !!id))];
  return groupIds.length > 0 ? { kind: 'groups', groupIds } : { kind: 'gone', reason: `network interface ${networkInterfaceId} no longer exists` };
}

async function prefixListUsers(ec2: EC2Client, prefixListId: string, options: ResolveOptions): Promise<Resolution> {
  const sleep = options.sleep ?? realSleep;
  try {
    // ModifyManagedPrefixList returns while the change is "modify-in-progress": the entries read
    // then are the old ones, and a newly added 0.0.0.0/0 would be missed.
    const list = await settledState(
      async () => (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [prefixListId] }))).PrefixLists?.[0],
      (l) => /-in-progress$/.test(l?.State ?? ''), sleep,
    );
    if (!list) return { kind: 'gone', reason: `prefix list ${prefixListId} no longer exists` };
    if (/-in-progress$/.test(list.State ?? '')) throw new ChangeInProgressError(`prefix list ${prefixListId} is still ${list.State} after ${POLLS} reads`);
    const associations = await collect(paginateGetManagedPrefixListAssociations({ client: ec2, pageSize: 255 }, { PrefixListId: prefixListId }),
      (p) => p.PrefixListAssociations);
    // Route tables use prefix lists too; only the groups decide who reaches what here.
    const groups = associations.filter((a) => a.ResourceId?.startsWith('sg-'));
    const own = groups.filter((a) => !options.account || !a.ResourceOwner || a.ResourceOwner === options.account);
    const others = groups.filter((a) => !own.includes(a)).map((a) => ({ groupId: a.ResourceId as string, account: a.ResourceOwner as string }));
    return { kind: 'groups', groupIds: [...new Set(own.map((a) => a.ResourceId as string))], ...(others.length > 0 ? { otherAccounts: others } : {}) };
  } catch (error) {
    if (/^InvalidPrefixListID\.NotFound$/i.test(errorName(error))) return { kind: 'gone', reason: `prefix list ${prefixListId} no longer exists (${errorMessage(error)})` };
    throw error;
  }
}

/**
 * The security groups a reachability or prefix-list target concerns, read now (the event names
 * only the instance, interface or list). A resource that no longer exists is "gone"; any other
 * failure propagates, so Lambda retries the event and the dead-letter queue (and its alarm)
 * keeps it: never a quiet drop.
 */
export async function securityGroupsOf(ec2: EC2Client, target: Target, options: ResolveOptions = {}): Promise<Resolution> {
  switch (target.type) {
    case 'ec2-instance':
      return instanceGroups(ec2, target.instanceId, options.sleep ?? realSleep);
    case 'network-interface':
      return interfaceGroups(ec2, target.networkInterfaceId);
    case 'prefix-list':
      return prefixListUsers(ec2, target.prefixListId, options);
    case 'security-group':
      return { kind: 'groups', groupIds: [target.groupId] };
    default:
      throw new Error(`the security-group path cannot resolve a ${target.type} target`);
  }
}
