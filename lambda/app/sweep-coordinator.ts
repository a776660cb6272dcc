/**
 * The scheduled sweep's coordinator: lists every bucket (each with its region) and every security
 * group of the region, and puts numbered batches
 * on the queue for the workers (sweep-worker.ts). It never evaluates, and it only lists, so it
 * stays short at any size: 1,000,000 buckets are 1,000 ListBuckets pages and 20,000 batches.
 * A retry of the same run (same run id) lists again and enqueues the same numbered batches; a
 * batch done twice is counted once.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describeError } from '../adapters/aws-errors';
import { listBuckets, listSecurityGroupIds } from '../adapters/inventory';
import { SweepQueue } from '../adapters/sweep-queue';
import { isComplete, type RunState, type SweepRuns } from '../adapters/sweep-runs';
import { BUCKETS_PER_BATCH, GROUPS_PER_BATCH } from '../core/sweep/batches';
import { AUDIT_SCHEMA_VERSION, type PipelineDeps } from './pipeline';
import { SWEEP_CLIENT_CONFIG } from './sweep';
import { finishRun } from './sweep-digest';
import { checkGuardHealth, type GuardHealthDeps } from './guard-health';

export interface CoordinatorDeps extends PipelineDeps {
  runs: SweepRuns;
  queueUrl: string;
  now: () => Date;
  /** The guard's check of its own sight (GUARD_BLIND), once per run: its canary and the operations topic. */
  health?: Pick<GuardHealthDeps, 'canaryWriter' | 'opsNotifier'>;
}

export interface SweepStarted {
  run: string;
  baseline: boolean;
  batches: number;
  buckets: number;
  groups: number;
  /** A retry of a run that had already listed everything. */
  resumed: boolean;
}

async function* chunks<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The previous run never sent its digest: some of its batches failed to the DLQ, or are still queued. */
function unfinished(previous: RunState | undefined, run: string): string | undefined {
  if (!previous || previous.run === run || previous.digestSentAt) return undefined;
  return `the previous sweep (run ${previous.run}, started ${previous.startedAt}) finished ${previous.done} of ${previous.batches ?? 'an unknown number of'} batches and sent no digest: the rest are still queued or in the sweep's dead-letter queue`;
}

/**
 * The health check runs beside the listing and never holds it up; a failure of its own (its
 * message could not be published) fails the run once the listing is done, so Lambda retries it
 * (a retried run re-checks, and its listing resumes).
 */
function startHealthCheck(run: string, deps: CoordinatorDeps): () => Promise<void> {
  if (!deps.health) return async () => undefined;
  const done = checkGuardHealth(run, { ...deps, ...deps.health }).then(() => undefined, (error: unknown) => {
    deps.logger.error('sweep failed', { schemaVersion: AUDIT_SCHEMA_VERSION, run, step: 'guard health', error: describeError(error) });
    return error;
  });
  return async () => {
    const error = await done;
    if (error !== undefined) throw error;
  };
}

export async function startSweep(run: string, deps: CoordinatorDeps): Promise<SweepStarted> {
  const account = deps.defaultAccount;
  const region = deps.defaultRegion;
  if (!account || !region) throw new Error('the sweep needs the function\'s account and region');
  const health = startHealthCheck(run, deps);
  try {
    const started = await listAndEnqueue(run, deps, account, region);
    await health();
    return started;
  } catch (error) {
    // Never left running unawaited; the listing's error is the one that matters.
    await health().catch(() => undefined);
    throw error;
  }
}

async function listAndEnqueue(run: string, deps: CoordinatorDeps, account: string, region: string): Promise<SweepStarted> {
  const previous = await deps.runs.latest();
  const lag = unfinished(previous, run);
  if (lag) {
    // Loud in both places an operator looks: the alarm on this metric, and the next digest.
    deps.metrics?.count('SweepUnfinished');
    deps.logger.error('sweep unfinished', { schemaVersion: AUDIT_SCHEMA_VERSION, run: previous?.run, detail: lag });
  }
  const startedAt = deps.now().toISOString();
  // The baseline until one has been told: a first sweep that never finished leaves the next one the baseline.
  // Only once: a baseline that did not finish either is not a reason to keep every run a baseline.
  const baseline = previous === undefined || (previous.run !== run && previous.baseline && !previous.digestSentAt && !previous.previousUnfinished);
  const state = await deps.runs.begin({
    run, account, region, startedAt, baseline, ...(lag && previous ? { previousUnfinished: lag, previousUnfinishedRun: previous.run } : {}),
  }, deps.now());
  const summary = { run, baseline: state.baseline };
  if (state.batches !== undefined) {
    // This run already listed everything (this is Lambda's retry): only its digest may be owed.
    if (isComplete(state)) await finishRun(run, `${run}:coordinator`, deps);
    return { ...summary, batches: state.batches, buckets: 0, groups: 0, resumed: true };
  }

  const s3 = deps.clients.client(S3Client, { account, region }, SWEEP_CLIENT_CONFIG);
  const ec2 = deps.clients.client(EC2Client, { account, region }, SWEEP_CLIENT_CONFIG);
  const queue = new SweepQueue(deps.clients.client(SQSClient, { region }), deps.queueUrl);
  let seq = 0;
  let buckets = 0;
  let groups = 0;
  try {
    await queue.add({ run, seq: seq++, kind: 'account' });
    for await (const chunk of chunks(listBuckets(s3), BUCKETS_PER_BATCH)) {
      buckets += chunk.length;
      await queue.add({ run, seq: seq++, kind: 'buckets', buckets: chunk });
    }
    for await (const chunk of chunks(listSecurityGroupIds(ec2), GROUPS_PER_BATCH)) {
      groups += chunk.length;
      await queue.add({ run, seq: seq++, kind: 'groups', groupIds: chunk });
    }
    await queue.flush();
  } catch (error) {
    // A sweep that cannot list is blind: the error goes to Lambda's retry, the function's alarm
    // and its dead-letter queue; this record says how far it got.
    deps.logger.error('sweep failed', { schemaVersion: AUDIT_SCHEMA_VERSION, run, step: 'listing', queued: seq, buckets, groups, error: describeError(error) });
    throw error;
  }
  const listed = await deps.runs.listed(run, seq);
  deps.logger.info('sweep started', { schemaVersion: AUDIT_SCHEMA_VERSION, run, baseline: state.baseline, batches: seq, buckets, groups });
  // The workers may all have finished while the listing went on: then the digest is the coordinator's.
  if (isComplete(listed)) await finishRun(run, `${run}:coordinator`, deps);
  return { ...summary, batches: seq, buckets, groups, resumed: false };
}
