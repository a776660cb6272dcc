import { SEVERITIES, type Severity } from './types';

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

export function maxSeverity(severities: Iterable<Severity>): Severity | undefined {
  let top: Severity | undefined;
  for (const s of severities) if (top === undefined || severityRank(s) > severityRank(top)) top = s;
  return top;
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}
