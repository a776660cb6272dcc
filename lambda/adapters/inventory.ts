import { paginateListBuckets, type S3Client } from '@aws-sdk/client-s3';
import {
  paginateDescribeNetworkInterfaces, paginateDescribeSecurityGroupRules, paginateDescribeSecurityGroups,
  paginateGetManagedPrefixListEntries, type EC2Client,
} from '@aws-sdk/client-ec2';
import type { SecurityGroupSnapshot, SgRule } from '../core/model/types';
import { attachment } from './security-group-reader';
import { errorMessage, errorName, isAccessDenied } from './aws-errors';

/**
 * Everything in an account, streamed page by page so memory stays flat however many resources
 * there are. Buckets are read one by one afterwards (S3 has no batch read); security groups are
 * read in batches here, because EC2's Describe* calls take filters of many group ids and EC2's
 * request rate limits would make one-group-at-a-time reads of thousands of groups slow.
 */

export async function* listBuckets(s3: S3Client): AsyncGenerator<{ name: string; region?: string }> {
  for await (const page of paginateListBuckets({ client: s3, pageSize: 1000 }, {})) {
    for (const b of page.Buckets ?? []) if (b.Name) yield { name: b.Name, ...(b.BucketRegion ? { region: b.BucketRegion } : {}) };
  }
}

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

async function settled<T>(read: Promise<T[]>): Promise<T[] | { unreadable: string }> {
  try {
    return await read;
  } catch (error) {
    return { unreadable: `${errorName(error)}: ${errorMessage(error)}${isAccessDenied(error) ? '' : ' (after retries)'}` };
  }
}

async function all<P, T>(pages: AsyncIterable<P>, pick: (p: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...(pick(p) ?? []));
  return out;
}

/** Prefix-list entries, each list read once per sweep however many groups name it. */
function prefixListResolver(ec2: EC2Client) {
  const cache = new Map<string, Promise<string[] | { unreadable: string }>>();
  return (id: string) => {
    let entry = cache.get(id);
    if (!entry) {
      entry = all(paginateGetManagedPrefixListEntries({ client: ec2, pageSize: 100 }, { PrefixListId: id }), (p) => p.Entries)
        .then((es) => es.map((e) => e.Cidr).filter((c): c is string => !!c))
        // Denied, deleted, or failing after retries: the list is unresolved and its rules INCOMPLETE.
        .catch((error) => ({ unreadable: `${errorName(error)}: ${errorMessage(error)}${isAccessDenied(error) || /^InvalidPrefixList/.test(errorName(error)) ? '' : ' (after retries)'}` }));
      cache.set(id, entry);
    }
    return entry;
  };
}

/**
 * SecurityGroupSnapshots in batches of up to 200 groups: 3 reads per batch, plus prefix lists.
 * With `groupIds` (a sweep batch), only those: by filter, so a group deleted since it was listed is
 * simply absent (GroupIds would fail the whole call with InvalidGroup.NotFound).
 */
export async function* securityGroupBatches(ec2: EC2Client, where: { account?: string; region?: string }, groupIds?: string[]): AsyncGenerator<SecurityGroupSnapshot[]> {
  if (groupIds && groupIds.length > FILTER_VALUES) throw new RangeError(`${groupIds.length} group ids: a filter takes at most ${FILTER_VALUES}`);
  const resolve = prefixListResolver(ec2);
  const only = groupIds ? { Filters: [{ Name: 'group-id', Values: groupIds }] } : {};
  for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, only)) {
    const groups = page.SecurityGroups ?? [];
    for (let i = 0; i < groups.length; i += FILTER_VALUES) {
      const chunk = groups.slice(i, i + FILTER_VALUES);
      const ids = chunk.map((g) => g.GroupId).filter((id): id is string => !!id);
      const byGroup = [{ Name: 'group-id', Values: ids }];
      // A batch read that keeps failing leaves that field unknown for the batch's groups, with the
      // error: their rules from DescribeSecurityGroups are still judged, nothing is dropped.
      const [rules, interfaces] = await Promise.all([
        settled(all(paginateDescribeSecurityGroupRules({ client: ec2, pageSize: 1000 }, { Filters: byGroup }), (p) => p.SecurityGroupRules)),
        settled(all(paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 1000 }, { Filters: byGroup }), (p) => p.NetworkInterfaces)),
      ]);
      const snapshots: SecurityGroupSnapshot[] = [];
      for (const g of chunk) {
        if (!g.GroupId) continue;
        const own = Array.isArray(rules) ? rules.filter((r) => r.GroupId === g.GroupId) as SgRule[] : undefined;
        const snapshot: SecurityGroupSnapshot = {
          GroupId: g.GroupId, GroupName: g.GroupName, VpcId: g.VpcId, OwnerId: g.OwnerId, Description: g.Description,
          IpPermissions: g.IpPermissions ?? [], IpPermissionsEgress: g.IpPermissionsEgress ?? [], Tags: g.Tags ?? [],
          ...where,
          ...(own ? { rules: own } : {}),
          ...(Array.isArray(interfaces) ? { networkInterfaces: interfaces.filter((n) => n.Groups?.some((x) => x.GroupId === g.GroupId)).map(attachment) } : {}),
        };
        const unread = {
          ...(Array.isArray(rules) ? {} : { rules: rules.unreadable }),
          ...(Array.isArray(interfaces) ? {} : { networkInterfaces: interfaces.unreadable }),
        };
        if (Object.keys(unread).length > 0) snapshot.unreadable = unread;
        const permissionLists = (g.IpPermissions ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((x) => x.PrefixListId));
        const lists = [...new Set([...(own ?? []).filter((r) => r.PrefixListId && !r.IsEgress).map((r) => r.PrefixListId), ...permissionLists]
          .filter((id): id is string => !!id))];
        if (lists.length > 0) {
          snapshot.prefixLists = {};
          for (const [id, entries] of await Promise.all(lists.map(async (id) => [id, await resolve(id)] as const))) {
            if (Array.isArray(entries)) snapshot.prefixLists[id] = entries;
            else snapshot.unreadable = { ...snapshot.unreadable, [`prefixList:${id}`]: entries.unreadable };
          }
        }
        snapshots.push(snapshot);
      }
      yield snapshots;
    }
  }
}

/** Every security group id of the region, page by page: the sweep's coordinator enqueues them. */
export async function* listSecurityGroupIds(ec2: EC2Client): AsyncGenerator<string> {
  for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, {})) {
    for (const g of page.SecurityGroups ?? []) if (g.GroupId) yield g.GroupId;
  }
}
