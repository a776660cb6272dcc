/**
 * One message per sweep instead of one per resource: what is new, what closed, what the guard
 * changed, what is still open (oldest first), and what could not be evaluated and why. Email text
 * and JSON (each list capped; the audit log keeps every record), like every other message. Quiet
 * sweeps still send it: "checked, nothing new" is the evidence that the sweep ran.
 */
import type { Decision, LedgerEntry } from '../ledger/policy';
import { maxSeverity, severityRank } from '../model/severity';
import { SEVERITIES, type RemediationReport, type ResourceRef, type Severity } from '../model/types';
import { plainText, quoted } from '../model/untrusted';
import { subjectFor, type Notification } from './compose';

/** What the digest needs of a decision: a full Decision, or the slim one a sweep batch keeps. */
export interface DigestDecision {
  checkId: Decision['checkId'];
  reason: Decision['reason'];
  next?: Pick<LedgerEntry, 'severity' | 'title' | 'firstSeen'> & Partial<Pick<LedgerEntry, 'closedBy'>>;
}

/** An open finding as the digest lists it. */
export type OpenFinding = Pick<LedgerEntry, 'resourceKey' | 'checkId' | 'severity' | 'latent' | 'firstSeen' | 'title'>;

export interface SweepTally {
  account: string;
  region: string;
  startedAt: string;
  finishedAt: string;
  counts: { evaluated: number; incomplete: number; gone: number; failed: number };
  /** Every ledger decision the sweep made, with the resource it concerns. */
  decisions: { resource: ResourceRef; decision: DigestDecision }[];
  /** Every change remediation made or failed to make. */
  remediations: { resource: ResourceRef; report: Pick<RemediationReport, 'outcome' | 'detail' | 'action' | 'mode'> & { error?: { name: string } } }[];
  /** Resources evaluated INCOMPLETE (or not at all), with why. */
  unevaluated: { resource: ResourceRef; reasons: Record<string, string> }[];
  /** The open findings after the sweep (the sweep lists those from MEDIUM up). */
  open: OpenFinding[];
  /** Every open finding counted by severity, when `open` does not list them all. */
  openBySeverity?: Record<Severity, number>;
  /** The first sweep after deploy: everything it finds is the baseline, not a missed event. */
  baseline?: boolean;
  /** Entries the batches left out to stay within DynamoDB's item size (counts are complete). */
  omitted?: number;
  /** Why the previous sweep did not finish, when it did not. */
  previousUnfinished?: string;
}

/** Lines listed per section of the email. */
const LISTED = 20;
/** Items per list in the JSON, which must stay under SNS's 256 KiB; the audit log keeps every record. */
const JSON_ITEMS = 200;
/** Email and JSON together, with room for SNS's JSON structure escaping them once more. */
const MAX_DIGEST_BYTES = 120 * 1024;

const label = (r: ResourceRef) => `${r.type === 's3-bucket' ? 'bucket' : r.type === 'security-group' ? 'group' : 'account'} ${r.id}`;

function section(title: string, lines: string[], total = lines.length): string[] {
  if (total === 0) return [];
  const shown = lines.slice(0, LISTED).map((l) => `  ${l}`);
  return ['', `${title} (${total})`, ...shown, ...(total > LISTED ? [`  ... and ${total - LISTED} more: the audit log has every one (saved query "ExposureGuard/Sweep runs")`] : [])];
}

function digestSummary(tally: SweepTally) {
  const by = (reason: Decision['reason']) => tally.decisions.filter((d) => d.decision.reason === reason);
  const open = [...tally.open].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
  const openBySeverity = Object.fromEntries([...SEVERITIES].reverse().map((s) => [s, tally.openBySeverity?.[s] ?? open.filter((e) => e.severity === s).length])) as Record<Severity, number>;
  const openTotal = Object.values(openBySeverity).reduce((a, b) => a + b, 0);
  return {
    account: tally.account, region: tally.region, startedAt: tally.startedAt, finishedAt: tally.finishedAt,
    resources: tally.counts,
    openBySeverity, openTotal,
    new: by('new'), severityUp: by('severity-up'), resolved: by('resolved'),
    remediated: tally.remediations.filter((r) => r.report.outcome === 'APPLIED'),
    remediationFailed: tally.remediations.filter((r) => r.report.outcome === 'FAILED'),
    open,
    unevaluated: tally.unevaluated,
  };
}

function digestJson(s: ReturnType<typeof digestSummary>, tally: SweepTally, items: number): string {
  const capped = <T>(list: T[]) => ({ total: list.length, items: list.slice(0, items), ...(list.length > items ? { omitted: list.length - items } : {}) });
  return JSON.stringify({
    kind: 'sweep-digest', ...(tally.baseline ? { baseline: true } : {}), ...(tally.previousUnfinished ? { previousUnfinished: tally.previousUnfinished } : {}), account: s.account, region: s.region, startedAt: s.startedAt, finishedAt: s.finishedAt,
    resources: s.resources, openBySeverity: s.openBySeverity, openTotal: s.openTotal,
    new: capped(s.new), severityUp: capped(s.severityUp), resolved: capped(s.resolved), remediated: capped(s.remediated),
    remediationFailed: capped(s.remediationFailed), open: capped(s.open), unevaluated: capped(s.unevaluated),
  });
}

