/**
 * The sweep path: every bucket and security group of an account through the same
 * evaluate → remediate → notify → log steps as an event, with bounded concurrency, streamed
 * (nothing accumulates), and nothing lost: a resource whose reads keep failing after the SDK's
 * retries is reported INCOMPLETE with the error, never dropped. The scheduled sweep spreads the
 * same per-resource steps over SQS (sweep-coordinator.ts, sweep-worker.ts); the pass over every
 * bucket after an account-level change runs them in one invocation.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { describeError } from '../adapters/aws-errors';
import { readAccountPublicAccessBlock, readBucket, type BucketClients } from '../adapters/bucket-reader';
import type { ClientConfig } from '../adapters/clients';
import { listBuckets, securityGroupBatches } from '../adapters/inventory';
import { buildResult } from '../core/model/result';
import { mayGrantPublicly } from '../core/s3/evaluator';
import { incompleteFinding } from '../core/model/unread';
import type { EvaluationResult, ResourceRef, SecurityGroupSnapshot, Trigger } from '../core/model/types';
import { bucketClients, evaluateAndRemediateBucket, evaluateS3Target, sharedAccessPointReads } from './evaluate-s3';
import { evaluateAndRemediateGroup } from './evaluate-sg';
import { processTarget, type PipelineDeps, type TargetOutcome } from './pipeline';

/** Sweeps are long and bursty: adaptive retry adds client-side rate limiting when the service throttles. */
export const SWEEP_CLIENT_CONFIG: ClientConfig = { retryMode: 'adaptive', maxAttempts: 8 };

export interface SweepStats {
  evaluated: number;
  incomplete: number;
  gone: number;
  /** Evaluated and logged, but the notification could not be published after retries. */
  failed: number;
}

/** A resource as the listing gives it, before it is read. */
export interface ListedResource {
  type: 's3-bucket' | 'security-group';
  id: string;
  /** A security group's name. */
  name?: string;
  region?: string;
}

export interface SweepOptions {
  /** Resources in flight at once. */
  concurrency: number;
  /** Retry and timeout settings of the sweep's clients. @default SWEEP_CLIENT_CONFIG */
  clientConfig?: ClientConfig;
  /** Called with each resource the listing gives (and the filter keeps), before it is read: progress, names. */
  onListed?: (resource: ListedResource) => void;
  /** Called with each outcome as it completes; nothing is kept. */
  onOutcome?: (outcome: TargetOutcome) => void;
  /** Called with a resource whose evaluation was logged but whose message could not be published. */
  onFailed?: (resourceId: string, error: unknown) => void;
}

/**
 * Runs `work` over a stream with at most `concurrency` items in flight; stops taking new items
 * once `shouldContinue` says no. True when the stream was exhausted.
 */
async function pool<T>(items: AsyncIterable<T>, concurrency: number, work: (item: T) => Promise<void>, shouldContinue: () => boolean = () => true): Promise<boolean> {
  const it = items[Symbol.asyncIterator]();
  let exhausted = false;
  const worker = async () => {
    while (shouldContinue()) {
      const next = await it.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      await work(next.value);
    }
  };
  // Every worker ends before a listing failure propagates: none is left running unawaited.
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, worker));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return exhausted;
}

/** A resource that could not be read at all is an INCOMPLETE result with its finding, never dropped. */
function unreadable(resource: ResourceRef, error: unknown, settings: PipelineDeps['settings']): EvaluationResult {
  const e = describeError(error);
  const reason = `${e.name}: ${e.message}`;
  const label = resource.type === 's3-bucket' ? `S3 bucket ${resource.id}` : resource.type === 'security-group' ? `Security group ${resource.id}` : `Account ${resource.id}`;
  // The account resource holds one setting (S3.1, MEDIUM); a bucket or group could hide anything.
  const couldHide = resource.type === 's3-account' ? 'MEDIUM' : settings.incompleteSeverity;
  const finding = incompleteFinding(resource, label, [{ field: 'snapshot', reason, couldHide, decides: 'every check of the resource' }]);
  return buildResult(resource, finding ? [finding] : [], ['snapshot'], { snapshot: reason });
}

