/**
 * One mocked S3 account for every suite: each read of the bucket reads table (lambda/core/s3/reads.ts)
 * answers as a fully locked-down bucket would, and a test opens one thing by overriding that
 * field's answer. A new row in the table needs a locked-down answer here (the type says so), and
 * no suite breaks because it did not mock the new call.
 */
import type { AwsStub } from 'aws-sdk-client-mock';
import type { BucketSnapshot } from '../../lambda/core/model/types';
import { BUCKET_READS, type BucketField, type FullBucketSnapshot } from '../../lambda/core/s3/reads';
import { S3_ERRORS } from './aws-errors';
import { commandOf } from './commands';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stub = AwsStub<any, any, any>;

export const META = { $metadata: { httpStatusCode: 200, requestId: 'EXAMPLE', attempts: 1, totalRetryDelay: 0 } };
export const OWNER = { DisplayName: 'owner', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' };
export const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
export const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
export const tlsDeny = (bucket: string) => ({
  Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

type Output = Record<string, unknown>;
type Input = { Bucket?: string; AccountId?: string };
/** An SDK output (without $metadata), an error to reject with, or either computed from the input. */
export type Answer = Output | Error | ((input: Input) => Output | Error);

/**
 * The snapshot of a fully locked-down bucket, for tests that evaluate snapshots directly; each
 * opens one thing with `over`. FullBucketSnapshot makes a new read field a type error here.
 */
export function lockedDownBucket(over: Partial<BucketSnapshot> = {}): BucketSnapshot {
  const name = over.name ?? 'b';
  const full: FullBucketSnapshot = {
    name, account: '111122223333', region: 'eu-west-1',
    policy: { Version: '2012-10-17', Statement: [tlsDeny(name)] },
    acl: { Owner: OWNER, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER.ID, DisplayName: 'owner' }, Permission: 'FULL_CONTROL' }] },
    publicAccessBlock: ALL_ON, accountPublicAccessBlock: ALL_ON, objectOwnership: 'BucketOwnerEnforced',
    logging: true, website: false, tags: {},
    policyStatus: false, accessPoints: [], multiRegionAccessPoints: [],
  };
  return { ...full, ...over };
}

/** How a locked-down bucket answers each read: one answer per row of BUCKET_READS. */
export const LOCKED_DOWN: Record<BucketField, Answer> = {
  policy: ({ Bucket }) => ({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [tlsDeny(Bucket ?? '')] }) }),
  policyStatus: { PolicyStatus: { IsPublic: false } },
  accessPoints: { AccessPointList: [] },
  multiRegionAccessPoints: { AccessPoints: [] },
  acl: { Owner: OWNER, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER.ID, DisplayName: 'owner' }, Permission: 'FULL_CONTROL' }] },
  publicAccessBlock: { PublicAccessBlockConfiguration: ALL_ON },
  accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_ON },
  objectOwnership: { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } },
  logging: ({ Bucket }) => ({ LoggingEnabled: { TargetBucket: 'acme-access-logs', TargetPrefix: `${Bucket}/` } }),
  website: S3_ERRORS.noSuchWebsite(),
  tags: { TagSet: [{ Key: 'team', Value: 'web' }] },
};

/** Answers every bucket read as a locked-down bucket, except the fields given. */
export function mockBucketAccount(stubs: { s3: Stub; s3control: Stub }, answers: Partial<Record<BucketField, Answer>> = {}): void {
  for (const field of Object.keys(BUCKET_READS) as BucketField[]) {
    const row = BUCKET_READS[field];
    const stub = row.service === 'S3 Control' ? stubs.s3control : stubs.s3;
    const answer = answers[field] ?? LOCKED_DOWN[field];
    stub.on(commandOf(row.service, row.command)).callsFake((input: Input) => {
      const a = typeof answer === 'function' ? answer(input) : answer;
      return a instanceof Error ? Promise.reject(a) : Promise.resolve({ ...META, ...a });
    });
  }
}
