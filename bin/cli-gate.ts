/**
 * `--fail-on`: a CI gate must not pass what it could not see. A finding at or above the severity
 * fails; so does an EVALUATION_INCOMPLETE at or above it (its severity is the worst the unread
 * field could hide), unless `--allow-incomplete` says to gate on what was read only.
 */
import { isAtLeast } from '../lambda/core/model/severity';
import { isIncompleteFinding } from '../lambda/core/model/unread';
import type { EvaluationResult, Severity } from '../lambda/core/model/types';

export interface GateVerdict {
  code: 0 | 1;
  /** The last stderr line: why the gate failed, or why it passed despite what was not read. */
  line?: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function gate(results: readonly EvaluationResult[], failOn: Severity | undefined, allowIncomplete = false): GateVerdict {
  if (!failOn) return { code: 0 };
  const reaching = (incomplete: boolean) => results.filter((r) => r.findings.some((f) => isIncompleteFinding(f) === incomplete && isAtLeast(f.severity, failOn))).length;
  const found = reaching(false);
  const hidden = reaching(true);
  const unread = `${plural(hidden, 'resource', 'resources')} could not be fully read and could hide a finding at or above ${failOn}`;
  if (found > 0) {
    return { code: 1, line: `--fail-on ${failOn}: ${plural(found, 'resource has', 'resources have')} findings at or above ${failOn}${hidden > 0 && !allowIncomplete ? `; ${unread}` : ''}` };
  }
  if (hidden > 0 && !allowIncomplete) return { code: 1, line: `--fail-on ${failOn}: failing because ${unread} (--allow-incomplete gates on what was read only)` };
  if (hidden > 0) return { code: 0, line: `--fail-on ${failOn}: passing with --allow-incomplete although ${unread}` };
  return { code: 0 };
}