export function composeDigest(tally: SweepTally): Notification {
  const s = digestSummary(tally);
  const openSeverity = maxSeverity(s.open.map((e) => e.severity));
  const newSeverity = maxSeverity(s.new.map((d) => (d.decision.next ?? { severity: 'INFORMATIONAL' as Severity }).severity));
  const severity: Severity = maxSeverity([openSeverity ?? 'INFORMATIONAL', newSeverity ?? 'INFORMATIONAL', s.unevaluated.length > 0 ? 'MEDIUM' : 'INFORMATIONAL']) ?? 'INFORMATIONAL';
  // The subject counts what a responder would act on (MEDIUM and up); the body counts every severity.
  const openToAct = SEVERITIES.filter((sev) => severityRank(sev) >= severityRank('MEDIUM')).reduce((n, sev) => n + s.openBySeverity[sev], 0);
  const verdict = `Sweep: ${s.new.length} new, ${s.resolved.length} resolved, ${openToAct} open${s.unevaluated.length ? `, ${s.unevaluated.length} not evaluated` : ''}`;
  const decisionLine = ({ resource, decision }: SweepTally['decisions'][number]) =>
    `${label(resource)}: [${decision.next?.severity ?? '-'}] ${decision.checkId}${decision.next?.title ? `: ${plainText(decision.next.title)}` : ''}`;
  const email = [
    `Exposure Guard swept account ${tally.account} in ${tally.region} (${tally.startedAt} to ${tally.finishedAt}).`,
    ...(tally.previousUnfinished ? ['', `WARNING: ${tally.previousUnfinished}.`, ''] : []),
    ...(tally.omitted ? [`(${tally.omitted} list entries were left out of the batch records to fit DynamoDB's item size; the counts are complete and the audit log has every record.)`] : []),
    `Resources: ${s.resources.evaluated} evaluated, ${s.resources.incomplete} incomplete, ${s.resources.gone} gone, ${s.resources.failed} failed.`,
    `Open findings by severity: ${Object.entries(s.openBySeverity).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
    ...section(tally.baseline
      ? 'FOUND BY THE FIRST SWEEP (the baseline: open before Exposure Guard was deployed)'
      : 'NEW SINCE THE LAST SWEEP (no event announced these: a missed event is worth knowing)', s.new.map(decisionLine)),
    ...section('SEVERITY ROSE', s.severityUp.map(decisionLine)),
    ...section('RESOLVED', s.resolved.map((d) => `${decisionLine(d)} (${d.decision.next?.closedBy ?? 'closed'})`)),
    ...section('REMEDIATED BY THE GUARD', s.remediated.map((r) => `${label(r.resource)}: ${r.report.detail}`)),
    ...section('REMEDIATION FAILED (still open; see the audit log)', s.remediationFailed.map((r) => `${label(r.resource)}: ${r.report.detail}${r.report.error ? ` (${r.report.error.name})` : ''}`)),
    ...section('STILL OPEN, OLDEST FIRST', s.open.filter((e) => severityRank(e.severity) >= severityRank('MEDIUM'))
      .map((e) => `[${e.severity}${e.latent ? ', latent' : ''}] ${e.resourceKey.split('#').slice(-1)[0]} ${e.checkId}, open since ${e.firstSeen}`)),
    ...section('NOT EVALUATED (never taken as compliant)', s.unevaluated.map((u) => `${label(u.resource)}: ${Object.entries(u.reasons).map(([f, r]) => `${f}: ${quoted(r, 120)}`).join('; ')}`)),
    '', '--', `Exposure Guard sweep digest. Subscribers by SQS or email-json get it as JSON, up to ${JSON_ITEMS} resources per section; the audit log has every one.`,
  ].join('\n');
  // SNS takes 256 KiB for the whole message (email and JSON, escaped once more): halve the lists
  // until it fits, or the digest would fail on every retry and never be sent.
  let items = JSON_ITEMS;
  let json = digestJson(s, tally, items);
  while (Buffer.byteLength(json) + Buffer.byteLength(email) > MAX_DIGEST_BYTES && items > 1) {
    items = Math.floor(items / 2);
    json = digestJson(s, tally, items);
  }
  return {
    subject: subjectFor(severity, verdict, { label: 'account', id: tally.account }, undefined, tally.region),
    email: plainText(email),
    json,
    severity,
    attributes: {
      severity: { DataType: 'String', StringValue: severity },
      resourceType: { DataType: 'String', StringValue: 'sweep-digest' },
      account: { DataType: 'String', StringValue: tally.account },
      region: { DataType: 'String', StringValue: tally.region },
    },
  };
}
