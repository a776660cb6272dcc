import {
  GetBucketAclCommand, GetBucketLoggingCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand, GetBucketWebsiteCommand, GetPublicAccessBlockCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, type S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AccountSnapshot, BucketSnapshot, PublicAccessBlockFlags } from '../core/model/types';
import { BUCKET_READS, type BucketField } from '../core/s3/reads';
import { ResourceGoneError } from './aws-errors';
import { flagsOf, isTransient, read, type Field, type TransientField } from './field-read';
import { readAccessPoints, readMultiRegionAccessPoints, type AccessPointListings, type MultiRegionListing } from './access-point-reader';

export type { Field, TransientField } from './field-read';

export type BucketRead = { kind: 'snapshot'; snapshot: BucketSnapshot } | { kind: 'gone'; reason: string };

/** The account-level read as the reader gives it: never a rejection, a failure is the field. */
export type AccountBpaRead = Field<PublicAccessBlockFlags | null> | TransientField;

export interface BucketClients {
  s3: S3Client;
  s3control: S3ControlClient;
  /** S3 Control in the bucket's own region, where its access points are (s3control when absent). */
  s3controlBucketRegion?: S3ControlClient;
  /** An S3 Control client in us-west-2, where Multi-Region Access Points are served. */
  s3controlMultiRegion: S3ControlClient;
  /** The account-level read, shared when many buckets of one account are read (the sweep). */
  accountPublicAccessBlock?: Promise<AccountBpaRead>;
  /** The account's Multi-Region Access Point listing, shared the same way. */
  multiRegionAccessPoints?: Promise<MultiRegionListing>;
  /** The account's access points by region, listed once per region the same way. */
  accessPointListings?: AccessPointListings;
}

/** Never rejects: a failure is a field (transient or not), so a shared read cannot go unawaited and kill the process. */
export async function readAccountPublicAccessBlock(s3control: S3ControlClient, account: string | undefined): Promise<AccountBpaRead> {
  if (!account) return { ok: false, reason: 'account id unknown' };
  return read(
    async () => flagsOf((await s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId: account }))).PublicAccessBlockConfiguration) ?? null,
    BUCKET_READS.accountPublicAccessBlock,
  );
}

export interface ReadOptions {
  /**
   * `throw` (the event path): a transient failure of any read propagates once every read has
   * settled, so Lambda retries the event. `unknown` (the sweep): the field stays unknown with the
   * error and every other field keeps what was read.
   */
  transient?: 'throw' | 'unknown';
  /**
   * When the context reads (rows marked `context`) are made: `always` in parallel with the rest
   * (the event path: latency matters there, calls do not), or only when this says the snapshot
   * read so far needs them (the sweep: a private bucket costs two calls fewer).
   */
  context?: 'always' | ((snapshot: BucketSnapshot) => boolean);
}

/** The fields S3 Control serves; the rest are the bucket's own (S3). */
type ControlField = 'accountPublicAccessBlock' | 'accessPoints' | 'multiRegionAccessPoints';
type BucketLevelField = Exclude<BucketField, ControlField>;
type Input = { Bucket: string; ExpectedBucketOwner: string | undefined };

/** One call per bucket-level row of BUCKET_READS: the type requires each, and nothing else. */
const CALLS: { [F in BucketLevelField]: (s3: S3Client, input: Input) => Promise<BucketSnapshot[F] | undefined> } = {
  policy: async (s3, input) => (await s3.send(new GetBucketPolicyCommand(input))).Policy ?? null,
  policyStatus: async (s3, input) => (await s3.send(new GetBucketPolicyStatusCommand(input))).PolicyStatus?.IsPublic ?? null,
  acl: async (s3, input) => {
    const out = await s3.send(new GetBucketAclCommand(input));
    return { Owner: out.Owner, Grants: out.Grants ?? [] };
  },
  publicAccessBlock: async (s3, input) => flagsOf((await s3.send(new GetPublicAccessBlockCommand(input))).PublicAccessBlockConfiguration) ?? null,
  objectOwnership: async (s3, input) => (await s3.send(new GetBucketOwnershipControlsCommand(input))).OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null,
  logging: async (s3, input) => {
    const on = (await s3.send(new GetBucketLoggingCommand(input))).LoggingEnabled;
    if (!on) return false;
    return on.TargetBucket ? { targetBucket: on.TargetBucket, ...(on.TargetPrefix ? { targetPrefix: on.TargetPrefix } : {}) } : true;
  },
  website: async (s3, input) => {
    await s3.send(new GetBucketWebsiteCommand(input));
    return true;
  },
  tags: async (s3, input) => {
    const out = await s3.send(new GetBucketTaggingCommand(input));
    return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  },
};

