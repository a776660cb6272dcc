import { severityRank } from './severity';
import type { EvaluationResult, Finding, ResourceRef, Status } from './types';

/**
 * Findings are definite, so any finding makes the resource NON_COMPLIANT; with none, anything
 * unread makes it INCOMPLETE. COMPLIANT needs every check to have run.
 */
export function statusOf(findings: readonly Finding[], unknown: readonly string[]): Status {
  if (findings.length > 0) return 'NON_COMPLIANT';
  return unknown.length > 0 ? 'INCOMPLETE' : 'COMPLIANT';
}

export function buildResult(
  resource: ResourceRef,
  findings: Finding[],
  unknown: string[],
  unknownReasons: Record<string, string>,
): EvaluationResult {
  const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const result: EvaluationResult = { resource, status: statusOf(sorted, unknown), findings: sorted, unknown };
  if (Object.keys(unknownReasons).length > 0) result.unknownReasons = unknownReasons;
  return result;
}
