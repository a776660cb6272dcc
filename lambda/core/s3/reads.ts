/**
 * The bucket reader's reads, one row per snapshot field (model/reads.ts says what a row is). The
 * type requires a row for every BucketSnapshot field, and each "not configured" value to be a
 * value that field can hold. `NoSuchBucket` from any read means the bucket is gone.
 */
import type { ReadRow } from '../model/reads';
import type { BucketSnapshot } from '../model/types';

/** The snapshot fields a read fills (the rest say which bucket it is, or why a field is missing). */
export type BucketField = Exclude<keyof BucketSnapshot, 'name' | 'account' | 'region' | 'unreadable'>;

/**
 * A snapshot with every read field present: what the reader returns when every read succeeds.
 * Builders of complete snapshots (tests, the benchmark) declare it, so a new read names them.
 */
export type FullBucketSnapshot = BucketSnapshot & { [F in BucketField]-?: BucketSnapshot[F] };

/** How a snapshot file's value for the field is checked (s3/snapshot-validation.ts), and whether null is allowed. */
export type FieldShape = 'policy' | 'acl' | 'flags' | 'string' | 'boolean' | 'object';

/**
 * `context`: the field decides no check, it only explains a public finding (website hosting) or
 * names an owner (tags): the sweep reads it only for a bucket that grants something publicly.
 */
type Row<F extends BucketField> = ReadRow & { shape: FieldShape; nullable?: true; context?: true; notConfigured?: { error: string; value: BucketSnapshot[F] } };

export const BUCKET_GONE = 'NoSuchBucket';

export const BUCKET_READS = {
  policy: { service: 'S3', command: 'GetBucketPolicy', iam: 's3:GetBucketPolicy', grant: 'bucket', shape: 'policy', nullable: true, notConfigured: { error: 'NoSuchBucketPolicy', value: null } },
  acl: { service: 'S3', command: 'GetBucketAcl', iam: 's3:GetBucketAcl', grant: 'bucket', shape: 'acl', nullable: true },
  publicAccessBlock: {
    service: 'S3', command: 'GetPublicAccessBlock', iam: 's3:GetBucketPublicAccessBlock', grant: 'bucket', shape: 'flags', nullable: true,
    notConfigured: { error: 'NoSuchPublicAccessBlockConfiguration', value: null },
  },
  accountPublicAccessBlock: {
    service: 'S3 Control', command: 'GetPublicAccessBlock', iam: 's3:GetAccountPublicAccessBlock', grant: 'none', shape: 'flags', nullable: true,
    notConfigured: { error: 'NoSuchPublicAccessBlockConfiguration', value: null },
  },
  objectOwnership: {
    service: 'S3', command: 'GetBucketOwnershipControls', iam: 's3:GetBucketOwnershipControls', grant: 'bucket', shape: 'string', nullable: true,
    notConfigured: { error: 'OwnershipControlsNotFoundError', value: null },
  },
  logging: { service: 'S3', command: 'GetBucketLogging', iam: 's3:GetBucketLogging', grant: 'bucket', shape: 'boolean', nullable: true },
  website: { service: 'S3', command: 'GetBucketWebsite', iam: 's3:GetBucketWebsite', grant: 'bucket', shape: 'boolean', nullable: true, context: true, notConfigured: { error: 'NoSuchWebsiteConfiguration', value: false } },
  tags: { service: 'S3', command: 'GetBucketTagging', iam: 's3:GetBucketTagging', grant: 'bucket', shape: 'object', nullable: true, context: true, notConfigured: { error: 'NoSuchTagSet', value: {} } },
} as const satisfies { [F in BucketField]: Row<F> };

/** Listings: every bucket is re-evaluated after an account-level change, and by the sweep. */
export const BUCKET_LISTINGS = {
  buckets: { service: 'S3', command: 'ListBuckets', iam: 's3:ListAllMyBuckets', grant: 'none' },
} as const satisfies Record<string, ReadRow>;
