/**
 * The scheduled sweep's worker: one SQS message is one batch of a run (sweep-coordinator.ts), each
 * resource in it through the same read → evaluate → remediate → ledger → notify path as an event.
 * A batch is done when every resource in it ended evaluated, INCOMPLETE with its reason, or gone;
 * its tally is kept for the digest and the run's count moves on. A batch in which a message could
 * not be published fails as a whole and is retried: the ledger makes the retry send only what the
 * first try claimed and could not send. After the queue's retries, the DLQ keeps it (alarmed).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { describeError } from '../adapters/aws-errors';
import { readAccountPublicAccessBlock } from '../adapters/bucket-reader';
import { bucketClients, sharedAccessPointReads } from './evaluate-s3';
import { securityGroupBatches } from '../adapters/inventory';
import { isAtLeast } from '../core/model/severity';
import { isComplete, type SweepRuns } from '../adapters/sweep-runs';
import type { LedgerStore } from '../adapters/ledger-store';
import { openFindings } from '../core/notification/compose';
import { resourceKey } from '../core/ledger/policy';
import { batchId, parseSweepBatch, type SweepBatch } from '../core/sweep/batches';
import { emptyTally, fitTally, type BatchTally } from '../core/sweep/tally';
import { evaluateS3Target } from './evaluate-s3';
import { AUDIT_SCHEMA_VERSION, processTarget, type PipelineDeps, type TargetOutcome } from './pipeline';
import { SWEEP_CLIENT_CONFIG, sweepOneBucket, sweepOneGroup } from './sweep';
import { finishRun } from './sweep-digest';

export interface WorkerDeps extends PipelineDeps {
  runs: SweepRuns;
  store: LedgerStore;
  now: () => Date;
  /** Resources of one batch in flight at once. */
  concurrency: number;
}

export interface SqsRecord { messageId: string; body: string }
export interface BatchResponse { batchItemFailures: { itemIdentifier: string }[] }

/** What one outcome adds to the batch's tally: counts, the ledger's sends, changes, gaps, what is open. */
function tallyOutcome(t: BatchTally, outcome: TargetOutcome, now: string): void {
  if (outcome.kind === 'gone') {
    t.counts.gone += 1;
    return;
  }
  const { result } = outcome;
  const resource = { type: result.resource.type, id: result.resource.id, ...(result.resource.account ? { account: result.resource.account } : {}), ...(result.resource.region ? { region: result.resource.region } : {}) };
  // The counts are buckets and groups; the account's own setting is told in the lists only.
  const counted = result.resource.type !== 's3-account';
  if (result.unknown.length > 0) {
    if (counted) t.counts.incomplete += 1;
    t.unevaluated.push({ resource, reasons: Object.fromEntries(result.unknown.map((u) => [u, result.unknownReasons?.[u] ?? 'not read'])) });
  } else if (counted) {
    t.counts.evaluated += 1;
  }
  const decisions = outcome.ledger?.decisions ?? [];
  const firstSeen = new Map(decisions.map((d) => [d.checkId, d.next?.firstSeen]));
  // Its own messages and the digest's, with what an earlier try of this batch recorded.
  for (const d of [...(outcome.ledger?.claimed ?? []), ...(outcome.ledger?.digested ?? [])]) {
    const { severity, title, firstSeen: since, closedBy } = d.next;
    t.decisions.push({ resource, decision: { checkId: d.checkId, reason: d.reason, next: { severity, title, firstSeen: since, ...(closedBy ? { closedBy } : {}) } } });
  }
  const r = result.remediation;
  if (r && (r.outcome === 'APPLIED' || r.outcome === 'FAILED')) {
    t.remediations.push({ resource, report: { action: r.action, mode: r.mode, outcome: r.outcome, detail: r.detail, ...(r.error ? { error: { name: r.error.name } } : {}) } });
  }
  // What pages on this resource (the account-level finding a bucket repeats is the account's): all
  // of it counted by severity, listed from MEDIUM up (what the digest shows; LOW findings are on
  // nearly every bucket, and a list of them would not fit a run of a million).
  const key = resourceKey(result.resource);
  for (const f of openFindings(result, { notifyMinSeverity: 'INFORMATIONAL' })) {
    t.openBySeverity[f.severity] += 1;
    if (!isAtLeast(f.severity, 'MEDIUM')) continue;
    t.open.push({ resourceKey: key, checkId: f.checkId, severity: f.severity, latent: f.latent, title: f.title, firstSeen: firstSeen.get(f.checkId) ?? now });
  }
}

