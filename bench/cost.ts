/**
 * Monthly cost, from the benchmark's measured durations, memory and record sizes, for an account
 * with 1,000 relevant API calls a day and 10,000 buckets (plus 5,000 security groups) re-checked
 * daily; next to AWS Config + Security Hub for the same controls. Every input is in PRICES or
 * ASSUMPTIONS, and the arithmetic is returned line by line so the document can show it.
 *
 * Prices: us-east-1 list prices as recorded here (they change: check the pricing pages before
 * quoting). Lambda arm64 and INIT-phase billing (since Aug 2025) are assumed.
 */
import { evaluateBucket } from '../lambda/core/s3/evaluator';
import { resolveSettings } from '../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../lambda/core/sg/evaluator';
import { generateBucketSnapshots, generateSecurityGroupSnapshots } from './generate';

export const PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  snsPerMillionPublishes: 0.5,
  snsEmailPer100k: 2.0,
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  customMetricPerMonth: 0.3,
  alarmPerMonth: 0.1,
  kmsKeyPerMonth: 1.0,
  /** DynamoDB on demand: per million write / read request units (a transactional write is 2 WRU per item, a strongly consistent read 1 RRU per 4 KB). */
  dynamoPerMillionWrites: 0.625,
  dynamoPerMillionReads: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  dynamoPitrPerGbMonth: 0.2,
  sqsPerMillionRequests: 0.4,
  kmsPer10kRequests: 0.03,
  configItem: 0.003,
  /** AWS Config rule evaluations and Security Hub security checks share this tiering. */
  evaluationTiers: [[100_000, 0.001], [400_000, 0.0008], [Infinity, 0.0005]] as [number, number][],
} as const;

export const ASSUMPTIONS = {
  days: 30,
  eventsPerDay: 1_000,
  bucketsSweptPerDay: 10_000,
  groupsSweptPerDay: 5_000,
  eventMemoryGb: 0.25,
  /** A sweep is CPU-bound in the SDK: give it one full vCPU (1,769 MB), where Lambda stops adding CPU. */
  sweepMemoryGb: 1.769,
  /** Events arrive ~1 a minute and a warm container lives minutes: 1 in 5 pays the INIT phase. */
  coldStartShare: 0.2,
  /** Share of events that send an email (the rest are fixes or compliant changes). */
  eventNotifyShare: 0.1,
  /** Logger envelope around each record (level, timestamp, service, function context). */
  logEnvelopeBytes: 350,
  /**
   * CloudWatch metrics the guard emits: Evaluations×3 statuses, Findings×5 severities, Remediations×6, RemediationFailures,
   * DeliveryLatency×2 (events, the canary), CanaryFailures (the other failure counters, SemanticsDrift and
   * OracleUnavailable among them, exist only when something fails or AWS's verdict differs).
   */
  customMetrics: 18,
  /** The stack's CloudWatch alarms (cdk synth: every AWS::CloudWatch::Alarm in the template). */
  alarms: 15,
  /** The security controls the guard mirrors, per bucket and per group. */
  s3Controls: 7,
  sgControls: 6,
  /** Share of the 1,000 daily calls touching a bucket (the rest security groups). */
  s3EventShare: 0.5,
};

function tiered(count: number): number {
  let left = count;
  let cost = 0;
  for (const [size, price] of PRICES.evaluationTiers) {
    const n = Math.min(left, size);
    cost += n * price;
    left -= n;
    if (left <= 0) break;
  }
  return cost;
}

/** Mean audit-record bytes for realistic resources (result JSON + logger envelope). */
export function meanRecordBytes(): { bucket: number; group: number } {
  const settings = resolveSettings();
  const b = generateBucketSnapshots(500, 7).map((s) => JSON.stringify(evaluateBucket(s)).length);
  const g = generateSecurityGroupSnapshots(500, 7).map((s) => JSON.stringify(evaluateSecurityGroup(s, settings)).length);
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  return { bucket: Math.round(mean(b)) + ASSUMPTIONS.logEnvelopeBytes, group: Math.round(mean(g)) + ASSUMPTIONS.logEnvelopeBytes };
}

