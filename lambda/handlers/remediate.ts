import { describeError } from '../adapters/aws-errors';
import type { Plan } from '../core/remediation';
import type { RemediationReport } from '../core/types';

/**
 * Carries out an `act` plan in enforce mode. A failed call (AccessDenied, an Organizations policy,
 * throttling after the SDK's retries, a conflict) becomes outcome FAILED with the error: it is
 * reported, never retried in a loop, and never hides the exposure it was meant to close.
 */
export async function carryOut<A, T>(
  plan: Extract<Plan<A>, { kind: 'act' }>,
  apply: (action: A) => Promise<T>,
  outcome: (applied: T) => Partial<RemediationReport>,
): Promise<RemediationReport> {
  if (plan.mode === 'dry-run') return plan.report;
  try {
    return { ...plan.report, ...outcome(await apply(plan.action)) };
  } catch (error) {
    return { ...plan.report, outcome: 'FAILED', detail: `${plan.report.action} failed: nothing was changed`, error: describeError(error) };
  }
}

export function summary(findings: { checkId: string; severity: string; latent: boolean }[]) {
  return findings.map(({ checkId, severity, latent }) => ({ checkId, severity, latent }));
}
