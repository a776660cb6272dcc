/**
 * The bucket behind an access point, read from S3 Control: an access point names its bucket, a
 * Multi-Region Access Point its buckets and their regions, an Object Lambda access point the
 * access point it stands on. Anything else than "it no longer exists" propagates (Lambda retries).
 */
import {
  GetAccessPointCommand, GetAccessPointConfigurationForObjectLambdaCommand, GetMultiRegionAccessPointCommand, type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { errorName } from './aws-errors';
import { ChangeInProgressError } from './target-resolver';

export interface BucketBehind {
  name: string;
  /** The bucket's owner, when S3 Control says (a cross-account access point's bucket is another account's). */
  account?: string;
  region?: string;
}

export type AccessPointResolution =
  | { kind: 'buckets'; buckets: BucketBehind[] }
  | { kind: 'gone'; reason: string }
  /** Behind it is another account's access point: its bucket is that account's to judge. */
  | { kind: 'elsewhere'; reason: string };

const ARN = /^arn:[a-z-]+:s3:([a-z0-9-]+):(\d{12}):accesspoint\/([a-z0-9][a-z0-9-]*)$/;

async function orGone<T>(call: () => Promise<T>, gone: string[]): Promise<T | 'gone'> {
  try {
    return await call();
  } catch (error) {
    if (gone.includes(errorName(error))) return 'gone';
    throw error;
  }
}

export async function bucketOfAccessPoint(s3control: S3ControlClient, account: string, name: string, region?: string): Promise<AccessPointResolution> {
  const out = await orGone(() => s3control.send(new GetAccessPointCommand({ AccountId: account, Name: name })), ['NoSuchAccessPoint']);
  if (out === 'gone' || !out.Bucket) return { kind: 'gone', reason: `access point ${name} no longer exists` };
  return { kind: 'buckets', buckets: [{ name: out.Bucket, ...(out.BucketAccountId ? { account: out.BucketAccountId } : {}), ...(region ? { region } : {}) }] };
}

/**
 * A Multi-Region Access Point's buckets. Its creation is asynchronous: one not found yet is a
 * change in progress (retried), unless the event deleted it.
 */
export async function bucketsOfMultiRegionAccessPoint(s3controlWest: S3ControlClient, account: string, name: string): Promise<AccessPointResolution> {
  const out = await orGone(() => s3controlWest.send(new GetMultiRegionAccessPointCommand({ AccountId: account, Name: name })), ['NoSuchMultiRegionAccessPoint']);
  if (out === 'gone') throw new ChangeInProgressError(`Multi-Region Access Point ${name} is not readable yet (its creation is asynchronous)`);
  const buckets = (out.AccessPoint?.Regions ?? []).flatMap((r) => (r.Bucket
    ? [{ name: r.Bucket, ...(r.BucketAccountId ? { account: r.BucketAccountId } : {}), ...(r.Region ? { region: r.Region } : {}) }]
    : []));
  return { kind: 'buckets', buckets };
}

/** The bucket behind an Object Lambda access point: the bucket of the access point it stands on. */
export async function bucketOfObjectLambdaAccessPoint(
  s3control: (region: string) => S3ControlClient, account: string, name: string, region: string,
): Promise<AccessPointResolution> {
  const out = await orGone(() => s3control(region).send(new GetAccessPointConfigurationForObjectLambdaCommand({ AccountId: account, Name: name })), ['NoSuchAccessPoint']);
  if (out === 'gone') return { kind: 'gone', reason: `Object Lambda access point ${name} no longer exists` };
  const m = ARN.exec(out.Configuration?.SupportingAccessPoint ?? '');
  if (!m) return { kind: 'gone', reason: `Object Lambda access point ${name} names no standard access point (${out.Configuration?.SupportingAccessPoint ?? 'none'})` };
  if (m[2] !== account) return { kind: 'elsewhere', reason: `Object Lambda access point ${name} stands on ${m[0]} of account ${m[2]}: its bucket is judged by that account's guard` };
  return bucketOfAccessPoint(s3control(m[1]!), m[2]!, m[3]!, m[1]!);
}
