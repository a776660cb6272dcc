/**
 * The one path every entry point shares: read the target's current state → evaluate →
 * notify → write the audit record. Handlers differ only in how they read and evaluate.
 */
import { describeError } from '../adapters/aws-errors';
import type { ClientFactory } from '../adapters/clients';
import type { MetricsSink } from '../adapters/metrics';
import type { Notifier } from '../adapters/sns-notifier';
import { triggerOf } from '../core/events/cloudtrail';
import { asMissedEvent, composeNotification, composeResolved, withResolved, type Notification, type ResolvedFinding } from '../core/notification/compose';
import type { GuardSettings } from '../core/model/settings';
import { targetId, type Target } from '../core/events/target';
import { targets as targetsOf } from '../core/events/targets';
import type { EvaluationResult, RemediationReport, ResourceRef, Trigger } from '../core/model/types';
import type { LedgerStore, ResourceLedger } from '../adapters/ledger-store';
import { CLAIM_LEASE_MS, resourceKey, sweepDelivery } from '../core/ledger/policy';
import { ClaimInFlightError, recordEvaluation, type Recorded } from './ledger';
import type { AccountBpaRead } from '../adapters/bucket-reader';
import type { AccessPointListings, MultiRegionListing } from '../adapters/access-point-reader';
import { guardResource } from '../core/guard/evaluate';
import { isOwnCall } from '../core/events/own-call';
import { deliveryLatencyMs } from '../core/events/delivery';
import { canaryHeartbeatOf, type CanaryIdentity } from '../core/guard/canary-event';
import type { CanaryStore } from '../adapters/canary-store';

/** The subset of the Powertools Logger the pipeline uses, so tests can inject a recorder. */
export interface AuditLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface PipelineDeps {
  settings: GuardSettings;
  clients: ClientFactory;
  notifier: Notifier;
  logger: AuditLogger;
  metrics?: MetricsSink;
  /** The function's own account and region, used when an event does not name them. */
  defaultAccount?: string;
  defaultRegion?: string;
  /** The function's own IAM role: a call it made itself (a remediation) is re-evaluated quietly. */
  ownRoleName?: string;
  /** The function's log group (AWS_LAMBDA_LOG_GROUP_NAME): messages say where the audit records are. */
  auditLogGroup?: string;
  /** The account-level Block Public Access, read once when many buckets are evaluated together. */
  accountPublicAccessBlock?: Promise<AccountBpaRead>;
  /** The account's Multi-Region Access Point listing, read once the same way. */
  multiRegionAccessPoints?: Promise<MultiRegionListing>;
  /** The account's access points, listed once per region the same way. */
  accessPointListings?: AccessPointListings;
  /** When set, only results it accepts are notified (all are logged): a fan-out tells what became live, not everything. */
  notifyWhen?: (result: EvaluationResult) => boolean;
  /** Epoch milliseconds by which long work (a fan-out over every bucket) must stop taking new items. */
  deadline?: number;
  /** How to wait between polls of a change still in progress; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The findings ledger: when set, a message goes out only for what is new, rose, is due again or
   * closed (core/ledger/policy.ts), claimed before it is sent. Unset: every evaluation at or above
   * notifyMinSeverity is sent, as before the ledger.
   */
  ledger?: {
    store: LedgerStore;
    now: () => Date;
    /** Same on a retry of the same work: the sweep batch's id. @default the event id */
    claimId?: string;
    /** The scheduled sweep: most of what it finds is told in its digest (sweepDelivery). */
    sweep?: { baseline: boolean; run: string; unfinishedRun?: string };
    /** Resource keys known to have no ledger entries (the sweep asked for a whole batch at once): no Query for them. */
    unknownToLedger?: ReadonlySet<string>;
    /** When the reads began, if before this target was taken up (a batch of groups read together). */
    observedAt?: Date;
  };
  /** When the function took up this event: where its delivery latency ends. @default now */
  receivedAt?: Date;
  /** This event's delivery latency (set by processEvent for its targets' audit records). */
  deliveryLatencyMs?: number;
  /** The sweep's canary (the S3 function only): its event is a heartbeat, recorded and never evaluated. */
  canary?: CanaryIdentity & { store: Pick<CanaryStore, 'recordHeartbeat'> };
}

