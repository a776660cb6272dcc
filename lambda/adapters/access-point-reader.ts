/**
 * The bucket's access points and Multi-Region Access Points: each listing's pages first, then each
 * one's reads in parallel (one round trip more, only for a bucket that has any). An access point
 * deleted between the listing and its reads is left out; a denied read is that access point's
 * unknown field; a transient failure makes the whole field transient.
 */
import {
  GetAccessPointCommand, GetAccessPointPolicyCommand, GetAccessPointPolicyStatusCommand, GetMultiRegionAccessPointPolicyCommand,
  GetMultiRegionAccessPointPolicyStatusCommand, paginateListAccessPoints, paginateListMultiRegionAccessPoints,
  type AccessPoint, type MultiRegionAccessPointReport, type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import type { AccessPointSnapshot } from '../core/model/types';
import { ACCESS_POINT_READS, BUCKET_READS, MULTI_REGION_ACCESS_POINT_READS } from '../core/s3/reads';
import { errorName } from './aws-errors';
import { flagsOf, isTransient, read, type Field, type TransientField } from './field-read';

export type ListRead<T> = Field<T> | TransientField;

/** The account's Multi-Region Access Points, listed once (a sweep batch shares it). */
export type MultiRegionListing = ListRead<MultiRegionAccessPointReport[]>;

/** The account's access points in one region, every page: shared by the buckets of a sweep batch or a scan. */
export type AccessPointListing = ListRead<AccessPoint[]>;

/** Each region's listing, made the first time a bucket there asks for it. */
export type AccessPointListings = (region: string) => Promise<AccessPointListing>;

/** S3 Control's answer for an access point that no longer exists (a Multi-Region one: its own name). */
const ACCESS_POINT_GONE = ['NoSuchAccessPoint', 'NoSuchMultiRegionAccessPoint'];

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** Whether a read failed because the access point no longer exists: it is then left out, not a failure. */
function gone(...reads: ListRead<unknown>[]): boolean {
  return reads.some((r) => isTransient(r) && ACCESS_POINT_GONE.includes(errorName(r.transient)));
}

/** At most this many access points are read at once (three calls each): a bucket with hundreds is not a burst S3 Control throttles. */
const AT_ONCE = 10;

async function inBatches<T, R>(items: T[], each: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += AT_ONCE) out.push(...await Promise.all(items.slice(i, i + AT_ONCE).map(each)));
  return out;
}

/** Fills one access point's fields from its reads: a value, or the reason it is unknown. */
function fill(ap: AccessPointSnapshot, fields: Record<string, ListRead<unknown>>): AccessPointSnapshot {
  const unreadable: Record<string, string> = {};
  for (const [field, r] of Object.entries(fields)) {
    if (r.ok) (ap as unknown as Record<string, unknown>)[field] = r.value;
    else unreadable[field] = r.reason;
  }
  return Object.keys(unreadable).length > 0 ? { ...ap, unreadable } : ap;
}

function listAccessPoints(s3control: S3ControlClient, account: string, bucket?: string): Promise<AccessPointListing> {
  return read(
    () => collect(paginateListAccessPoints({ client: s3control }, { AccountId: account, ...(bucket ? { Bucket: bucket } : {}) }), (p) => p.AccessPointList),
    BUCKET_READS.accessPoints,
  );
}

/**
 * One unfiltered ListAccessPoints per region instead of one per bucket: S3 Control's rate, not
 * S3's, bounds a listing per bucket, and most buckets have no access point.
 */
export function accessPointListings(clientIn: (region: string) => S3ControlClient, account: string | undefined): AccessPointListings {
  const byRegion = new Map<string, Promise<AccessPointListing>>();
  return (region) => {
    let listing = byRegion.get(region);
    if (!listing) {
      listing = account ? listAccessPoints(clientIn(region), account) : Promise.resolve({ ok: false, reason: 'account id unknown' });
      byRegion.set(region, listing);
    }
    return listing;
  };
}

/**
 * This account's access points on the bucket, each fully read: from the region's shared listing
 * when given, else from ListAccessPoints filtered by the bucket (the event path: one bucket).
 */