/** Reads every field of a BucketSnapshot, all calls in parallel. */
export async function readBucket(
  clients: BucketClients,
  name: string,
  where: { account?: string; region?: string },
  options: ReadOptions = {},
): Promise<BucketRead> {
  const input: Input = { Bucket: name, ExpectedBucketOwner: where.account };
  try {
    // Every read in parallel, in the table's order (the first transient failure rethrown is the first row's).
    const context = options.context ?? 'always';
    const all = Object.keys(BUCKET_READS) as BucketField[];
    const isContext = (f: BucketField) => 'context' in BUCKET_READS[f];
    // AWS's own verdict only advises: its failure leaves the safer reading, never a retry.
    const isOracle = (f: BucketField) => 'oracle' in BUCKET_READS[f];
    const readField = (field: BucketField): Promise<Field<unknown> | TransientField> => {
      switch (field) {
        case 'accountPublicAccessBlock':
          return clients.accountPublicAccessBlock ?? readAccountPublicAccessBlock(clients.s3control, where.account);
        case 'accessPoints':
          return readAccessPoints(clients.s3controlBucketRegion ?? clients.s3control, where.account, name, where.region, clients.accessPointListings);
        case 'multiRegionAccessPoints':
          return readMultiRegionAccessPoints(clients.s3controlMultiRegion, where.account, name, where.region, clients.multiRegionAccessPoints);
        default:
          return read<unknown>(() => CALLS[field](clients.s3, input), BUCKET_READS[field]);
      }
    };
    const results = new Map<BucketField, Field<unknown> | TransientField>();
    const round = async (fields: BucketField[]) => {
      (await Promise.all(fields.map(readField))).forEach((r, i) => results.set(fields[i]!, r));
      // The event path hands a transient failure to Lambda's retry before spending more calls.
      const failed = all.filter((f) => !isOracle(f)).map((f) => results.get(f)).find((r): r is TransientField => r !== undefined && isTransient(r));
      if (failed && (options.transient ?? 'throw') === 'throw') throw failed.transient;
    };
    const snapshot: BucketSnapshot = { name, ...(where.account ? { account: where.account } : {}), ...(where.region ? { region: where.region } : {}) };
    const unreadable: Record<string, string> = {};
    const fill = () => {
      for (const key of all) {
        const field = results.get(key);
        if (!field) continue;
        if (field.ok) (snapshot as Record<BucketField, unknown>)[key] = field.value;
        else unreadable[key] = field.reason;
      }
    };
    await round(context === 'always' ? all : all.filter((f) => !isContext(f) && !isOracle(f)));
    fill();
    if (context !== 'always') {
      // AWS's status of a policy that does not exist is known without a call.
      const later = [...(context(snapshot) ? all.filter(isContext) : []), ...(snapshot.policy !== null ? all.filter(isOracle) : [])];
      if (later.length > 0) {
        await round(later);
        fill();
      }
      if (snapshot.policy === null) snapshot.policyStatus = null;
    }
    if (Object.keys(unreadable).length > 0) snapshot.unreadable = unreadable;
    return { kind: 'snapshot', snapshot };
  } catch (error) {
    if (error instanceof ResourceGoneError) return { kind: 'gone', reason: `bucket ${name} no longer exists (${error.message})` };
    throw error;
  }
}

export async function readAccount(s3control: S3ControlClient, account: string, region?: string, options: ReadOptions = {}): Promise<AccountSnapshot> {
  return accountSnapshotOf(await readAccountPublicAccessBlock(s3control, account), account, region, options);
}

/** The account snapshot from its one read (a shared one, or its own), with readAccount's transient rule. */
export function accountSnapshotOf(field: AccountBpaRead, account: string, region?: string, options: ReadOptions = {}): AccountSnapshot {
  if (isTransient(field) && (options.transient ?? 'throw') === 'throw') throw field.transient;
  const snapshot: AccountSnapshot = { account, ...(region ? { region } : {}) };
  if (field.ok) snapshot.accountPublicAccessBlock = field.value;
  else snapshot.unreadable = { accountPublicAccessBlock: field.reason };
  return snapshot;
}
