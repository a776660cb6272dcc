/**
 * The scan's output: results in a stable order (most severe first, then type, then id), as a table
 * for a person or as JSON for a machine. The table names what was not read and marks latent findings.
 */
import { severityRank } from '../lambda/core/model/severity';
import { isIncompleteFinding } from '../lambda/core/model/unread';
import type { EvaluationResult, Finding } from '../lambda/core/model/types';

/** The finding that decides a row's severity: the most severe, a live one before a latent one. */
function topFinding(r: EvaluationResult): Finding | undefined {
  let top: Finding | undefined;
  for (const f of r.findings) {
    const rank = severityRank(f.severity) - severityRank(top?.severity ?? f.severity);
    if (!top || rank > 0 || (rank === 0 && top.latent && !f.latent)) top = f;
  }
  return top;
}

const rankOf = (r: EvaluationResult) => { const top = topFinding(r); return top ? severityRank(top.severity) : -1; };

/** Severity descending, then resource type, region and id: the same on every run whatever finished first. */
export function inStableOrder(results: readonly EvaluationResult[]): EvaluationResult[] {
  return [...results].sort((a, b) => rankOf(b) - rankOf(a)
    || a.resource.type.localeCompare(b.resource.type)
    || (a.resource.region ?? '').localeCompare(b.resource.region ?? '')
    || a.resource.id.localeCompare(b.resource.id));
}

/**
 * "AccessDenied: Access Denied" → "AccessDenied"; "timed out: no answer …" → "timed out"; a
 * listing's "ec2:DescribeSecurityGroups: network error: …" → "network error".
 */
function shortReason(reason: string | undefined): string | undefined {
  return reason?.replace(/^[a-z0-9-]+:[A-Za-z]+: /, '').split(/[:(]/)[0]?.trim() || undefined;
}

function notRead(r: EvaluationResult): string {
  return r.unknown.map((field) => { const why = shortReason(r.unknownReasons?.[field]); return why ? `${field} (${why})` : field; }).join(', ') || '-';
}

function checks(r: EvaluationResult): string {
  const seen = new Map<string, boolean>();
  for (const f of r.findings) if (!isIncompleteFinding(f)) seen.set(f.checkId, (seen.get(f.checkId) ?? true) && f.latent);
  return [...seen].map(([id, latent]) => (latent ? `${id} (latent)` : id)).join(', ') || '-';
}

export interface TableContext {
  /** Security group names by id, from the listing. */
  groupNames: ReadonlyMap<string, string>;
  /** Extra clauses of the summary line (the region filter). */
  notes: readonly string[];
}

export function table(results: readonly EvaluationResult[], context: TableContext): string {
  const shown = results.filter((r) => r.status !== 'COMPLIANT');
  const rows = shown.map((r) => {
    const top = topFinding(r);
    const name = r.resource.type === 'security-group' ? context.groupNames.get(r.resource.id) : undefined;
    return [
      top ? `${top.severity}${top.latent ? ' (latent)' : ''}` : '-', r.resource.type, r.resource.region ?? '-',
      name !== undefined ? `${r.resource.id} (${name})` : r.resource.id, r.status, checks(r), notRead(r),
    ];
  });
  const head = ['SEVERITY', 'TYPE', 'REGION', 'RESOURCE', 'STATUS', 'CHECKS', 'NOT READ'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const count = (status: EvaluationResult['status']) => results.filter((r) => r.status === status).length;
  const summary = `${results.length} results: ${count('COMPLIANT')} compliant, ${count('NON_COMPLIANT')} non-compliant, ${count('INCOMPLETE')} incomplete`
    + [...context.notes].map((n) => `; ${n}`).join('');
  return [line(head), ...rows.map(line), '', summary].join('\n');
}
