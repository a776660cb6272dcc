/**
 * S3 Control calls that change an access point: they name the access point (the `name` path
 * parameter, or a body `Details.Name`), not the bucket, and their Host is
 * `<account>.s3-control.<region>.amazonaws.com`. Only CreateAccessPoint names its bucket; the rest
 * are resolved to the bucket behind the access point by the S3 handler. Shapes: single-element
 * XML lists arrive as objects, several as arrays (reference: S3 XML bodies in CloudTrail).
 * Multi-Region Access Point calls are recorded in us-west-2 only, whatever the caller's region.
 */
import { isObject, type Json } from '../model/json';
import { firstString, type CloudTrailEnvelope } from './cloudtrail';
import type { Target, TargetsResult } from './target';

export const ACCESS_POINT_EVENTS = ['CreateAccessPoint', 'DeleteAccessPoint', 'PutAccessPointPolicy', 'DeleteAccessPointPolicy'] as const;
export const MULTI_REGION_ACCESS_POINT_EVENTS = ['CreateMultiRegionAccessPoint', 'PutMultiRegionAccessPointPolicy', 'DeleteMultiRegionAccessPoint'] as const;
export const OBJECT_LAMBDA_ACCESS_POINT_EVENTS = [
  'CreateAccessPointForObjectLambda', 'PutAccessPointConfigurationForObjectLambda', 'PutAccessPointPolicyForObjectLambda',
  'DeleteAccessPointPolicyForObjectLambda', 'DeleteAccessPointForObjectLambda',
] as const;
export const ACCESS_POINT_EVENT_NAMES: readonly string[] = [...ACCESS_POINT_EVENTS, ...MULTI_REGION_ACCESS_POINT_EVENTS, ...OBJECT_LAMBDA_ACCESS_POINT_EVENTS];

/** Access point names (all three kinds): lower-case letters, digits and hyphens. */
const ACCESS_POINT_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;
const ACCESS_POINT_ARN = /^arn:[a-z-]+:s3:([a-z0-9-]+):(\d{12}):accesspoint\/([a-z0-9][a-z0-9-]{1,62})$/;

function body(rp: Json, root: string): Json {
  const b = rp[root];
  return isObject(b) ? b : {};
}

function nameOf(e: CloudTrailEnvelope): string | undefined {
  const rp = e.requestParameters;
  const direct = firstString(rp.name) ?? firstString(rp.Name) ?? firstString(rp.accessPointName);
  if (direct) return direct;
  for (const root of Object.keys(rp)) {
    const details = isObject(rp[root]) ? (rp[root] as Json).Details : undefined;
    if (isObject(details)) {
      const n = firstString(details.Name);
      if (n) return n;
    }
  }
  const resources = Array.isArray(e.detail.resources) ? e.detail.resources : [];
  for (const r of resources) {
    const arn = isObject(r) ? firstString(r.ARN) : undefined;
    const m = arn ? /:accesspoint\/([^/]+)$/.exec(arn) : null;
    if (m?.[1]) return m[1];
  }
  return undefined;
}

export function accessPointTargets(e: CloudTrailEnvelope): TargetsResult {
  const where = { ...(e.account ? { account: e.account } : {}), ...(e.region ? { region: e.region } : {}) };
  const rp = e.requestParameters;

  if (e.eventName === 'CreateAccessPoint') {
    const request = body(rp, 'CreateAccessPointRequest');
    const bucket = firstString(request.Bucket);
    const bucketAccount = firstString(request.BucketAccountId);
    if (bucketAccount && e.account && bucketAccount !== e.account) {
      return { targets: [], skipped: `CreateAccessPoint made a cross-account access point on bucket ${JSON.stringify(bucket ?? '?')} of account ${bucketAccount}: that bucket is judged by its owner's guard (its policy must delegate to this account)` };
    }
    if (bucket) return { targets: [{ type: 's3-bucket', name: bucket, ...where }], skipped: null };
    // A record without the body still names the access point: the handler reads its bucket.
  }

  if ((OBJECT_LAMBDA_ACCESS_POINT_EVENTS as readonly string[]).includes(e.eventName)) {
    if (e.eventName === 'DeleteAccessPointForObjectLambda') {
      return { targets: [], skipped: 'an Object Lambda access point never allows anonymous or public access (S3 User Guide, "Security for Object Lambda"): deleting one changes no exposure' };
    }
    const configuration = body(rp, `${e.eventName}Request`).Configuration;
    const supporting = isObject(configuration) ? firstString(configuration.SupportingAccessPoint) : undefined;
    const m = supporting ? ACCESS_POINT_ARN.exec(supporting) : null;
    if (m) return { targets: [{ type: 'access-point', name: m[3]!, account: m[2]!, region: m[1]! }], skipped: null };
    const name = nameOf(e);
    if (!name || !ACCESS_POINT_NAME.test(name)) return { targets: [], skipped: `${e.eventName} names no Object Lambda access point` };
    return { targets: [{ type: 'object-lambda-access-point', name, ...where }], skipped: null };
  }

  if ((MULTI_REGION_ACCESS_POINT_EVENTS as readonly string[]).includes(e.eventName)) {
    const name = nameOf(e);
    if (!name || !ACCESS_POINT_NAME.test(name)) return { targets: [], skipped: `${e.eventName} names no Multi-Region Access Point (no Details.Name)` };
    const target: Target = { type: 'multi-region-access-point', name, ...where, ...(e.eventName === 'DeleteMultiRegionAccessPoint' ? { deleted: true as const } : {}) };
    return { targets: [target], skipped: null };
  }

  const name = nameOf(e);
  if (!name || !ACCESS_POINT_NAME.test(name)) return { targets: [], skipped: `${e.eventName} names no access point (no name parameter or access point ARN)` };
  return { targets: [{ type: 'access-point', name, ...where, ...(e.eventName === 'DeleteAccessPoint' ? { deleted: true as const } : {}) }], skipped: null };
}