/** How many of a finding's readings AWS's own status disagrees with. */
function driftsIn(f: EvaluationResult['findings'][number]): number {
  if (f.checkId === 'S3_POLICY_PUBLIC') return f.evidence.oracle === 'disagrees' ? 1 : 0;
  if (f.checkId === 'S3_ACCESS_POINT_PUBLIC') return f.evidence.accessPoints.filter((a) => a.oracle === 'disagrees').length;
  return 0;
}

function count(deps: PipelineDeps, result: EvaluationResult): void {
  const m = deps.metrics;
  if (!m) return;
  m.count('Evaluations', { status: result.status });
  // By severity only: each dimension combination is a billed custom metric.
  for (const f of result.findings) m.count('Findings', { severity: f.severity });
  // Where AWS's own policy status and our reading disagree: the reading or AWS changed (oracle.ts).
  const drift = result.findings.reduce((n, f) => n + driftsIn(f), 0);
  for (let i = 0; i < drift; i++) m.count('SemanticsDrift');
  // The second opinion missing (a denied GetBucketPolicyStatus, say): "AWS says public, ours not" cannot be caught meanwhile.
  if (result.oracleUnread) m.count('OracleUnavailable');
  // Anything unread, whatever the status: a NON_COMPLIANT result can hide more than it shows.
  if (result.unknown.length > 0) m.count('Incomplete');
  if (result.remediation) {
    m.count('Remediations', { outcome: result.remediation.outcome });
    if (result.remediation.outcome === 'FAILED' || result.remediation.verified === false) m.count('RemediationFailures');
  }
}

/** The record written before the guard changes anything (see carryOut). */
export function journalRemediation(deps: PipelineDeps, resource: ResourceRef) {
  return (intent: RemediationReport) => deps.logger.info('remediation started', {
    schemaVersion: AUDIT_SCHEMA_VERSION, resource, action: intent.action, mode: intent.mode, detail: intent.detail,
  });
}

/** Reads and evaluates one target: the result, or why there is nothing to evaluate. */
/**
 * Reads and evaluates one target. `othersNotified`: the evaluation itself already sent messages
 * about other resources (the pass over every bucket after an account change), so a failed publish
 * of this one must not make Lambda retry and send those again.
 */
export type Evaluator = (target: Target, deps: PipelineDeps, trigger?: Trigger) => Promise<{ result: EvaluationResult; othersNotified?: boolean } | { gone: string }>;

/** Version of the audit record schema auditors query; bump on a breaking change. */
export const AUDIT_SCHEMA_VERSION = 1;

/**
 * What auditors filter on without unnesting arrays (Logs Insights cannot): the gravest severity,
 * and every check and control id of the findings as one space-separated string, each control
 * prefixed by its framework ("FSBP:S3.2 CIS:2.1.4").
 */
export function auditSummary(result: EvaluationResult): { severity?: string; checkIds: string; controlIds: string } {
  const severity = result.findings[0]?.severity;
  const controls = new Set(result.findings.flatMap((f) => [...f.controls.map((c) => `FSBP:${c}`), ...(f.cis ?? []).map((c) => `CIS:${c}`)]));
  return { ...(severity ? { severity } : {}), checkIds: [...new Set(result.findings.map((f) => f.checkId))].join(' '), controlIds: [...controls].join(' ') };
}

export type TargetOutcome =
  | { kind: 'evaluated'; result: EvaluationResult; notified: boolean; messageId?: string; ledger?: Recorded }
  | { kind: 'gone'; reason: string };

/**
 * The ledger's decisions for one result, none without a ledger or when the ledger failed (nothing
 * of it was written then: the message goes out as without a ledger). `quiet`: a message about
 * this went out another way; the state is recorded, nothing is claimed.
 */
