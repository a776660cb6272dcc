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
export type FieldShape = 'policy' | 'acl' | 'flags' | 'string' | 'boolean' | 'object' | 'logging' | 'access-points';

/**
 * `context`: the field decides no check, it only explains a public finding (website hosting) or
 * names an owner (tags): the sweep reads it only for a bucket that grants something publicly.
 */
/**
 * `oracle`: AWS's own verdict, a second opinion. It decides no check alone and its absence is not
 * unknown; the sweep reads it only for a bucket that has a policy.
 */
type Row<F extends BucketField> = ReadRow & { shape: FieldShape; nullable?: true; context?: true; oracle?: true; notConfigured?: { error: string; value: BucketSnapshot[F] } };

export const BUCKET_GONE = 'NoSuchBucket';

export const BUCKET_READS = {
  policy: { service: 'S3', command: 'GetBucketPolicy', iam: 's3:GetBucketPolicy', grant: 'bucket', shape: 'policy', nullable: true, notConfigured: { error: 'NoSuchBucketPolicy', value: null } },
  policyStatus: {
    service: 'S3', command: 'GetBucketPolicyStatus', iam: 's3:GetBucketPolicyStatus', grant: 'bucket', shape: 'boolean', nullable: true, oracle: true,
    notConfigured: { error: 'NoSuchBucketPolicy', value: null },
  },
  // The listing's first page runs beside the bucket's reads; each access point's own reads (ACCESS_POINT_READS) follow.
  accessPoints: { service: 'S3 Control', command: 'ListAccessPoints', iam: 's3:ListAccessPoints', grant: 'none', shape: 'access-points' },
  // Served from us-west-2 only, whatever the bucket's region; one listing is shared by a sweep batch.
  multiRegionAccessPoints: { service: 'S3 Control', command: 'ListMultiRegionAccessPoints', iam: 's3:ListMultiRegionAccessPoints', grant: 'none', shape: 'access-points' },
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
  logging: { service: 'S3', command: 'GetBucketLogging', iam: 's3:GetBucketLogging', grant: 'bucket', shape: 'logging', nullable: true },
  website: { service: 'S3', command: 'GetBucketWebsite', iam: 's3:GetBucketWebsite', grant: 'bucket', shape: 'boolean', nullable: true, context: true, notConfigured: { error: 'NoSuchWebsiteConfiguration', value: false } },
  tags: { service: 'S3', command: 'GetBucketTagging', iam: 's3:GetBucketTagging', grant: 'bucket', shape: 'object', nullable: true, context: true, notConfigured: { error: 'NoSuchTagSet', value: {} } },
} as const satisfies { [F in BucketField]: Row<F> };

/** Each access point's reads, after the listing names it. */
export const ACCESS_POINT_READS = {
  // GetAccessPoint supports no resource-level permission (Service Authorization Reference); its policy reads do.
  configuration: { service: 'S3 Control', command: 'GetAccessPoint', iam: 's3:GetAccessPoint', grant: 'none' },
  policy: { service: 'S3 Control', command: 'GetAccessPointPolicy', iam: 's3:GetAccessPointPolicy', grant: 'access-point', notConfigured: { error: 'NoSuchAccessPointPolicy', value: null } },
  policyStatus: {
    service: 'S3 Control', command: 'GetAccessPointPolicyStatus', iam: 's3:GetAccessPointPolicyStatus', grant: 'access-point',
    notConfigured: { error: 'NoSuchAccessPointPolicy', value: null },
  },
} as const satisfies Record<string, ReadRow>;

/** Each Multi-Region Access Point's reads (us-west-2); its Block Public Access comes with the listing. */
export const MULTI_REGION_ACCESS_POINT_READS = {
  policy: {
    service: 'S3 Control', command: 'GetMultiRegionAccessPointPolicy', iam: 's3:GetMultiRegionAccessPointPolicy', grant: 'multi-region-access-point',
    notConfigured: { error: 'NoSuchMultiRegionAccessPointPolicy', value: null },
  },
  policyStatus: {
    service: 'S3 Control', command: 'GetMultiRegionAccessPointPolicyStatus', iam: 's3:GetMultiRegionAccessPointPolicyStatus', grant: 'multi-region-access-point',
    notConfigured: { error: 'NoSuchMultiRegionAccessPointPolicy', value: null },
  },
} as const satisfies Record<string, ReadRow>;

/** Where the S3 Control API serves Multi-Region Access Point calls, whatever the caller's region. */
export const MULTI_REGION_CONTROL_REGION = 'us-west-2';

/**
 * Events that name an access point, not its bucket: the lookups that find the bucket behind it
 * (the event function only).
 */
export const ACCESS_POINT_LOOKUPS = {
  accessPoint: ACCESS_POINT_READS.configuration,
  multiRegionAccessPoint: { service: 'S3 Control', command: 'GetMultiRegionAccessPoint', iam: 's3:GetMultiRegionAccessPoint', grant: 'multi-region-access-point' },
  objectLambdaAccessPoint: {
    service: 'S3 Control', command: 'GetAccessPointConfigurationForObjectLambda', iam: 's3:GetAccessPointConfigurationForObjectLambda', grant: 'object-lambda-access-point',
  },
} as const satisfies Record<string, ReadRow>;

/** Listings: every bucket is re-evaluated after an account-level change, and by the sweep. */
export const BUCKET_LISTINGS = {
  buckets: { service: 'S3', command: 'ListBuckets', iam: 's3:ListAllMyBuckets', grant: 'none' },
} as const satisfies Record<string, ReadRow>;
