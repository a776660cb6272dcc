import { describeError } from '../adapters/aws-errors';
import type { Plan } from '../core/remediation/plan';
import type { Finding, RemediationReport } from '../core/model/types';

/**
 * Carries out an `act` plan in enforce mode. A failed call (AccessDenied, an Organizations policy,
 * throttling after the SDK's retries, a conflict) becomes outcome FAILED with the error: it is
 * reported, never retried in a loop, and never hides the exposure it was meant to close.
 */
export async function carryOut<A, T>(
  plan: Extract<Plan<A>, { kind: 'act' }>,
  apply: (action: A) => Promise<T>,
  outcome: (applied: T) => Partial<RemediationReport>,
  journal?: (intent: RemediationReport) => void,
): Promise<RemediationReport> {
  if (plan.mode === 'dry-run') return plan.report;
  // Written before the change: if the function dies or the publish fails after the write, the
  // audit log still holds what the guard set out to do (and the RemediationUnreported alarm says
  // the message was lost).
  journal?.(plan.report);
  try {
    return { ...plan.report, ...outcome(await apply(plan.action)) };
  } catch (error) {
    return { ...plan.report, outcome: 'FAILED', detail: `${plan.report.action} failed: nothing was changed`, error: describeError(error) };
  }
}

export function summary(findings: readonly Finding[]): NonNullable<RemediationReport['after']> {
  return findings.map(({ checkId, severity, latent }) => ({ checkId, severity, latent }));
}
