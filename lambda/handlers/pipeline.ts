/**
 * The one path every entry point shares: read the target's current state → evaluate →
 * notify → write the audit record. Handlers differ only in how they read and evaluate.
 */
import { errorMessage, errorName } from '../adapters/aws-errors';
import type { ClientFactory } from '../adapters/clients';
import type { Notifier } from '../adapters/sns-notifier';
import { triggerOf } from '../core/cloudtrail';
import { composeNotification } from '../core/notification';
import type { GuardSettings } from '../core/settings';
import { targetId, targets as targetsOf, type Target } from '../core/targets';
import type { EvaluationResult, Trigger } from '../core/types';

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
  /** The function's own account and region, used when an event does not name them. */
  defaultAccount?: string;
  defaultRegion?: string;
}

/** Reads and evaluates one target: the result, or why there is nothing to evaluate. */
export type Evaluator = (target: Target, deps: PipelineDeps) => Promise<{ result: EvaluationResult } | { gone: string }>;

/** Version of the audit record schema auditors query; bump on a breaking change. */
export const AUDIT_SCHEMA_VERSION = 1;

export type TargetOutcome =
  | { kind: 'evaluated'; result: EvaluationResult; notified: boolean; messageId?: string }
  | { kind: 'gone'; reason: string };

export function describeError(error: unknown): { name: string; message: string } {
  return { name: errorName(error), message: errorMessage(error) };
}

export async function processTarget(
  target: Target, trigger: Trigger | undefined, deps: PipelineDeps, evaluate: Evaluator,
): Promise<TargetOutcome> {
  const outcome = await evaluate(target, deps);
  if ('gone' in outcome) {
    deps.logger.info('resource gone', { schemaVersion: AUDIT_SCHEMA_VERSION, target, reason: outcome.gone, trigger });
    return { kind: 'gone', reason: outcome.gone };
  }
  const result = outcome.result;
  if (trigger) result.trigger = trigger;
  const notification = composeNotification(result, deps.settings);
  let messageId: string | undefined;
  if (notification) {
    try {
      messageId = await deps.notifier.publish(notification);
    } catch (error) {
      // The evaluation is logged so nothing is lost, then the error propagates for Lambda's retry.
      deps.logger.error('notification failed', {
        schemaVersion: AUDIT_SCHEMA_VERSION, ...result, notification: { sent: false }, error: describeError(error),
      });
      throw error;
    }
  }
  deps.logger.info('evaluation', {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    ...result,
    notification: notification ? { sent: true, messageId, severity: notification.severity, subject: notification.subject } : { sent: false },
  });
  return { kind: 'evaluated', result, notified: notification !== undefined, ...(messageId ? { messageId } : {}) };
}

/** An EventBridge CloudTrail event: its targets, each through the pipeline. Bad input is logged, not thrown. */
export async function processEvent(event: unknown, deps: PipelineDeps, evaluate: Evaluator): Promise<TargetOutcome[]> {
  const { targets, skipped } = targetsOf(event);
  const trigger = triggerOf(event);
  if (skipped !== null) {
    deps.logger.info('event skipped', { reason: skipped, trigger });
    return [];
  }
  deps.logger.info('event received', { trigger, targets: targets.map(targetId) });
  return Promise.all(targets.map((t) => processTarget(t, trigger, deps, evaluate)));
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
