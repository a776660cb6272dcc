/**
 * The guard's check of its own sight, once per sweep run (and so once right after deploy): the
 * trails that should deliver this region's events, and the canary written by the run before.
 * Its result goes through the ledger like any resource's (a message when GUARD_BLIND opens or
 * closes, none while it stands) to the findings topic and the operations topic both. Then this
 * run writes its own canary, for the next run to judge.
 */
import { ACCESS_POINT_EVENT_NAMES } from '../core/events/access-point-targets';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { describeError } from '../adapters/aws-errors';
import type { CanaryStore } from '../adapters/canary-store';
import type { Notifier } from '../adapters/sns-notifier';
import { readTrails } from '../adapters/trail-reader';
import { judgeCanary, type CanaryState, type CanaryVerdict } from '../core/guard/canary';
import { evaluateGuard } from '../core/guard/evaluate';
import { trailCoverage, type NeededEvent } from '../core/guard/trail-coverage';
import { EC2_EVENT_NAMES } from '../core/events/ec2-targets';
import { S3_EVENT_NAMES } from '../core/events/s3-targets';
import type { Notification } from '../core/notification/compose';
import { AUDIT_SCHEMA_VERSION, processTarget, type PipelineDeps, type TargetOutcome } from './pipeline';

/** Every management write event the guard's rules match: a trail must log all of them. */
export const NEEDED_EVENTS: readonly NeededEvent[] = [
  ...[...S3_EVENT_NAMES, ...ACCESS_POINT_EVENT_NAMES].map((eventName) => ({ eventSource: 's3.amazonaws.com', eventName })),
  ...EC2_EVENT_NAMES.map((eventName) => ({ eventSource: 'ec2.amazonaws.com', eventName })),
];

/** What the canary is: all four flags on, as the stack created it, so the write changes nothing. */
export const CANARY_BLOCK = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } as const;

export interface GuardHealthDeps extends PipelineDeps {
  canaryWriter: { store: CanaryStore; bucket: string };
  /** The operations topic: the guard's operators hear that it is blind, not only the responders. */
  opsNotifier: Notifier;
  now: () => Date;
}

/** Publishes to the findings topic and the operations topic; either failing fails the publish (retried). */
function bothTopics(findings: Notifier, ops: Notifier): Notifier {
  return {
    async publish(n: Notification) {
      const [id] = await Promise.all([findings.publish(n), ops.publish(n)]);
      return id;
    },
  };
}

async function readCanary(store: CanaryStore): Promise<{ state?: CanaryState; error?: string }> {
  try {
    return { state: await store.read() };
  } catch (error) {
    const e = describeError(error);
    return { error: `${e.name}: ${e.message}` };
  }
}

/** Re-applies the canary's own Block Public Access: a write the S3 rule matches that changes nothing. */
async function writeCanary(run: string, deps: GuardHealthDeps): Promise<void> {
  const at = deps.now().toISOString();
  const s3 = deps.clients.client(S3Client, { account: deps.defaultAccount, region: deps.defaultRegion });
  let write: { run: string; at: string; requestId?: string; error?: string };
  try {
    const out = await s3.send(new PutPublicAccessBlockCommand({
      Bucket: deps.canaryWriter.bucket, PublicAccessBlockConfiguration: CANARY_BLOCK, ...(deps.defaultAccount ? { ExpectedBucketOwner: deps.defaultAccount } : {}),
    }));
    write = { run, at, ...(out.$metadata.requestId ? { requestId: out.$metadata.requestId } : {}) };
  } catch (error) {
    const e = describeError(error);
    write = { run, at, error: `${e.name}: ${e.message}` };
    // The next run says INCOMPLETE; the alarm says it now.
    deps.metrics?.count('CanaryFailures');
    deps.logger.error('canary write failed', { schemaVersion: AUDIT_SCHEMA_VERSION, run, bucket: deps.canaryWriter.bucket, error: e });
  }
  try {
    await deps.canaryWriter.store.recordWrite(write);
  } catch (error) {
    deps.metrics?.count('CanaryFailures');
    deps.logger.error('canary write failed', { schemaVersion: AUDIT_SCHEMA_VERSION, run, step: 'recording the write', error: describeError(error) });
  }
}

export async function checkGuardHealth(run: string, deps: GuardHealthDeps): Promise<TargetOutcome> {
  const account = deps.defaultAccount;
  const region = deps.defaultRegion;
  if (!account || !region) throw new Error('the guard\'s health check needs the function\'s account and region');
  // Adaptive retries: one throttled read would otherwise be a CRITICAL INCOMPLETE to two topics.
  const cloudtrail = (r: string) => deps.clients.client(CloudTrailClient, { account, region: r }, { retryMode: 'adaptive', maxAttempts: 8 });
  const [trails, canaryRead] = await Promise.all([readTrails(cloudtrail, region, account), readCanary(deps.canaryWriter.store)]);
  const coverage = trailCoverage(trails, NEEDED_EVENTS);
  const canary: CanaryVerdict = canaryRead.state
    ? judgeCanary(canaryRead.state, run, deps.now())
    : { kind: 'unknown', reason: `the canary's state could not be read (${canaryRead.error ?? 'unknown error'})` };
  deps.logger.info('guard health', {
    schemaVersion: AUDIT_SCHEMA_VERSION, run,
    trail: coverage.kind === 'covered' ? { kind: coverage.kind, by: coverage.by } : { kind: coverage.kind, reason: coverage.reason },
    canary: canary.kind === 'alive' ? { kind: canary.kind, delayMs: canary.heartbeat.delayMs, heartbeatAt: canary.heartbeat.receivedAt } : canary,
  });
  const result = evaluateGuard({ account, region, coverage, canary, canaryBucket: deps.canaryWriter.bucket });
  const guardDeps: PipelineDeps = {
    ...deps,
    notifier: bothTopics(deps.notifier, deps.opsNotifier),
    // Told as it happens, never held for the digest; the claim is the run's, stable across retries.
    ...(deps.ledger ? { ledger: { store: deps.ledger.store, now: deps.ledger.now, claimId: `${run}:guard` } } : {}),
  };
  try {
    return await processTarget({ type: 'guard', account, region }, undefined, guardDeps, async () => ({ result }));
  } finally {
    // Whatever the message did, this run's canary goes out: the next run judges it.
    await writeCanary(run, deps);
  }
}
