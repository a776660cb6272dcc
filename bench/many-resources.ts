/**
 * Many resources through the sweep path (list → read → evaluate → notify → log), with bounded
 * concurrency, against a simulated account: fixed latency per call, a per-API rate limit that
 * answers throttling errors above it, and 1% transient failures. Reports wall time, calls,
 * retries, peak RSS and whether every resource ended evaluated or INCOMPLETE (none lost).
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../lambda/adapters/sns-notifier';
import { resolveSettings } from '../lambda/core/model/settings';
import { sweepBuckets, sweepSecurityGroups, type SweepStats } from '../lambda/app/sweep';
import type { PipelineDeps } from '../lambda/app/pipeline';
import { silentLogger } from './critical-path';
import { SimulatedAws } from './sim-aws';
import { ACCOUNT, simulatedAccount } from './sim-account';

export interface ManyResult {
  resources: number;
  wallMs: number;
  /** Every simulated call, first attempts and retries. */
  calls: number;
  retries: number;
  throttled: number;
  transientFailures: number;
  callsPerResource: number;
  peakRssMb: number;
  lost: number;
  stats: SweepStats;
  notifications: number;
  concurrency: number;
}

/**
 * Per-API rate limits (token buckets). EC2's are its documented defaults for non-mutating
 * actions (bucket 100, refill 20/s); S3 publishes none for bucket-configuration reads, so 500/s
 * is an assumption; SNS Publish's lowest regional default is 300/s.
 */
export const SIM = {
  latencyMs: 25,
  transientFailureRate: 0.01,
  rates: { S3: { rate: 500, burst: 500 }, S3Control: { rate: 50, burst: 50 }, EC2: { rate: 20, burst: 100 }, SNS: { rate: 300, burst: 300 } },
};

/** A tighter S3 limit than the sweep can reach on its own: the throttling path (adaptive retry) must carry it. */
export const TIGHT = { ...SIM, rates: { ...SIM.rates, S3: { rate: 100, burst: 100 } } };

async function measure(kind: 'buckets' | 'groups', n: number, concurrency: number, sim0: typeof SIM = SIM): Promise<ManyResult> {
  // One bucket in a hundred has an access point: its reads are paid, the listing is shared.
  const accessPointsOn = kind === 'buckets' ? Array.from({ length: Math.ceil(n / 100) }, (_, k) => k * 100 + 7) : [];
  const { answers } = simulatedAccount({ buckets: kind === 'buckets' ? n : 0, groups: kind === 'groups' ? n : 0, accessPointsOn });
  const sim = new SimulatedAws({ ...sim0, record: false }, answers);
  const clients = sim.factory();
  let notifications = 0;
  const sns = new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings');
  const deps: PipelineDeps = {
    settings: resolveSettings(), clients, logger: silentLogger,
    notifier: { publish: async (m) => { notifications += 1; return sns.publish(m); } },
    defaultAccount: ACCOUNT, defaultRegion: 'eu-west-1',
  };
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  const stats = kind === 'buckets' ? await sweepBuckets(deps, { concurrency }) : await sweepSecurityGroups(deps, { concurrency });
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const accounted = stats.evaluated + stats.incomplete + stats.gone + stats.failed;
  return {
    resources: n, wallMs: Math.round(wallMs), calls: sim.calls, retries: sim.throttled + sim.transient,
    throttled: sim.throttled, transientFailures: sim.transient, callsPerResource: Number((sim.calls / n).toFixed(3)),
    peakRssMb: Math.round(peak / 1024 / 1024), lost: n - accounted, stats, notifications, concurrency,
  };
}

export async function measureManyResources(): Promise<Record<string, ManyResult>> {
  return {
    'buckets-1000': await measure('buckets', 1_000, 48),
    'buckets-10000': await measure('buckets', 10_000, 48),
    'groups-5000': await measure('groups', 5_000, 16),
    'buckets-1000-s3-at-100-per-sec': await measure('buckets', 1_000, 48, TIGHT),
  };
}

if (require.main === module) {
  const [kind, n, c] = process.argv.slice(2);
  const run = kind ? measure(kind as 'buckets' | 'groups', Number(n ?? 1000), Number(c ?? 48), process.argv.includes('--tight') ? TIGHT : SIM).then((r) => ({ [`${kind}-${n}`]: r })) : measureManyResources();
  void run.then((r) => console.log(JSON.stringify(r, null, 2)));
}
