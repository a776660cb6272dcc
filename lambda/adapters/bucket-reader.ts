import {
  GetBucketAclCommand, GetBucketLoggingCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand,
  GetBucketTaggingCommand, GetBucketWebsiteCommand, GetPublicAccessBlockCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, type S3ControlClient } from '@aws-sdk/client-s3-control';
import type { ReadRow } from '../core/model/reads';
import type { AccountSnapshot, BucketSnapshot, PublicAccessBlockFlags } from '../core/model/types';
import { BUCKET_GONE, BUCKET_READS, type BucketField } from '../core/s3/reads';
import { errorMessage, errorName, isAccessDenied, ResourceGoneError } from './aws-errors';

export type BucketRead = { kind: 'snapshot'; snapshot: BucketSnapshot } | { kind: 'gone'; reason: string };

export type Field<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A field whose read failed for a reason that may pass (throttling after the SDK's retries, 5xx, a timeout). */
export type TransientField = { ok: false; reason: string; transient: unknown };

/**
 * One read. The row's "not configured" error maps to the value that means it (null, false, {});
 * AccessDenied leaves the field unknown with the reason; NoSuchBucket means the bucket is gone;
 * anything else (throttling after the SDK's retries, 5xx, a timeout) is kept as a transient
 * failure: the event path rethrows it so Lambda retries, the sweep keeps the field unknown.
 */
async function read<T>(call: () => Promise<T | undefined>, row: ReadRow): Promise<Field<T> | TransientField> {
  try {
    const value = await call();
    if (value === undefined) return { ok: false, reason: 'empty response' };
    return { ok: true, value };
  } catch (error) {
    const name = errorName(error);
    // A copy: the table's `{}` must not become every untagged bucket's shared object.
    if (row.notConfigured && name === row.notConfigured.error) return { ok: true, value: structuredClone(row.notConfigured.value) as T };
    if (name === BUCKET_GONE) throw new ResourceGoneError(errorMessage(error));
    if (isAccessDenied(error)) return { ok: false, reason: `${name}: ${errorMessage(error)}` };
    return { ok: false, reason: `${name}: ${errorMessage(error)} (after retries)`, transient: error };
  }
}

const isTransient = (f: Field<unknown> | TransientField): f is TransientField => 'transient' in f;

function flags(config: PublicAccessBlockFlags | undefined): PublicAccessBlockFlags | undefined {
  if (!config) return undefined;
  return {
    BlockPublicAcls: config.BlockPublicAcls === true,
    IgnorePublicAcls: config.IgnorePublicAcls === true,
    BlockPublicPolicy: config.BlockPublicPolicy === true,
    RestrictPublicBuckets: config.RestrictPublicBuckets === true,
  };
}

/** The account-level read as the reader gives it: never a rejection, a failure is the field. */
export type AccountBpaRead = Field<PublicAccessBlockFlags | null> | TransientField;

export interface BucketClients {
  s3: S3Client;
  s3control: S3ControlClient;
  /** The account-level read, shared when many buckets of one account are read (the sweep). */
  accountPublicAccessBlock?: Promise<AccountBpaRead>;
}

/** Never rejects: a failure is a field (transient or not), so a shared read cannot go unawaited and kill the process. */
export async function readAccountPublicAccessBlock(s3control: S3ControlClient, account: string | undefined): Promise<AccountBpaRead> {
  if (!account) return { ok: false, reason: 'account id unknown' };
  return read(
    async () => flags((await s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId: account }))).PublicAccessBlockConfiguration) ?? null,
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

type BucketLevelField = Exclude<BucketField, 'accountPublicAccessBlock'>;
type Input = { Bucket: string; ExpectedBucketOwner: string | undefined };

/** One call per bucket-level row of BUCKET_READS: the type requires each, and nothing else. */
const CALLS: { [F in BucketLevelField]: (s3: S3Client, input: Input) => Promise<BucketSnapshot[F] | undefined> } = {
  policy: async (s3, input) => (await s3.send(new GetBucketPolicyCommand(input))).Policy ?? null,
  acl: async (s3, input) => {
    const out = await s3.send(new GetBucketAclCommand(input));
    return { Owner: out.Owner, Grants: out.Grants ?? [] };
  },
  publicAccessBlock: async (s3, input) => flags((await s3.send(new GetPublicAccessBlockCommand(input))).PublicAccessBlockConfiguration) ?? null,
  objectOwnership: async (s3, input) => (await s3.send(new GetBucketOwnershipControlsCommand(input))).OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null,
  logging: async (s3, input) => (await s3.send(new GetBucketLoggingCommand(input))).LoggingEnabled !== undefined,
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
    const readField = (field: BucketField) => (field === 'accountPublicAccessBlock'
      ? clients.accountPublicAccessBlock ?? readAccountPublicAccessBlock(clients.s3control, where.account)
      : read<unknown>(() => CALLS[field](clients.s3, input), BUCKET_READS[field]));
    const results = new Map<BucketField, Field<unknown> | TransientField>();
    const round = async (fields: BucketField[]) => {
      (await Promise.all(fields.map(readField))).forEach((r, i) => results.set(fields[i]!, r));
      // The event path hands a transient failure to Lambda's retry before spending more calls.
      const failed = all.map((f) => results.get(f)).find((r): r is TransientField => r !== undefined && isTransient(r));
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
    await round(context === 'always' ? all : all.filter((f) => !isContext(f)));
    fill();
    if (context !== 'always' && context(snapshot)) {
      await round(all.filter(isContext));
      fill();
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
