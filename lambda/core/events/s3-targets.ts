/**
 * Which bucket (or account) an S3 CloudTrail event touched. Only the name is taken from the
 * event: the state is always re-read, because requestParameters is what was asked, not what is.
 */
import { isObject } from '../model/json';
import { firstString, type CloudTrailEnvelope } from './cloudtrail';
import type { Target, TargetsResult } from './target';

export const S3_BUCKET_EVENTS = [
  'CreateBucket', 'PutBucketAcl', 'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
  'PutBucketWebsite', 'PutBucketLogging',
] as const;
export const S3_ACCOUNT_EVENTS = ['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock'] as const;
export const S3_EVENT_NAMES: readonly string[] = [...S3_BUCKET_EVENTS, ...S3_ACCOUNT_EVENTS];

/** Legacy us-east-1 names allowed upper case and underscores; anything else (slashes, spaces) is not a bucket. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;

/** `bucket.s3.amazonaws.com`, `bucket.s3.eu-west-1.amazonaws.com`, `bucket.s3-eu-west-1…`, dual-stack. */
function bucketFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase().replace(/:\d+$/, '');
  // `<account>.s3-control.<region>.amazonaws.com` names an account's S3 Control endpoint, never a bucket.
  if (/(^|\.)s3-control[.-]/.test(h)) return undefined;
  const m = /^(.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/.exec(h);
  return m?.[1];
}

function bucketFromResources(detail: CloudTrailEnvelope['detail']): string | undefined {
  const resources = Array.isArray(detail.resources) ? detail.resources : [];
  for (const r of resources) {
    if (!isObject(r)) continue;
    const arn = firstString(r.ARN) ?? firstString(r.arn);
    const m = arn ? /^arn:[a-z-]+:s3:::([^/]+)$/.exec(arn) : null;
    if (m?.[1]) return m[1];
  }
  return undefined;
}

export function s3Targets(e: CloudTrailEnvelope): TargetsResult {
  const base = { ...(e.account ? { account: e.account } : {}), ...(e.region ? { region: e.region } : {}) };
  if ((S3_ACCOUNT_EVENTS as readonly string[]).includes(e.eventName)) {
    if (!e.account) return { targets: [], skipped: `${e.eventName} names no account (no recipientAccountId or account)` };
    const target: Target = { type: 's3-account', ...base, account: e.account };
    return { targets: [target], skipped: null };
  }
  const rp = e.requestParameters;
  const name = firstString(rp.bucketName)
    ?? bucketFromHost(firstString(rp.Host) ?? firstString(rp.host))
    ?? bucketFromResources(e.detail);
  if (!name) return { targets: [], skipped: `${e.eventName} names no bucket (no bucketName, virtual-hosted Host or resource ARN)` };
  if (!BUCKET_NAME.test(name)) return { targets: [], skipped: `${e.eventName} names an invalid bucket ${JSON.stringify(name)}` };
  return { targets: [{ type: 's3-bucket', name, ...base }], skipped: null };
}
