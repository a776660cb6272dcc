/**
 * The handlers' critical path: the real S3 and security-group handlers (pipeline, readers,
 * remediation, notifier) against a simulated AWS where every call takes a fixed latency.
 * Counts the sequential round trips (deterministic) and reports wall time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LedgerStore } from '../lambda/adapters/ledger-store';
import { SnsNotifier } from '../lambda/adapters/sns-notifier';
import { ledgerTable } from '../test/helpers/dynamodb-ledger';
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
  /** Messages published by the measured run (a duplicate must publish none). */
  publishes: number;
  /**
   * Round trips until the message is out: the ledger target (read → claim → publish). The
   * ledger's confirm comes after the message, so it delays no one; `roundTrips` counts it.
   */
  toMessage: number;
}

interface Spec {
  name: string;
  target: number | null;
  fixture: string;
  evaluate: Evaluator;
  settings: Parameters<typeof resolveSettings>[0];
  mutate?: (e: ReturnType<typeof cloudTrailFixture>) => void;
  /** With the findings ledger: the event's first delivery, or its second (measured after the first). */
  ledger?: 'first' | 'duplicate';
  /** The evaluated bucket has an access point (its reads follow the listing). */
  accessPoint?: true;
}

/** The chain itself, for the report: the calls of each round trip. */
function chainOf(records: SimulatedAws['records']): string[] {
  const steps: string[][] = [];
  for (const c of callDepths(records)) (steps[c.depth - 1] ??= []).push(c.api);
  return steps.map((s) => [...new Set(s)].join(' + '));
}

async function run(spec: Spec, latencyMs: number): Promise<CriticalPathScenario> {
  const { answers, bucketName, groupId } = simulatedAccount({ buckets: 100, groups: 100, ...(spec.accessPoint ? { accessPointsOn: [10] } : {}) });
  const { handlers } = ledgerTable();
  const sim = new SimulatedAws({ latencyMs, record: true }, { ...answers, ...Object.fromEntries(Object.entries(handlers).map(([api, h]) => [`DynamoDB:${api}`, h as never])) });
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
    ...(spec.ledger ? { ledger: { store: new LedgerStore(clients.client(DynamoDBClient, {}), 'ledger'), now: () => new Date() } } : {}),
  };
  if (spec.ledger === 'duplicate') {
    await processEvent(event, deps, spec.evaluate);
    sim.records.length = 0;
  }
  const t0 = performance.now();
  await processEvent(event, deps, spec.evaluate);
  const wallMs = performance.now() - t0;
  const trips = roundTrips(sim.records);
  const publishes = sim.records.filter((r) => r.api === 'Publish').length;
  const toMessage = Math.max(0, ...callDepths(sim.records).filter((c) => c.api === 'Publish').map((c) => c.depth)) || trips;
  const measured = spec.ledger ? toMessage : trips;
  const met = spec.target === null ? null : measured <= spec.target && (spec.ledger !== 'duplicate' || publishes === 0);
  return { roundTrips: trips, toMessage, target: spec.target, met, wallMs: Math.round(wallMs), calls: sim.records.length, chain: chainOf(sim.records), publishes };
}

export const CRITICAL_PATH_SPECS: Spec[] = [
  { name: 's3-notify', target: 2, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: {} },
  // Issue 13: the access point listing and AWS's policy status run beside the bucket's reads; an access point's own reads are one more.
  { name: 's3-notify-access-point', target: 3, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: {}, accessPoint: true },
  { name: 's3-enforce', target: 4, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: { remediation: { s3BucketPublicAccess: 'enforce' } } },
  { name: 'sg-notify', target: 3, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: {} },
  { name: 'sg-notify-prefix-list', target: 3, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: {} },
  // With the findings ledger (issue 11): its read runs beside the resource's reads, then the claim, then the publish.
  { name: 's3-notify-ledger', target: 3, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: {}, ledger: 'first' },
  { name: 's3-duplicate-ledger', target: 2, fixture: 's3-put-bucket-policy.json', evaluate: evaluateS3Target, settings: {}, ledger: 'duplicate' },
  { name: 'sg-notify-ledger', target: 3, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: {}, ledger: 'first' },
  { name: 'sg-duplicate-ledger', target: 2, fixture: 'ec2-authorize-ingress-sdk.json', evaluate: evaluateSecurityGroupTarget, settings: {}, ledger: 'duplicate' },
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