async function ledgerDecision(
  result: EvaluationResult, deps: PipelineDeps, trigger: Trigger | undefined, quiet: boolean, prefetched?: Prefetched, observedAt?: Date,
): Promise<Recorded | undefined> {
  const ledger = deps.ledger;
  if (!ledger) return undefined;
  const { notifyMinSeverity, renotifyAfterHours } = deps.settings;
  // The event id is the claim: a retry of the same event may send what it claimed.
  const claimId = ledger.claimId ?? trigger?.eventId ?? `run-${ledger.now().toISOString()}-${result.resource.id}`;
  const key = resourceKey(result.resource);
  try {
    return await recordEvaluation(result, {
      store: ledger.store, now: ledger.now, settings: { notifyMinSeverity, renotifyAfterHours }, claimId, ...(observedAt ? { observedAt } : {}),
      ...(quiet ? { route: () => 'quiet' as const, quiet: true } : ledger.sweep ? { route: sweepDelivery(ledger.sweep.baseline) } : {}),
      leaseMs: ledger.sweep ? CLAIM_LEASE_MS.sweep : CLAIM_LEASE_MS.event,
      ...(ledger.sweep ? { run: ledger.sweep.run, ...(ledger.sweep.unfinishedRun ? { unfinishedRun: ledger.sweep.unfinishedRun } : {}) } : {}),
    }, prefetched?.key === key ? prefetched.read : undefined);
  } catch (error) {
    // Our own earlier try may still be publishing: neither send nor drop; the retry decides.
    if (error instanceof ClaimInFlightError) throw error;
    // Without the ledger the guard cannot tell new from seen: it sends as it did before the
    // ledger. A repeated message is better than a silent exposure; the alarm tells the ops topic.
    deps.metrics?.count('LedgerFailures');
    deps.logger.error('ledger unavailable', { schemaVersion: AUDIT_SCHEMA_VERSION, resource: result.resource, error: describeError(error) });
    return undefined;
  }
}

/** The ledger read started with the resource's reads, so it adds no round trip. */
interface Prefetched {
  key: string;
  read: Promise<ResourceLedger>;
}

/** The resource a target names, as the evaluator will name it; other targets resolve to groups first. */
function resourceOf(target: Target, deps: PipelineDeps): Parameters<typeof resourceKey>[0] | undefined {
  const account = target.account ?? deps.defaultAccount;
  const region = target.region ?? deps.defaultRegion;
  if (target.type === 's3-bucket') return { type: 's3-bucket', id: target.name, account, region };
  if (target.type === 'security-group') return { type: 'security-group', id: target.groupId, account, region };
  if (target.type === 's3-account') return { type: 's3-account', id: target.account, account, region };
  if (target.type === 'guard') return guardResource(target.account, target.region);
  return undefined;
}

function prefetch(target: Target, deps: PipelineDeps): Prefetched | undefined {
  const resource = deps.ledger ? resourceOf(target, deps) : undefined;
  if (!deps.ledger || !resource) return undefined;
  const key = resourceKey(resource);
  const read = deps.ledger.unknownToLedger?.has(key) ? Promise.resolve({ entries: [], version: undefined }) : deps.ledger.store.read(key);
  // Used only if the evaluation names the same resource; a failure then surfaces in ledgerDecision.
  read.catch(() => undefined);
  return { key, read };
}

/**
 * After the message went out: a failed confirm must not make Lambda retry and send it again. It is
 * conditional on our claim, so trying again is safe; a claim left unconfirmed would be sent once
 * more after its lease.
 */
async function confirmClaims(told: Recorded | undefined, deps: PipelineDeps, result: EvaluationResult): Promise<void> {
  if (!told) return;
  try {
    await told.confirm().catch(() => told.confirm()).catch(() => told.confirm());
  } catch (error) {
    deps.metrics?.count('LedgerFailures');
    deps.logger.error('ledger unavailable', { schemaVersion: AUDIT_SCHEMA_VERSION, resource: result.resource, stage: 'confirm', error: describeError(error) });
  }
}

/** The message the ledger's claims call for: the findings (with what closed), or only what closed. */
function notificationFor(result: EvaluationResult, deps: PipelineDeps, told: Recorded, actedNow: boolean): Notification | undefined {
  const resolved: ResolvedFinding[] = told.claimed.filter((d) => d.reason === 'resolved').map((d) => ({
    checkId: d.checkId, severity: d.next.severity, title: d.next.title, firstSeen: d.next.firstSeen, closedBy: d.next.closedBy ?? 'closed',
  }));
  const news = told.claimed.some((d) => d.reason !== 'resolved');
  if (news || actedNow) {
    const message = composeNotification(result, deps.settings, { auditLogGroup: deps.auditLogGroup });
    // On the sweep, a message of its own is a new exposure no event announced (sweepDelivery).
    if (message) return withResolved(news && deps.ledger?.sweep ? asMissedEvent(message) : message, resolved);
  }
  return composeResolved(result, resolved, { auditLogGroup: deps.auditLogGroup });
}