export interface CostInputs {
  /** Measured: wall time of one event evaluation (critical path with simulated latency), ms. */
  eventMs: number;
  /** Measured: cold-start init of the event function, ms. */
  initMs: number;
  /** Measured: sweep wall time for 10,000 buckets and 5,000 groups, ms. */
  sweepBucketsMs: number;
  sweepGroupsMs: number;
  /** Measured: messages a daily sweep sends in the steady state (the digest; per-resource ones only for missed events). */
  sweepNotificationsPerDay: number;
  /** Measured (distributed sweep, steady state): DynamoDB calls, item writes and SQS requests per swept resource. */
  sweepDynamoCallsPerResource: number;
  sweepDynamoWritesPerResource: number;
  sweepSqsRequestsPerResource: number;
}

export interface CostLine { item: string; arithmetic: string; usd: number }

export function costModel(inputs: CostInputs): {
  guard: CostLine[]; guardTotal: number; managed: CostLine[]; managedTotal: number; managedChangeOnlyTotal: number; recordBytes: { bucket: number; group: number };
} {
  const a = ASSUMPTIONS;
  const p = PRICES;
  const rec = meanRecordBytes();
  const events = a.eventsPerDay * a.days;
  const eventGbS = events * a.eventMemoryGb * (inputs.eventMs + a.coldStartShare * inputs.initMs) / 1000;
  const sweepGbS = a.days * a.sweepMemoryGb * (inputs.sweepBucketsMs + inputs.sweepGroupsMs) / 1000;
  const records = events + a.days * (a.bucketsSweptPerDay + a.groupsSweptPerDay);
  const logGb = (events * ((rec.bucket + rec.group) / 2) + a.days * (a.bucketsSweptPerDay * rec.bucket + a.groupsSweptPerDay * rec.group)) / 1e9;
  const emails = events * a.eventNotifyShare + a.days * inputs.sweepNotificationsPerDay;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const guard: CostLine[] = [
    { item: 'Lambda, events', arithmetic: `${events} × ${a.eventMemoryGb} GB × (${inputs.eventMs} ms + ${a.coldStartShare} × ${inputs.initMs} ms init) = ${eventGbS.toFixed(0)} GB-s × $${p.lambdaGbSecondArm}`, usd: eventGbS * p.lambdaGbSecondArm },
    { item: 'Lambda, daily sweep', arithmetic: `${a.days} × ${a.sweepMemoryGb} GB × (${(inputs.sweepBucketsMs / 1000).toFixed(1)} s + ${(inputs.sweepGroupsMs / 1000).toFixed(1)} s) = ${sweepGbS.toFixed(0)} GB-s × $${p.lambdaGbSecondArm}`, usd: sweepGbS * p.lambdaGbSecondArm },
    { item: 'Lambda requests', arithmetic: `${events + 2 * a.days} / 1M × $${p.lambdaPerMillionRequests}`, usd: ((events + 2 * a.days) / 1e6) * p.lambdaPerMillionRequests },
    { item: 'SNS publishes + emails', arithmetic: `${emails} publishes (first 1M free) + ${emails} emails / 100k × $${p.snsEmailPer100k}`, usd: (emails / 1e5) * p.snsEmailPer100k },
    { item: 'CloudWatch Logs ingestion', arithmetic: `${records} records × ~${Math.round((rec.bucket + rec.group) / 2)} B = ${logGb.toFixed(2)} GB × $${p.logsIngestPerGb}`, usd: logGb * p.logsIngestPerGb },
    { item: 'CloudWatch Logs storage (365-day retention, steady state)', arithmetic: `${logGb.toFixed(2)} GB × 12 months × $${p.logsStoragePerGbMonth}`, usd: logGb * 12 * p.logsStoragePerGbMonth },
    { item: 'Custom metrics (EMF)', arithmetic: `${a.customMetrics} metric/dimension combinations × $${p.customMetricPerMonth}`, usd: a.customMetrics * p.customMetricPerMonth },
    { item: 'Alarms', arithmetic: `${a.alarms} × $${p.alarmPerMonth}`, usd: a.alarms * p.alarmPerMonth },
    {
      item: 'DynamoDB ledger (on demand)',
      // events: a Query each, and for the 10% that send, a claim transaction of ~3 items (2 WRU each) and ~3 confirms
      arithmetic: `events: ${events} Queries + ${events * a.eventNotifyShare} × (3 items × 2 + 3) WRU; sweep: ${a.days} × ${a.bucketsSweptPerDay + a.groupsSweptPerDay} resources × (${inputs.sweepDynamoCallsPerResource} calls, ${inputs.sweepDynamoWritesPerResource} items × 2 WRU); storage and PITR of a few MB`,
      usd: ((events + a.days * (a.bucketsSweptPerDay + a.groupsSweptPerDay) * inputs.sweepDynamoCallsPerResource) / 1e6) * p.dynamoPerMillionReads
        + ((events * a.eventNotifyShare * 9 + a.days * (a.bucketsSweptPerDay + a.groupsSweptPerDay) * inputs.sweepDynamoWritesPerResource * 2) / 1e6) * p.dynamoPerMillionWrites
        + 0.01 * (p.dynamoStoragePerGbMonth + p.dynamoPitrPerGbMonth),
    },
    {
      item: 'SQS (sweep batches)',
      arithmetic: `${a.days} × ${a.bucketsSweptPerDay + a.groupsSweptPerDay} resources × ${inputs.sweepSqsRequestsPerResource} requests (first 1M a month free)`,
      usd: (Math.max(0, a.days * (a.bucketsSweptPerDay + a.groupsSweptPerDay) * inputs.sweepSqsRequestsPerResource - 1e6) / 1e6) * p.sqsPerMillionRequests,
    },
    { item: 'Schedule (EventBridge rule, once a day)', arithmetic: `${a.days} invocations a month`, usd: 0 },
    { item: 'KMS key + requests', arithmetic: `$${p.kmsKeyPerMonth} + ${emails} publishes / 10k × $${p.kmsPer10kRequests}`, usd: p.kmsKeyPerMonth + (emails / 1e4) * p.kmsPer10kRequests },
    { item: 'EventBridge (AWS service events, default bus) and the first CloudTrail management trail', arithmetic: 'no charge', usd: 0 },
    {
      item: 'GUARD_BLIND check and canary',
      arithmetic: `${a.days} × (3 CloudTrail reads, 1 PutBucketPublicAccessBlock, 2 DynamoDB reads + 2 writes, 1 heartbeat write): CloudTrail's control-plane reads and S3's bucket-configuration calls are not billed`,
      usd: ((a.days * 2) / 1e6) * p.dynamoPerMillionReads + ((a.days * 3) / 1e6) * p.dynamoPerMillionWrites,
    },
  ].map((l) => ({ ...l, usd: r2(l.usd) }));

  const changes = events;
  const resources = a.bucketsSweptPerDay + a.groupsSweptPerDay;
  const dailyChecks = a.days * (a.bucketsSweptPerDay * a.s3Controls + a.groupsSweptPerDay * a.sgControls);
  const changeChecks = changes * (a.s3EventShare * a.s3Controls + (1 - a.s3EventShare) * a.sgControls);
  const checks = dailyChecks + changeChecks;
  const managed: CostLine[] = [
    { item: 'AWS Config configuration items (continuous)', arithmetic: `${changes} changes × $${p.configItem}`, usd: changes * p.configItem },
    { item: 'AWS Config rule evaluations', arithmetic: `(${a.days} days × (${a.bucketsSweptPerDay} buckets × ${a.s3Controls} + ${a.groupsSweptPerDay} groups × ${a.sgControls}) periodic + ${changeChecks} on change) = ${checks} evaluations, tiered`, usd: tiered(checks) },
    { item: 'Security Hub security checks', arithmetic: `the same ${checks} checks, tiered`, usd: tiered(checks) },
    { item: 'Security Hub finding ingestion', arithmetic: `first 10,000 a month free; ~${resources} resources' findings updated`, usd: 0 },
  ].map((l) => ({ ...l, usd: r2(l.usd) }));
  // The same services evaluating only on change (no daily re-check of unchanged resources).
  const changeOnly = changes * p.configItem + 2 * tiered(changeChecks);
  return {
    guard, guardTotal: r2(guard.reduce((s, l) => s + l.usd, 0)),
    managed, managedTotal: r2(managed.reduce((s, l) => s + l.usd, 0)),
    managedChangeOnlyTotal: r2(changeOnly),
    recordBytes: rec,
  };
}
