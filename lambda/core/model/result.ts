import { CHECKS } from '../checks';
import { severityRank } from './severity';
import type { EvaluationResult, Finding, ResourceRef, Status } from './types';
import { isIncompleteFinding } from './unread';

/**
 * Exposure findings are definite, so any makes the resource NON_COMPLIANT; with none, anything
 * unread makes it INCOMPLETE (the EVALUATION_INCOMPLETE finding says so, and is notified).
 * COMPLIANT needs every check to have run, but for those a snapshot file gave no fields for
 * (`notChecked`, which says so).
 */
export function statusOf(findings: readonly Finding[], unknown: readonly string[]): Status {
  if (findings.some((f) => !isIncompleteFinding(f))) return 'NON_COMPLIANT';
  return unknown.length > 0 ? 'INCOMPLETE' : 'COMPLIANT';
}

export function buildResult(
  resource: ResourceRef,
  findings: Finding[],
  unknown: string[],
  unknownReasons: Record<string, string>,
): EvaluationResult {
  const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
    .map((f) => (f.cis ? f : { ...f, cis: [...CHECKS[f.checkId].cis] }));
  const result: EvaluationResult = { resource, status: statusOf(sorted, unknown), findings: sorted, unknown };
  if (Object.keys(unknownReasons).length > 0) result.unknownReasons = unknownReasons;
  return result;
}