export async function processTarget(
  target: Target, trigger: Trigger | undefined, deps: PipelineDeps, evaluate: Evaluator,
): Promise<TargetOutcome> {
  // Before the reads: a result is as old as the moment its reads began (ledger: out of order).
  const observedAt = deps.ledger?.observedAt ?? deps.ledger?.now();
  const early = prefetch(target, deps);
  const outcome = await evaluate(target, deps, trigger);
  if ('gone' in outcome) {
    deps.logger.info('resource gone', { schemaVersion: AUDIT_SCHEMA_VERSION, target, reason: outcome.gone, trigger });
    return { kind: 'gone', reason: outcome.gone };
  }
  const result = outcome.result;
  if (trigger) result.trigger = trigger;
  count(deps, result);
  // The guard's own remediation call comes back as an event: evaluate and log it, but the
  // responder already has the email about this change. No second message, no loop; unless the
  // echo itself changed something (a rule re-opened in between, revoked now): every action is told.
  const ownCall = isOwnCall(trigger, deps.ownRoleName, deps.defaultAccount);
  const actedNow = result.remediation?.outcome === 'APPLIED' || result.remediation?.outcome === 'FAILED';
  const quiet = (ownCall && !actedNow) || (deps.notifyWhen !== undefined && !actedNow && !deps.notifyWhen(result));
  let told: Recorded | undefined;
  try {
    told = await ledgerDecision(result, deps, trigger, quiet, early, observedAt);
  } catch (error) {
    // Our earlier try holds the claim: the retry will tell. This try's evaluation is logged, and a
    // change it made is counted as not yet reported (the retry finds nothing left to do).
    if (actedNow) deps.metrics?.count('RemediationUnreported');
    deps.logger.warn('evaluation', {
      schemaVersion: AUDIT_SCHEMA_VERSION, ...result, ...auditSummary(result),
      notification: { sent: false, reason: 'an earlier try of this work holds the claim; retried', ...(actedNow ? { unreportedRemediation: true } : {}) },
    });
    throw error;
  }
  const notification = quiet ? undefined : told ? notificationFor(result, deps, told, actedNow) : composeNotification(result, deps.settings, { auditLogGroup: deps.auditLogGroup });
  let messageId: string | undefined;
  if (notification) {
    try {
      messageId = await deps.notifier.publish(notification);
    } catch (error) {
      // The evaluation is logged so nothing is lost, then the error propagates for Lambda's retry.
      // A change the guard already made will not be redone by the retry (it finds nothing to do), so
      // its lost report raises the RemediationUnreported alarm, which CloudWatch delivers by itself.
      deps.metrics?.count('NotificationFailures');
      if (actedNow) deps.metrics?.count('RemediationUnreported');
      deps.logger.error('notification failed', {
        schemaVersion: AUDIT_SCHEMA_VERSION, ...result, ...auditSummary(result), notification: { sent: false, ...(actedNow ? { unreportedRemediation: true } : {}) },
        error: describeError(error),
      });
      // The record and the NotificationFailures alarm tell it; a retry would repeat every other message.
      // Its claims are marked failed, so the next evaluation of this resource sends them.
      if (outcome.othersNotified) {
        await told?.fail().catch((e: unknown) => deps.logger.error('ledger unavailable', { schemaVersion: AUDIT_SCHEMA_VERSION, resource: result.resource, stage: 'mark failed', error: describeError(e) }));
        return { kind: 'evaluated', result, notified: false };
      }
      // The claims stay unsent and are marked failed: the retry (same event id) sends them. If even
      // that write fails, the claims go stale after the lease and the next evaluation sends them.
      await told?.fail().catch((e: unknown) => deps.logger.error('ledger unavailable', { schemaVersion: AUDIT_SCHEMA_VERSION, resource: result.resource, stage: 'mark failed', error: describeError(e) }));
      throw error;
    }
    await confirmClaims(told, deps, result);
  } else if (told && told.claimed.length > 0) {
    // Claimed, but the state no longer calls for a message (closed before the retry): clear the
    // claims, or they would keep this finding "being sent" for good.
    await confirmClaims(told, deps, result);
  }
  deps.logger.info('evaluation', {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    ...result,
    ...auditSummary(result),
    notification: notification
      ? { sent: true, messageId, severity: notification.severity, subject: notification.subject }
      : { sent: false, ...(quiet ? { reason: ownCall ? 'the guard\'s own remediation call' : 'not made live by this change' } : {}) },
    ...(told ? { ledger: Object.fromEntries(told.decisions.map((d) => [d.checkId, d.reason])) } : {}),
    ...(deps.deliveryLatencyMs !== undefined ? { deliveryLatencyMs: deps.deliveryLatencyMs } : {}),
  });
  return { kind: 'evaluated', result, notified: notification !== undefined, ...(messageId ? { messageId } : {}), ...(told ? { ledger: told } : {}) };
}