/**
 * A notification that failed after the SDK's retries is already in the audit log, and counted
 * (NotificationFailures, alarmed); the sweep goes on, and the caller hears which resource it was.
 */
async function settle(stats: SweepStats, options: SweepOptions, resourceId: string, run: () => Promise<TargetOutcome>): Promise<void> {
  try {
    tally(stats, await run(), options);
  } catch (error) {
    stats.failed += 1;
    options.onFailed?.(resourceId, error);
  }
}

function tally(stats: SweepStats, outcome: TargetOutcome, options: SweepOptions): void {
  if (outcome.kind === 'gone') stats.gone += 1;
  // Anything unread counts, whatever the status: a NON_COMPLIANT result can hide more than it shows.
  else if (outcome.result.unknown.length > 0) stats.incomplete += 1;
  else stats.evaluated += 1;
  options.onOutcome?.(outcome);
}

export async function sweepBuckets(deps: PipelineDeps, options: SweepOptions & Pick<BucketPassOptions, 'includeBucket'>): Promise<SweepStats> {
  const account = deps.defaultAccount;
  const where = { account, region: deps.defaultRegion };
  const retry = options.clientConfig ?? SWEEP_CLIENT_CONFIG;
  // The account-level setting is read once and shared by the account result and every bucket
  // (it never rejects: a failure is a field, so it cannot go unawaited).
  let shared = deps.accountPublicAccessBlock ?? readAccountPublicAccessBlock(deps.clients.client(S3ControlClient, where, retry), account);
  // The account level once: its finding is paged there, not on every bucket. Not a bucket, so
  // not in the stats. It runs first, so the buckets then see the account setting after any fix.
  if (account) {
    const resource: ResourceRef = { type: 's3-account', id: account, account, region: where.region };
    try {
      const outcome = await processTarget({ type: 's3-account', account, region: where.region }, undefined, { ...deps, accountPublicAccessBlock: shared }, async (target, d) => {
        try {
          return await evaluateS3Target(target, d);
        } catch (error) {
          // A read that keeps failing is the account's INCOMPLETE finding, logged and notified like any other.
          return { result: unreadable(resource, error, deps.settings) };
        }
      });
      // A fix the guard just applied changed the setting: the buckets read it again.
      if (outcome.kind === 'evaluated' && outcome.result.remediation?.outcome === 'APPLIED') shared = readAccountPublicAccessBlock(deps.clients.client(S3ControlClient, where, retry), account);
      options.onOutcome?.(outcome);
    } catch (error) {
      // Only the publish can fail here; 'notification failed' is in the audit log. Say so, and sweep the buckets anyway.
      deps.logger.error('sweep step failed', { step: 'account', account, error: describeError(error) });
    }
  }
  // No deadline here: the sweep runs every bucket.
  const { evaluated, incomplete, gone, failed } = await evaluateEveryBucket({ ...deps, accountPublicAccessBlock: shared }, options);
  return { evaluated, incomplete, gone, failed };
}

export interface BucketPassOptions extends SweepOptions {
  /** Retry settings of the pass's clients. @default SWEEP_CLIENT_CONFIG */
  clientConfig?: ClientConfig;
  /** Checked before each bucket is taken: false stops the pass (a deadline). */
  shouldContinue?: () => boolean;
  /** The event that started the pass (an account-level change), carried into every bucket's result. */
  trigger?: Trigger;
  /** Which listed buckets to evaluate (the CLI's `--region`); the rest are not read. @default every bucket */
  includeBucket?: (bucket: { name: string; region?: string }) => boolean;
}

/**
 * Every bucket of the account through read → evaluate → remediate → notify → log, streamed and
 * bounded. `stopped` says the pass ended before the last bucket (the caller reports that).
 */
