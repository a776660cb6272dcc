import { wildcardToRegExp } from './policy-document';

/**
 * The S3 actions a bucket policy can grant, so wildcards (`s3:Get*`, `s3:*Acl`) can be expanded
 * and a grant classified as read/list or as write/delete/permission-changing.
 */
const S3_ACTIONS = [
  'GetObject', 'GetObjectVersion', 'GetObjectAcl', 'GetObjectVersionAcl', 'GetObjectTagging',
  'GetObjectVersionTagging', 'GetObjectAttributes', 'GetObjectVersionAttributes', 'GetObjectRetention',
  'GetObjectLegalHold', 'GetObjectTorrent', 'GetObjectVersionTorrent', 'GetObjectVersionForReplication',
  'GetBucketAcl', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetBucketLocation', 'GetBucketLogging',
  'GetBucketWebsite', 'GetBucketCORS', 'GetBucketTagging', 'GetBucketVersioning', 'GetBucketPublicAccessBlock',
  'GetBucketOwnershipControls', 'GetBucketNotification', 'GetBucketRequestPayment', 'GetBucketObjectLockConfiguration',
  'GetEncryptionConfiguration', 'GetLifecycleConfiguration', 'GetReplicationConfiguration',
  'GetAccelerateConfiguration', 'GetAnalyticsConfiguration', 'GetInventoryConfiguration', 'GetMetricsConfiguration',
  'GetIntelligentTieringConfiguration', 'ListBucket', 'ListBucketVersions', 'ListBucketMultipartUploads',
  'ListMultipartUploadParts', 'ListAllMyBuckets',
  'PutObject', 'PutObjectAcl', 'PutObjectVersionAcl', 'PutObjectTagging', 'PutObjectVersionTagging',
  'PutObjectRetention', 'PutObjectLegalHold', 'DeleteObject', 'DeleteObjectVersion', 'DeleteObjectTagging',
  'DeleteObjectVersionTagging', 'DeleteBucket', 'DeleteBucketPolicy', 'DeleteBucketWebsite',
  'DeleteBucketOwnershipControls', 'PutBucketAcl', 'PutBucketPolicy', 'PutBucketPublicAccessBlock',
  'PutBucketOwnershipControls', 'PutBucketWebsite', 'PutBucketLogging', 'PutBucketCORS', 'PutBucketTagging',
  'PutBucketVersioning', 'PutBucketNotification', 'PutBucketRequestPayment', 'PutBucketObjectLockConfiguration',
  'PutEncryptionConfiguration', 'PutLifecycleConfiguration', 'PutReplicationConfiguration',
  'PutAccelerateConfiguration', 'AbortMultipartUpload', 'RestoreObject', 'ReplicateObject', 'ReplicateDelete',
  'ReplicateTags', 'BypassGovernanceRetention', 'ObjectOwnerOverrideToBucketOwner', 'CreateBucket',
].map((a) => `s3:${a}`);

/** Actions that change who can access the bucket: a public grant of these hands the bucket over. */
const PERMISSION_ACTIONS = new Set(
  ['PutBucketAcl', 'PutObjectAcl', 'PutObjectVersionAcl', 'PutBucketPolicy', 'DeleteBucketPolicy',
    'PutBucketPublicAccessBlock', 'PutBucketOwnershipControls'].map((a) => `s3:${a}`),
);

export function isReadAction(action: string): boolean {
  return /^s3:(get|list)/i.test(action);
}

export interface GrantedActions {
  /** Concrete S3 actions the patterns cover (unknown non-wildcard S3 actions kept as written). */
  actions: string[];
  writes: string[];
  reads: string[];
  permissionChanges: string[];
  /** Patterns that matched no known action; read/write is then decided by their prefix. */
  unmatched: string[];
}

/** The catalog never changes, so what a pattern matches is computed once. */
const HITS = new Map<string, string[]>();

function hitsOf(pattern: string): string[] {
  let hits = HITS.get(pattern);
  if (!hits) {
    const re = wildcardToRegExp(pattern);
    hits = S3_ACTIONS.filter((a) => re.test(a));
    if (HITS.size > 5_000) HITS.clear();
    HITS.set(pattern, hits);
  }
  return hits;
}

function expand(patterns: readonly string[]): { matched: Set<string>; unmatched: string[] } {
  const matched = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    if (!/^(s3:|\*)/i.test(pattern)) continue; // another service's action grants nothing on a bucket
    const hits = hitsOf(pattern);
    if (hits.length === 0) unmatched.push(pattern);
    for (const h of hits) matched.add(h);
  }
  return { matched, unmatched };
}

/**
 * What an Allow statement grants. NotAction grants everything the list does not name.
 * A pattern matching no known action counts as a write unless it is plainly a Get/List: an
 * action we do not know is not assumed harmless.
 */
export function grantedActions(action: readonly string[], notAction?: readonly string[]): GrantedActions {
  let actions: string[];
  let unmatched: string[] = [];
  if (notAction !== undefined) {
    const excluded = expand(notAction).matched;
    actions = S3_ACTIONS.filter((a) => !excluded.has(a));
  } else {
    const e = expand(action);
    actions = [...e.matched];
    unmatched = e.unmatched;
  }
  const writes = actions.filter((a) => !isReadAction(a));
  const reads = actions.filter(isReadAction);
  for (const u of unmatched) (isReadAction(u) ? reads : writes).push(u);
  return {
    actions: [...actions, ...unmatched],
    writes,
    reads,
    permissionChanges: actions.filter((a) => PERMISSION_ACTIONS.has(a)),
    unmatched,
  };
}

/** True when the patterns cover every S3 action (`s3:*`, `*`). */
export function coversAllS3Actions(patterns: readonly string[]): boolean {
  if (patterns.some((p) => p === '*' || p.toLowerCase() === 's3:*')) return true;
  return expand(patterns).matched.size === S3_ACTIONS.length;
}
