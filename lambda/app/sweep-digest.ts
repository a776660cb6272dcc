/**
 * The run's one digest, sent by whoever saw its last batch done. Claimed first, so the coordinator
 * and a worker that both see the run complete send it once; a publish that fails leaves the claim
 * to this claimant's retry (or to anyone after the lease).
 */
import type { MetricsSink } from '../adapters/metrics';
import type { Notifier } from '../adapters/sns-notifier';
import type { SweepRuns } from '../adapters/sweep-runs';
import { composeDigest } from '../core/notification/digest';
import { mergeTallies } from '../core/sweep/tally';
import { AUDIT_SCHEMA_VERSION, type AuditLogger } from './pipeline';
import { describeError } from '../adapters/aws-errors';

export interface DigestDeps {
  runs: SweepRuns;
  notifier: Notifier;
  logger: AuditLogger;
  metrics?: MetricsSink;
  now: () => Date;
}

export async function finishRun(run: string, claimId: string, deps: DigestDeps): Promise<'sent' | 'not mine'> {
  if (!(await deps.runs.claimDigest(run, claimId, deps.now()))) return 'not mine';
  const state = await deps.runs.state(run);
  if (!state) throw new Error(`sweep run ${run} has no run item`);
  const tallies: Parameters<typeof mergeTallies>[0] = [];
  for await (const t of deps.runs.tallies(run)) (tallies as unknown[]).push(t);
  const tally = mergeTallies(tallies);
  const digest = composeDigest({
    account: state.account, region: state.region, startedAt: state.startedAt, finishedAt: deps.now().toISOString(),
    ...tally, baseline: state.baseline, ...(state.previousUnfinished ? { previousUnfinished: state.previousUnfinished } : {}),
  });
  let messageId: string | undefined;
  try {
    messageId = await deps.notifier.publish(digest);
  } catch (error) {
    deps.metrics?.count('NotificationFailures');
    deps.logger.error('notification failed', { schemaVersion: AUDIT_SCHEMA_VERSION, run, kind: 'sweep-digest', subject: digest.subject, error: describeError(error) });
    throw error;
  }
  await deps.runs.digestSent(run, messageId ?? 'unknown', deps.now());
  deps.logger.info('sweep digest', {
    schemaVersion: AUDIT_SCHEMA_VERSION, run, baseline: state.baseline, counts: tally.counts, open: tally.open.length, batches: state.batches,
    notification: { sent: true, messageId, severity: digest.severity, subject: digest.subject },
  });
  return 'sent';
}
