/**
 * What one sweep batch found, kept in the ledger table until the run's digest is sent: counts, the
 * ledger's sends (what is new, rose, is due again or closed), the guard's changes, what could not
 * be evaluated and why, and the findings still open. The digest adds the batches together.
 */
import type { DigestDecision, OpenFinding, SweepTally } from '../notification/digest';
import { SEVERITIES, type ResourceRef, type Severity } from '../model/types';

export interface BatchTally {
  counts: SweepTally['counts'];
  decisions: { resource: ResourceRef; decision: DigestDecision }[];
  remediations: SweepTally['remediations'];
  unevaluated: { resource: ResourceRef; reasons: Record<string, string> }[];
  /** Open findings from MEDIUM up (the digest lists those); all of them are in openBySeverity. */
  open: OpenFinding[];
  openBySeverity: Record<Severity, number>;
  /** Entries left out to keep the item under DynamoDB's 400 KB (their counts stay). */
  omitted?: number;
}

export const emptyTally = (): BatchTally => ({
  counts: { evaluated: 0, incomplete: 0, gone: 0, failed: 0 }, decisions: [], remediations: [], unevaluated: [], open: [],
  openBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
});

/** DynamoDB items are at most 400 KB; a batch of 50 buckets is far below, unless every one is wide open. */
const MAX_TALLY_BYTES = 300_000;

/** The tally, its lists shortened (least severe open findings first to go) until it fits an item. */
export function fitTally(tally: BatchTally): BatchTally {
  let t = tally;
  let omitted = tally.omitted ?? 0;
  while (Buffer.byteLength(JSON.stringify(t)) > MAX_TALLY_BYTES) {
    const longest = (['open', 'unevaluated', 'decisions', 'remediations'] as const).reduce((a, b) => (t[b].length > t[a].length ? b : a));
    const keep = Math.floor(t[longest].length / 2);
    omitted += t[longest].length - keep;
    t = { ...t, [longest]: t[longest].slice(0, keep), omitted };
  }
  return t;
}

export function mergeTallies(tallies: Iterable<BatchTally>): BatchTally {
  const all = emptyTally();
  // A resource swept twice in one run (a re-enqueued listing) is told once.
  const told = new Set<string>();
  for (const t of tallies) {
    for (const k of Object.keys(all.counts) as (keyof BatchTally['counts'])[]) all.counts[k] += t.counts[k];
    // A tally written before open findings were counted (a run across a deploy) counts its list.
    for (const s of SEVERITIES) all.openBySeverity[s] += t.openBySeverity?.[s] ?? t.open.filter((o) => o.severity === s).length;
    for (const d of t.decisions) {
      const key = `${d.resource.type}#${d.resource.id}#${d.decision.checkId}#${d.decision.reason}`;
      if (told.has(key)) continue;
      told.add(key);
      all.decisions.push(d);
    }
    all.remediations.push(...t.remediations);
    all.unevaluated.push(...t.unevaluated);
    all.open.push(...t.open);
    if (t.omitted) all.omitted = (all.omitted ?? 0) + t.omitted;
  }
  return all;
}