/**
 * Turns the event's targets into the resources to evaluate (an instance into its security
 * groups, say). A target that resolves to nothing is logged as gone; `failed` is the first
 * resolution that failed: what did resolve is evaluated first, then it is thrown.
 */
export type Expander = (targets: Target[], deps: PipelineDeps, trigger: Trigger | undefined) => Promise<{ targets: Target[]; failed?: unknown }>;

/** An EventBridge CloudTrail event: its targets, each through the pipeline. Bad input is logged, not thrown. */
export async function processEvent(event: unknown, eventDeps: PipelineDeps, evaluate: Evaluator, expand?: Expander): Promise<TargetOutcome[]> {
  const receivedAt = eventDeps.receivedAt ?? new Date();
  const parsed = targetsOf(event);
  const trigger = triggerOf(event);
  const latency = deliveryLatencyMs(trigger?.time, receivedAt);
  const deps: PipelineDeps = latency === undefined ? eventDeps : { ...eventDeps, deliveryLatencyMs: latency };
  if (deps.canary) {
    const heartbeat = canaryHeartbeatOf(event, trigger, { ...deps.canary, account: deps.canary.account ?? deps.defaultAccount }, receivedAt);
    if (heartbeat) {
      // A failed write propagates: Lambda retries, and a heartbeat lost for good is GUARD_BLIND at the next sweep.
      const kept = await deps.canary.store.recordHeartbeat(heartbeat);
      deps.metrics?.observe?.('DeliveryLatency', heartbeat.delayMs, 'Milliseconds', { path: 'canary' });
      deps.metrics?.flush();
      deps.logger.info('canary heartbeat', { schemaVersion: AUDIT_SCHEMA_VERSION, trigger, heartbeat, kept });
      return [];
    }
  }
  if (latency !== undefined) deps.metrics?.observe?.('DeliveryLatency', latency, 'Milliseconds', { path: 'event' });
  if (parsed.skipped !== null) {
    deps.logger.info('event skipped', { reason: parsed.skipped, trigger, ...(latency !== undefined ? { deliveryLatencyMs: latency } : {}) });
    deps.metrics?.flush();
    return [];
  }
  let targets = parsed.targets;
  let unresolved: { error: unknown } | undefined;
  if (expand) {
    try {
      const expanded = await expand(parsed.targets, deps, trigger);
      targets = expanded.targets;
      if (expanded.failed !== undefined) unresolved = { error: expanded.failed };
    } catch (error) {
      unresolved = { error };
      targets = [];
    }
  }
  deps.logger.info('event received', {
    schemaVersion: AUDIT_SCHEMA_VERSION, trigger, targets: targets.map(targetId), ...(expand ? { from: parsed.targets.map(targetId) } : {}), ...(latency !== undefined ? { deliveryLatencyMs: latency } : {}),
  });
  // Every target runs to its end before anything is thrown: a rejection mid-flight would leave the
  // others running in a frozen sandbox, flush metrics early, and make the retry repeat their emails.
  const settled = await Promise.allSettled(targets.map((t) => processTarget(t, trigger, deps, evaluate)));
  deps.metrics?.flush();
  // Lambda retries, then the dead-letter queue keeps the event; a record says which step failed, for each.
  if (unresolved) {
    deps.logger.error('event failed', {
      schemaVersion: AUDIT_SCHEMA_VERSION, trigger, step: 'resolving targets', targets: parsed.targets.map(targetId), error: describeError(unresolved.error),
    });
  }
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed.length > 0) {
    deps.logger.error('event failed', {
      schemaVersion: AUDIT_SCHEMA_VERSION, trigger, step: 'evaluating targets', failedTargets: failed.length, targets: targets.length,
      errors: failed.map((f) => describeError(f.reason)),
    });
  }
  if (unresolved) throw unresolved.error;
  if (failed.length > 0) throw failed[0]?.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<TargetOutcome>).value);
}

/** `arn:aws:lambda:eu-west-1:123456789012:function:name` → account and region. */
export function whereFromFunctionArn(arn: string | undefined): { account?: string; region?: string } {
  const parts = (arn ?? '').split(':');
  return { ...(parts[4] ? { account: parts[4] } : {}), ...(parts[3] ? { region: parts[3] } : {}) };
}

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}