/** Every resource of one batch, each settled: the first publish failure is thrown once all have run. */
async function runBatch(batch: SweepBatch, deps: WorkerDeps, run: RunFacts): Promise<BatchTally> {
  const tally = emptyTally();
  const account = deps.defaultAccount;
  const region = deps.defaultRegion;
  const claimed: PipelineDeps = { ...deps, ledger: { store: deps.store, now: deps.now, claimId: batchId(batch), sweep: { baseline: run.baseline, run: batch.run, ...(run.unfinishedRun ? { unfinishedRun: run.unfinishedRun } : {}) } } };
  const failures: unknown[] = [];
  const work: (() => Promise<TargetOutcome>)[] = [];
  if (batch.kind === 'account') {
    if (!account) throw new Error('the sweep needs the function\'s account');
    work.push(() => processTarget({ type: 's3-account', account, ...(region ? { region } : {}) }, undefined, claimed, evaluateS3Target));
  } else if (batch.kind === 'buckets') {
    const s3control = deps.clients.client(S3ControlClient, { account, region }, SWEEP_CLIENT_CONFIG);
    // Read here, once per batch, not taken from the coordinator: on a large account the last batch
    // runs hours after the listing, and an account setting that old would misjudge every bucket.
    const accountPublicAccessBlock = readAccountPublicAccessBlock(s3control, account);
    // One ledger call for the batch: most buckets never had a finding, and then need no Query of their own.
    const keys = batch.buckets.map((b) => resourceKey({ type: 's3-bucket', id: b.name, account, region }));
    const known = await deps.store.known(keys);
    const unknownToLedger = new Set(keys.filter((k) => !known.has(k)));
    const shared = { ...claimed, ledger: { ...claimed.ledger!, unknownToLedger }, accountPublicAccessBlock, ...sharedAccessPointReads(claimed, account, SWEEP_CLIENT_CONFIG) };
    for (const bucket of batch.buckets) {
      // Each bucket is read in its own region (its access points too): no redirect round trip, no cross-region surprises.
      work.push(() => sweepOneBucket(bucket, bucketClients(shared, account, bucket.region ?? region, SWEEP_CLIENT_CONFIG), shared));
    }
  } else {
    const ec2 = deps.clients.client(EC2Client, { account, region }, SWEEP_CLIENT_CONFIG);
    const keys = batch.groupIds.map((id) => resourceKey({ type: 'security-group', id, account, region }));
    const known = await deps.store.known(keys);
    // The groups are read before each is taken up: their results are as old as that read.
    const grouped = { ...claimed, ledger: { ...claimed.ledger!, unknownToLedger: new Set(keys.filter((k) => !known.has(k))), observedAt: deps.now() } };
    const seen = new Set<string>();
    for await (const snapshots of securityGroupBatches(ec2, { account, region }, batch.groupIds)) {
      for (const snapshot of snapshots) {
        seen.add(snapshot.GroupId);
        work.push(() => sweepOneGroup(snapshot, ec2, grouped));
      }
    }
    // Listed by the coordinator, gone by now: deleted mid-sweep.
    for (const id of batch.groupIds.filter((g) => !seen.has(g))) {
      deps.logger.info('resource gone', { schemaVersion: AUDIT_SCHEMA_VERSION, target: { type: 'security-group', groupId: id }, reason: 'deleted since the sweep listed it' });
      tally.counts.gone += 1;
    }
  }
  let next = 0;
  const lane = async () => {
    while (next < work.length) {
      const item = work[next++]!;
      try {
        tallyOutcome(tally, await item(), deps.now().toISOString());
      } catch (error) {
        tally.counts.failed += 1;
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency, work.length)) }, lane));
  if (failures.length > 0) throw failures[0];
  return tally;
}

interface RunFacts { baseline: boolean; unfinishedRun?: string }

/** What travels with the run, not the message: read once per run and container. */
async function factsOf(run: string, deps: WorkerDeps, cache: Map<string, RunFacts>): Promise<RunFacts> {
  let facts = cache.get(run);
  if (facts === undefined) {
    const state = await deps.runs.state(run);
    facts = { baseline: state?.baseline ?? false, ...(state?.previousUnfinishedRun ? { unfinishedRun: state.previousUnfinishedRun } : {}) };
    cache.set(run, facts);
  }
  return facts;
}

export async function sweepMessages(records: SqsRecord[], deps: WorkerDeps, runs = new Map<string, RunFacts>()): Promise<BatchResponse> {
  const batchItemFailures: BatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    const batch = parseSweepBatch(record.body);
    if ('invalid' in batch) {
      // Not ours to guess at: it fails to the sweep's dead-letter queue, which is alarmed.
      deps.logger.error('sweep batch unreadable', { schemaVersion: AUDIT_SCHEMA_VERSION, messageId: record.messageId, reason: batch.invalid });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const tally = await runBatch(batch, deps, await factsOf(batch.run, deps, runs));
      const state = await deps.runs.batchDone(batch.run, batch.seq, fitTally(tally), deps.now());
      if (state && isComplete(state)) await finishRun(batch.run, batchId(batch), deps);
    } catch (error) {
      deps.logger.error('sweep batch failed', { schemaVersion: AUDIT_SCHEMA_VERSION, batch: batchId(batch), kind: batch.kind, error: describeError(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  deps.metrics?.flush();
  return { batchItemFailures };
}