export async function readAccessPoints(
  s3control: S3ControlClient, account: string | undefined, bucket: string, region: string | undefined, listing?: AccessPointListings,
): Promise<ListRead<AccessPointSnapshot[]>> {
  if (!account) return { ok: false, reason: 'account id unknown' };
  // Access points live in their bucket's region: listed anywhere else, the answer would be "none".
  if (!region) return { ok: false, reason: 'the bucket\'s region is not known, so its access points (regional) could not be listed' };
  const listed = await (listing ? listing(region) : listAccessPoints(s3control, account, bucket));
  if (!listed.ok) return listed;
  // Only this bucket's entries (a filtered listing naming another, or none, is not this bucket's either).
  const aps = await inBatches(listed.value.filter((ap) => ap.Name && ap.Bucket === bucket), async (ap) => {
    const input = { AccountId: account, Name: ap.Name };
    const [configuration, policy, policyStatus] = await Promise.all([
      read(async () => s3control.send(new GetAccessPointCommand(input)), ACCESS_POINT_READS.configuration),
      read(async () => (await s3control.send(new GetAccessPointPolicyCommand(input))).Policy, ACCESS_POINT_READS.policy),
      read(async () => (await s3control.send(new GetAccessPointPolicyStatusCommand(input))).PolicyStatus?.IsPublic, ACCESS_POINT_READS.policyStatus),
    ]);
    return { ap, configuration, policy, policyStatus };
  });
  const present = aps.filter((a) => !gone(a.configuration, a.policy, a.policyStatus));
  // The first transient failure stands for the whole field (AWS's status aside: it only advises).
  const transient = present.flatMap((a) => [a.configuration, a.policy]).find((r): r is TransientField => isTransient(r));
  if (transient) return transient;
  return {
    ok: true,
    value: present.map(({ ap, configuration, policy, policyStatus }) => {
      const base: AccessPointSnapshot = {
        name: ap.Name!, arn: ap.AccessPointArn ?? `arn:${partitionOf(region)}:s3:${region ?? ''}:${account}:accesspoint/${ap.Name!}`,
        ...(ap.NetworkOrigin ? { networkOrigin: ap.NetworkOrigin } : {}),
        ...(ap.VpcConfiguration?.VpcId ? { vpcId: ap.VpcConfiguration.VpcId } : {}),
      };
      const publicAccessBlock: ListRead<unknown> = configuration.ok
        ? { ok: true, value: flagsOf(configuration.value.PublicAccessBlockConfiguration) ?? null }
        : configuration;
      // AWS's status is a second opinion: when it cannot be read the field is absent, its reason kept (oracleUnavailable).
      return fill(base, { publicAccessBlock, policy, policyStatus });
    }),
  };
}

/** `arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap`: the ARN names the alias, not the name. */
function multiRegionArn(account: string, report: MultiRegionAccessPointReport, partition: string): string {
  return `arn:${partition}:s3::${account}:accesspoint/${report.Alias ?? report.Name ?? ''}`;
}

export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The account's Multi-Region Access Points (us-west-2 serves them), every page. */
export async function listMultiRegionAccessPoints(s3controlWest: S3ControlClient, account: string | undefined): Promise<MultiRegionListing> {
  if (!account) return { ok: false, reason: 'account id unknown' };
  return read(() => collect(paginateListMultiRegionAccessPoints({ client: s3controlWest }, { AccountId: account }), (p) => p.AccessPoints), BUCKET_READS.multiRegionAccessPoints);
}

/** The Multi-Region Access Points that include this bucket of this account, each with its policy. */
export async function readMultiRegionAccessPoints(
  s3controlWest: S3ControlClient, account: string | undefined, bucket: string, region: string | undefined, listing?: Promise<MultiRegionListing>,
): Promise<ListRead<AccessPointSnapshot[]>> {
  // Multi-Region Access Points exist in the aws partition only (not in China or GovCloud).
  if (partitionOf(region) !== 'aws') return { ok: true, value: [] };
  const listed = await (listing ?? listMultiRegionAccessPoints(s3controlWest, account));
  if (!listed.ok || !account) return listed.ok ? { ok: false, reason: 'account id unknown' } : listed;
  const mine = listed.value.filter((m) => (m.Regions ?? []).some((r) => r.Bucket === bucket && (r.BucketAccountId ?? account) === account));
  const read1 = await inBatches(mine, async (m) => {
    const input = { AccountId: account, Name: m.Name };
    const [policy, policyStatus] = await Promise.all([
      read(async () => (await s3controlWest.send(new GetMultiRegionAccessPointPolicyCommand(input))).Policy, MULTI_REGION_ACCESS_POINT_READS.policy),
      read(async () => (await s3controlWest.send(new GetMultiRegionAccessPointPolicyStatusCommand(input))).Established?.IsPublic,
        MULTI_REGION_ACCESS_POINT_READS.policyStatus),
    ]);
    return { m, policy, policyStatus };
  });
  const present = read1.filter((a) => !gone(a.policy, a.policyStatus));
  const transient = present.map((a) => a.policy).find((r): r is TransientField => isTransient(r));
  if (transient) return transient;
  const partition = partitionOf(region);
  return {
    ok: true,
    value: present.map(({ m, policy, policyStatus }) => {
      const base: AccessPointSnapshot = {
        name: m.Name ?? m.Alias ?? '(unnamed)', arn: multiRegionArn(account, m, partition),
        publicAccessBlock: flagsOf(m.PublicAccessBlock) ?? null,
        ...(m.Status ? { status: m.Status } : {}),
      };
      const fields: Record<string, ListRead<unknown>> = {};
      if (policy.ok) {
        // Established is what S3 applies now; Proposed is a change still being applied everywhere.
        const doc = policy.value as { Established?: { Policy?: string }; Proposed?: { Policy?: string } } | null;
        fields.policy = { ok: true, value: doc?.Established?.Policy ?? null };
        if (doc?.Proposed?.Policy && doc.Proposed.Policy !== doc.Established?.Policy) fields.proposedPolicy = { ok: true, value: doc.Proposed.Policy };
      } else {
        fields.policy = policy;
      }
      fields.policyStatus = policyStatus;
      return fill(base, fields);
    }),
  };
}
