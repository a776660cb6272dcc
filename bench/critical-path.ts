/**
 * The handlers' critical path: the real S3 and security-group handlers (pipeline, readers,
 * remediation, notifier) against a simulated AWS where every call takes a fixed latency.
 * Counts the sequential round trips (deterministic) and reports wall time.
 */
import { SnsNotifier } from '../lambda/adapters/sns-notifier';
import { SNSClient } from '@aws-sdk/client-sns';
import { resolveSettings } from '../lambda/core/model/settings';
import { evaluateS3Target } from '../lambda/app/evaluate-s3';
import { evaluateSecurityGroupTarget } from '../lambda/app/evaluate-sg';
import { processEvent, type AuditLogger, type Evaluator } from '../lambda/app/pipeline';
import { cloudTrailFixture } from '../test/fixtures/load';
import { callDepths, roundTrips, SimulatedAws } from './sim-aws';
import { ACCOUNT, simulatedAccount } from './sim-account';

export const silentLogger: AuditLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface CriticalPathScenario {
  roundTrips: number;
  /** The target; null where none is set (security-group enforce). */
  target: number | null;
  met: boolean | null;
  wallMs: number;
  calls: number;
  chain: string[];
}

interface Spec {
  name: string;
  target: number | null;
  fixture: string;
  evaluate: Evaluator;
  settings: Parameters<typeof resolveSettings>[0];
  mutate?: (e: ReturnType<typeof cloudTrailFixture>) => void;
}

/** The chain itself, for the report: the calls of each round trip. */
function chainOf(records: SimulatedAws['records']): string[] {
  const steps: string[][] = [];
  for (const c of callDepths(records)) (steps[c.depth - 1] ??= []).push(c.api);
  return steps.map((s) => [...new Set(s)].join(' + '));
}

async function run(spec: Spec, latencyMs: number): Promise<CriticalPathScenario> {
  const { answers, bucketName, groupId } = simulatedAccount({ buckets: 100, groups: 100 });
  const sim = new SimulatedAws({ latencyMs, record: true }, answers);
  const clients = sim.factory();
  const event = cloudTrailFixture(spec.fixture);
  // Point the event at a simulated resource that is exposed: bucket 10 (public read, BPA off), group 12 (SSH open, public IP) or 0 (SSH, a prefix list, 40 rules).
  event.detail.recipientAccountId = ACCOUNT;
  const rp = event.detail.requestParameters as Record<string, unknown>;
  if ('bucketName' in rp) rp.bucketName = bucketName(10);
  if ('groupId' in rp) {
    rp.groupId = groupId(spec.name.includes('prefix') ? 0 : 12);
    event.detail.responseElements = null; // it names the fixture's own group id too
  }
  spec.mutate?.(event);
  const deps = {
    settings: resolveSettings(spec.settings), clients, logger: silentLogger,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: ACCOUNT, defaultRegion: 'eu-west-1',
  };
  const t0 = performance.now();
  await processEvent(event, deps, spec.evaluate);
  const wallMs = performance.now() - t0;
  const trips = roundTrips(sim.records);
  return { roundTrips: trips, target: spec.target, met: spec.target === null ? null : trips <= spec.target, wallMs: Math.round(wallMs), calls: sim.records.length, chain: chainOf(sim.records) };
}

export const CRITICAL_PATH_SPECS: Spec[] = [
  { name: 's3-notify', target: 2, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: {} },
  { name: 's3-enforce', target: 4, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: { remediation: { s3BucketPublicAccess: 'enforce' } } },
  { name: 'sg-notify', target: 3, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: {} },
  { name: 'sg-notify-prefix-list', target: 3, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: {} },
  { name: 'sg-enforce', target: null, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: { remediation: { securityGroupIngress: 'enforce' } } },
];

export async function measureCriticalPath(latencyMs = 25): Promise<Record<string, CriticalPathScenario>> {
  const out: Record<string, CriticalPathScenario> = {};
  for (const spec of CRITICAL_PATH_SPECS) out[spec.name] = await run(spec, latencyMs);
  return out;
}

if (require.main === module) {
  void measureCriticalPath().then((r) => console.log(JSON.stringify(r, null, 2)));
}
