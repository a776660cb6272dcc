/**
 * Shape checks for snapshots that come from outside the reader (the CLI's files): a wrong type is
 * bad input with a message naming the field, not something to evaluate into a wrong verdict.
 */
import { isObject } from '../model/json';
import { parsePolicy } from './policy-document';
import { BUCKET_READS, type FieldShape } from './reads';

type Check = (value: unknown) => string | undefined;

const nullable = (inner: Check): Check => (v) => (v === null ? undefined : inner(v));
const object: Check = (v) => (isObject(v) ? undefined : 'must be an object');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const string: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');

const policy: Check = (v) => {
  if (typeof v !== 'string' && !isObject(v)) return 'must be a policy object, its JSON text, or null';
  const parsed = parsePolicy(v);
  return parsed.ok ? undefined : parsed.error;
};

const acl: Check = (v) => {
  if (!isObject(v)) return 'must be the GetBucketAcl output ({"Owner":…,"Grants":[…]}) or null';
  if (v.Grants !== undefined && !Array.isArray(v.Grants)) return 'Grants must be an array';
  return undefined;
};

const flags: Check = (v) => {
  if (!isObject(v)) return 'must be an object of the four Block Public Access flags, or null';
  for (const [k, f] of Object.entries(v)) {
    if (typeof f !== 'boolean') return `${k} must be true or false`;
  }
  return undefined;
};

/** Each access point's own fields, by the same checks as the bucket's. */
const ACCESS_POINT_FIELDS: Record<string, Check> = {
  name: string, arn: string, networkOrigin: string, vpcId: string, status: string,
  publicAccessBlock: nullable(flags), policy: nullable(policy), proposedPolicy: nullable(policy), policyStatus: nullable(boolean), unreadable: object,
};

const accessPoints: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array of access points ({"name", "arn", "networkOrigin", "publicAccessBlock", "policy"}), [] for none';
  for (const [i, ap] of v.entries()) {
    if (!isObject(ap)) return `[${i}] must be an object`;
    if (typeof ap.name !== 'string' || typeof ap.arn !== 'string') return `[${i}]: name and arn must be strings`;
    for (const [field, check] of Object.entries(ACCESS_POINT_FIELDS)) {
      if (ap[field] === undefined) continue;
      const problem = check(ap[field]);
      if (problem) return `[${i}].${field}: ${problem}`;
    }
  }
  return undefined;
};

/** GetBucketLogging: on (true, or where the logs go), off (false). */
const logging: Check = (v) => {
  if (typeof v === 'boolean') return undefined;
  if (isObject(v) && typeof v.targetBucket === 'string' && (v.targetPrefix === undefined || typeof v.targetPrefix === 'string')) return undefined;
  return 'must be true, false, or where the logs go ({"targetBucket", "targetPrefix"})';
};

const SHAPES: Record<FieldShape, Check> = { policy, acl, flags, string, boolean, object, logging, 'access-points': accessPoints };

/** Where the bucket is, and each read field's shape from its row of BUCKET_READS. */
const BUCKET_FIELDS: Record<string, Check> = {
  account: string,
  region: string,
  ...Object.fromEntries(Object.entries(BUCKET_READS).map(([field, row]) => {
    const check = SHAPES[row.shape];
    return [field, 'nullable' in row ? nullable(check) : check];
  })),
  unreadable: object,
};

/** The first problem with a BucketSnapshot, or undefined when it can be evaluated. */
export function bucketSnapshotProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'a bucket snapshot must be a JSON object';
  if (typeof value.name !== 'string' || value.name === '') return 'name: must be the bucket name (a non-empty string)';
  for (const [field, check] of Object.entries(BUCKET_FIELDS)) {
    if (value[field] === undefined) continue;
    const problem = check(value[field]);
    if (problem) return `${field}: ${problem}`;
  }
  return undefined;
}