export async function evaluateEveryBucket(deps: PipelineDeps, options: BucketPassOptions): Promise<SweepStats & { stopped: boolean }> {
  const account = deps.defaultAccount;
  const where = { account, region: deps.defaultRegion };
  const retry = options.clientConfig ?? SWEEP_CLIENT_CONFIG;
  const s3 = deps.clients.client(S3Client, where, { followRegionRedirects: true, ...retry });
  const s3control = deps.clients.client(S3ControlClient, where, retry);
  const stats: SweepStats = { evaluated: 0, incomplete: 0, gone: 0, failed: 0 };
  // Shared by every bucket; they never reject (a failure is a field), so they cannot go unawaited.
  const shared: PipelineDeps = {
    ...deps,
    accountPublicAccessBlock: deps.accountPublicAccessBlock ?? readAccountPublicAccessBlock(s3control, account),
    ...sharedAccessPointReads(deps, account, retry),
  };
  const include = options.includeBucket ?? (() => true);
  async function* listed() {
    for await (const bucket of listBuckets(s3)) {
      if (!include(bucket)) continue;
      options.onListed?.({ type: 's3-bucket', id: bucket.name, ...(bucket.region ? { region: bucket.region } : {}) });
      yield bucket;
    }
  }
  const exhausted = await pool(listed(), options.concurrency, async (bucket) => {
    await settle(stats, options, bucket.name, () => sweepOneBucket(bucket, bucketClients(shared, account, bucket.region, retry), shared, options.trigger));
  }, options.shouldContinue);
  return { ...stats, stopped: !exhausted };
}

/**
 * One listed bucket through the event's path; never rejects for a read (a bucket that cannot be
 * read at all is its INCOMPLETE result), only when its message cannot be published.
 */
export function sweepOneBucket(
  bucket: { name: string; region?: string }, clients: BucketClients, deps: PipelineDeps, trigger?: Trigger,
): Promise<TargetOutcome> {
  const account = deps.defaultAccount;
  const resource: ResourceRef = { type: 's3-bucket', id: bucket.name, account, region: bucket.region };
  return processTarget({ type: 's3-bucket', name: bucket.name, account, region: deps.defaultRegion }, trigger, deps, async () => {
    try {
      // A failed read leaves its field unknown and keeps every other one: one bad call does not blank the bucket.
      const read = await readBucket(clients, bucket.name, { account, region: bucket.region }, { transient: 'unknown', context: mayGrantPublicly });
      if (read.kind === 'gone') return { gone: read.reason };
      return { result: await evaluateAndRemediateBucket(read.snapshot, clients.s3, deps) };
    } catch (error) {
      return { result: unreadable(resource, error, deps.settings) };
    }
  });
}

/** One group snapshot (read in a batch) through the event's path, as sweepOneBucket. */
export function sweepOneGroup(snapshot: SecurityGroupSnapshot, ec2: EC2Client, deps: PipelineDeps): Promise<TargetOutcome> {
  const where = { account: deps.defaultAccount, region: deps.defaultRegion };
  const resource: ResourceRef = { type: 'security-group', id: snapshot.GroupId, ...where };
  return processTarget({ type: 'security-group', groupId: snapshot.GroupId, ...where }, undefined, deps, async () => {
    try {
      return { result: await evaluateAndRemediateGroup(snapshot, ec2, deps) };
    } catch (error) {
      return { result: unreadable(resource, error, deps.settings) };
    }
  });
}

export async function sweepSecurityGroups(deps: PipelineDeps, options: SweepOptions): Promise<SweepStats> {
  const where = { account: deps.defaultAccount, region: deps.defaultRegion };
  const ec2 = deps.clients.client(EC2Client, where, options.clientConfig ?? SWEEP_CLIENT_CONFIG);
  const stats: SweepStats = { evaluated: 0, incomplete: 0, gone: 0, failed: 0 };
  async function* snapshots() {
    for await (const batch of securityGroupBatches(ec2, where)) {
      for (const g of batch) options.onListed?.({ type: 'security-group', id: g.GroupId, ...(g.GroupName !== undefined ? { name: g.GroupName } : {}), ...(where.region ? { region: where.region } : {}) });
      yield* batch;
    }
  }
  await pool(snapshots(), options.concurrency, async (snapshot) => {
    await settle(stats, options, snapshot.GroupId, () => sweepOneGroup(snapshot, ec2, deps));
  });
  return stats;
}
