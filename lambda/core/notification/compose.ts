/**
 * The SNS message for one evaluation: a plain-text email a responder can act on at 3 a.m.,
 * the result JSON for machines, a subject under SNS's limit, and attributes to filter on.
 */
import { s3AccountConsoleLink, s3ConsoleLink, securityGroupConsoleLink } from '../remediation/fix-commands';
import { isAtLeast, maxSeverity } from '../model/severity';
import type { GuardSettings } from '../model/settings';
import type { EvaluationResult, Finding, FindingOf, Severity } from '../model/types';
import { plainText, quoted } from '../model/untrusted';
import { isIncompleteFinding } from '../model/unread';
import { CHECKS, pagesOn } from '../checks';

/** SNS: "less than 100 characters", ASCII without line breaks or control characters. */
export const MAX_SUBJECT = 99;
/** SNS caps a message at 256 KiB; the JSON is escaped once more inside the json structure, and the email rides along. */
const MAX_JSON_BYTES = 100 * 1024;

export interface Notification {
  subject: string;
  email: string;
  /** The evaluation result JSON (the default/sqs/lambda/https variant). */
  json: string;
  severity: Severity;
  attributes: Record<string, { DataType: 'String' | 'String.Array'; StringValue: string }>;
}

/**
 * Findings that page someone: at or above notifyMinSeverity (latent ones carry their lowered
 * severity). The account-level finding a bucket evaluation repeats is paged on the account
 * resource only: otherwise one account setting would send one email per bucket.
 */
export function openFindings(result: EvaluationResult, settings: Pick<GuardSettings, 'notifyMinSeverity'>): Finding[] {
  return result.findings.filter((f) => isAtLeast(f.severity, settings.notifyMinSeverity) && pagesOn(f.checkId, result.resource.type));
}

function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function groupNameOf(result: EvaluationResult): string | undefined {
  for (const f of result.findings) if ('groupName' in f.evidence && f.evidence.groupName !== undefined) return f.evidence.groupName;
  return undefined;
}

function resourceLabel(result: EvaluationResult): string {
  const { type, id } = result.resource;
  if (type === 's3-bucket') return `S3 bucket ${id}`;
  if (type === 'security-group') {
    const name = groupNameOf(result);
    return `Security group ${id}${name !== undefined ? ` ${quoted(name, 40)}` : ''}`;
  }
  if (type === 'guard') return 'Exposure Guard\'s event path';
  return `Account ${id} (S3 account settings)`;
}

/** The resource as short as it can be named in a subject: the sg- id says "security group" itself. */
function subjectResource(result: EvaluationResult): string {
  const { type, id } = result.resource;
  if (type === 's3-bucket') return `S3 bucket ${id}`;
  if (type === 'security-group') {
    const name = groupNameOf(result);
    return `${id}${name !== undefined ? ` ${quoted(name, 30)}` : ''}`;
  }
  if (type === 'guard') return 'event path';
  return `account ${id}`;
}

function portsPhrase(f: FindingOf<'SG_OPEN_HIGH_RISK_PORT' | 'SG_OPEN_UNAUTHORIZED_PORT'>): string {
  const named = f.evidence.exposedPorts.map((p) => (p.service ? `${p.service} (${p.protocol === 'tcp' ? '' : `${p.protocol.toUpperCase()} `}${p.ports})` : `${p.protocol.toUpperCase()} ${p.ports}`));
  return named.length > 3 ? `${named.slice(0, 3).join(', ')} +${named.length - 3} more` : named.join(', ') || 'ports';
}

/**
 * The subject's verdict: our own fixed words, never a name someone else chose, so it always
 * comes first and is never cut.
 */
export function verdictOf(f: Finding): string {
  const latent = f.latent ? ' (latent)' : '';
  switch (f.checkId) {
    case 'S3_POLICY_PUBLIC':
      return f.latent ? 'Public bucket policy (latent)' : f.severity === 'CRITICAL' ? 'Publicly writable (bucket policy)' : 'Publicly readable (bucket policy)';
    case 'S3_ACL_PUBLIC':
      return f.latent ? 'Public ACL (latent)' : f.severity === 'CRITICAL' ? 'Publicly writable (ACL)' : 'Publicly readable (ACL)';
    case 'S3_ACCESS_POINT_PUBLIC':
      return f.latent ? 'Public access point policy (latent)' : f.severity === 'CRITICAL' ? 'Publicly writable (access point)' : 'Publicly readable (access point)';
    case 'SG_OPEN_ALL_TRAFFIC': return `${CHECKS[f.checkId].verdict}${latent}`;
    case 'SG_OPEN_HIGH_RISK_PORT':
    case 'SG_OPEN_UNAUTHORIZED_PORT': return `${portsPhrase(f)} open to the internet${latent}`;
    default: return CHECKS[f.checkId].verdict;
  }
}

/**
 * `[CRITICAL] <verdict>: <resource> (<account> <region>)` under SNS's limit. When it is too long
 * the location goes first, then the resource is shortened; the severity and verdict stay whole.
 */
export function subjectFor(severity: Severity, verdict: string, resource: string, account?: string, region?: string): string {
  const head = ascii(`[${severity}] ${verdict}: `);
  const where = [account, region].filter(Boolean).join(' ');
  const what = ascii(resource);
  const full = `${head}${what}${where ? ` (${ascii(where)})` : ''}`;
  if (full.length <= MAX_SUBJECT) return full;
  if (head.length + what.length <= MAX_SUBJECT) return `${head}${what}`;
  const room = MAX_SUBJECT - head.length - 3;
  return room > 0 ? `${head}${what.slice(0, room)}...` : head.slice(0, MAX_SUBJECT).trimEnd();
}

function exposedTo(f: Finding): string | undefined {
  switch (f.checkId) {
    case 'S3_POLICY_PUBLIC':
      return f.evidence.publicStatements
        .map((s) => `${s.grantee}: ${s.actions.slice(0, 8).join(', ')}${s.actions.length > 8 ? ', ...' : ''}`)
        .join('\n');
    case 'S3_ACL_PUBLIC':
      return f.evidence.publicGrants.map((g) => `${g.grantee}: ${g.permission}`).join('\n');
    case 'S3_ACCESS_POINT_PUBLIC':
      return f.evidence.accessPoints.map((a) => [
        `${a.kind} ${quoted(a.name, 60)}${a.latent ? ' (latent)' : ''}: ${a.accessPoint}`,
        ...a.publicStatements.map((s) => `  ${s.grantee}: ${s.actions.slice(0, 8).join(', ')}${s.actions.length > 8 ? ', ...' : ''}${s.pending ? ` (${s.pending})` : ''}`),
        ...(a.statementsAwsMayCount ? [`  AWS says public; likely ${a.statementsAwsMayCount.join(', ')}`] : []),
        `  the bucket: ${a.bucketLetsIn}`,
        ...(a.neutralisedBy ? [`  neutralised by ${a.neutralisedBy}`] : []),
        ...(a.oracleNote ? [`  ${a.oracleNote}`] : []),
      ].join('\n')).join('\n');
    case 'SG_OPEN_ALL_TRAFFIC':
    case 'SG_OPEN_HIGH_RISK_PORT':
    case 'SG_OPEN_UNAUTHORIZED_PORT':
    case 'SG_DEFAULT_HAS_RULES':
      return f.evidence.rules
        .map((r) => `${r.internet ? 'the internet via ' : ''}${r.source} -> ${r.protocol} ${r.ports}${r.securityGroupRuleId ? ` (rule ${r.securityGroupRuleId})` : ''}`)
        .join('\n');
    default:
      return undefined;
  }
}

function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => `${by}${l}`).join('\n');
}

function consoleLink(result: EvaluationResult): string {
  const { type, id, region } = result.resource;
  if (type === 's3-bucket') return s3ConsoleLink(id, region);
  if (type === 'security-group') return securityGroupConsoleLink(id, region);
  if (type === 'guard') return `https://${region ?? 'us-east-1'}.console.aws.amazon.com/cloudtrailv2/home?region=${region ?? 'us-east-1'}#/trails`;
  return s3AccountConsoleLink();
}

function remediationModeKey(result: EvaluationResult): keyof GuardSettings['remediation'] | undefined {
  if (result.resource.type === 's3-bucket') return 's3BucketPublicAccess';
  if (result.resource.type === 'security-group') return 'securityGroupIngress';
  if (result.resource.type === 's3-account') return 's3AccountPublicAccess';
  return undefined;
}

function whatWasDone(result: EvaluationResult, settings: GuardSettings): string {
  const r = result.remediation;
  if (!r) {
    const key = remediationModeKey(result);
    // The guard cannot repair its own sight: a trail or a rule is the operators' to fix.
    if (!key) return 'Nothing automatically: this is for the operators of the guard (the same message went to the operations topic).';
    return `Nothing automatically: remediation.${key} is "${settings.remediation[key]}".`;
  }
  const lines = [`${r.outcome}: ${r.detail}`];
  if (r.verified === true) lines.push('Verified by re-reading: the change is in place.');
  if (r.verified === false) lines.push('VERIFICATION FAILED: re-reading does not show the change. Check by hand.');
  if (r.error) lines.push(`Error: ${r.error.name}: ${r.error.message}`);
  const revoked = r.revoked ?? [];
  if (revoked.length > 0 && r.outcome === 'APPLIED') {
    lines.push('Revoked (each can be restored with its command):');
    for (const rule of revoked) {
      lines.push(`  ${rule.securityGroupRuleId}: ${rule.protocol} ${rule.ports} from ${rule.source}${rule.description ? ` (description ${quoted(rule.description)})` : ''}`);
      lines.push(`    undo: ${rule.restore}`);
    }
  }
  const kept = r.kept ?? [];
  if (kept.length > 0) {
    lines.push('NOT revoked (still open; close by hand):');
    for (const k of kept) lines.push(`  ${k.rule.securityGroupRuleId ?? '(no rule id)'}: ${k.rule.protocol} ${k.rule.ports} from ${k.rule.source}: ${k.reason}`);
  }
  const { after } = r;
  if (after) {
    lines.push(after.length === 0 ? 'Now: no findings.' : `Now: ${after.map((f) => `${f.checkId} ${f.severity}${f.latent ? ' (latent)' : ''}`).join(', ')}`);
  }
  return lines.join('\n');
}

function whoDidIt(result: EvaluationResult): string {
  const t = result.trigger;
  if (!t) return 'Found by a scheduled check, not by an API call.';
  return [
    `${t.actor ?? 'unknown actor'}`,
    `from ${t.sourceIp ?? 'unknown address'} at ${t.time ?? 'unknown time'}`,
    `call: ${t.eventName}${t.eventId ? ` (CloudTrail event ${t.eventId})` : ''}`,
  ].join('\n');
}

function findingBlock(f: Finding): string {
  const lines = [`[${f.severity}] ${f.title}${f.latent ? ' (latent)' : ''}`];
  const to = exposedTo(f);
  if (to) lines.push(`  To whom:`, indent(to));
  const e = f.evidence;
  if ('exposure' in e) {
    lines.push(`  Reachable: ${e.exposure.reason}`);
    for (const ni of e.exposure.interfaces ?? []) {
      const parts = [ni.networkInterfaceId, ni.publicIp && `public IP ${ni.publicIp}`, ni.ipv6Addresses?.length && `IPv6 ${ni.ipv6Addresses.join(' ')}`,
        ni.instanceId && `instance ${ni.instanceId}`, ni.interfaceType];
      lines.push(`    ${parts.filter(Boolean).join(', ')}`);
    }
  }
  if (f.checkId === 'EVALUATION_INCOMPLETE') {
    lines.push('  Not read:');
    for (const u of f.evidence.unread) {
      lines.push(`    ${u.field}: ${u.reason ?? 'not read'}`, `      decides ${u.decides} (could hide: ${u.couldHide})`);
    }
  }
  if (f.checkId === 'S3_ACCOUNT_BPA_OFF' && f.evidence.bucketsReEvaluated !== undefined) {
    const { exposed = [], exposedNotListed, messagesNotDelivered } = f.evidence;
    const more = exposedNotListed !== undefined ? ` and ${exposedNotListed} more` : '';
    lines.push(`  Every bucket re-checked after this change: ${f.evidence.bucketsReEvaluated}.`,
      exposed.length > 0 ? `  Exposed now (each has its own message): ${exposed.join(', ')}${more}` : '  None has a public policy or ACL that this change made live.');
    if (messagesNotDelivered) lines.push(`  Their own message could NOT be delivered (see the audit log): ${messagesNotDelivered.join(', ')}`);
  }
  if (f.checkId === 'GUARD_BLIND') {
    const { trail, canary, consequence } = f.evidence;
    if (trail) {
      lines.push('  Trails:');
      if (trail.trails.length === 0) lines.push('    none exists for this region');
      for (const t of trail.trails) lines.push(`    ${t.name}${t.homeRegion ? ` (home ${t.homeRegion})` : ''}: ${t.covers === 'yes' ? 'covers this region' : t.reason ?? 'does not cover this region'}`);
    }
    if (canary) lines.push(`  Canary (bucket ${canary.bucket}): ${canary.reason}`);
    lines.push(`  Meanwhile: ${consequence}`);
  }
  if ('neutralisedBy' in e && e.neutralisedBy !== undefined) lines.push(`  Neutralised today by: ${e.neutralisedBy}`);
  if (e.remediation !== undefined) lines.push(`  Remediation: ${e.remediation}`);
  if (f.checkId === 'S3_POLICY_PUBLIC' && f.evidence.oracleNote) lines.push(`  AWS's own status: ${f.evidence.oracleNote}`);
  else if (f.checkId === 'S3_POLICY_PUBLIC' && !f.evidence.determined) lines.push('  Undetermined by AWS documentation: the safer reading (public) was taken.');
  lines.push(`  Controls: ${f.controls.join(', ') || '-'}   Check: ${f.checkId}`);
  lines.push('  Fix:', indent(f.fix));
  return lines.join('\n');
}

export function emailText(result: EvaluationResult, open: Finding[], settings: GuardSettings): string {
  const others = result.findings.filter((f) => !open.includes(f));
  const { account, region } = result.resource;
  const sections = [
    `${open[0]?.title ?? resourceLabel(result)}`,
    '',
    open.every(isIncompleteFinding) ? 'WHAT COULD NOT BE CHECKED' : result.resource.type === 'guard' ? 'WHAT THE GUARD CANNOT SEE' : 'WHAT IS EXPOSED',
    `  ${resourceLabel(result)} in account ${account ?? 'unknown'}, region ${region ?? 'unknown'}`,
    '',
    ...open.flatMap((f, i) => [...(i > 0 ? [''] : []), indent(findingBlock(f), '  ')]),
    '',
    ...(result.resource.type === 'guard' ? [] : ['WHO CHANGED IT', indent(whoDidIt(result), '  '), '']),
    'WHAT WAS DONE',
    indent(whatWasDone(result, settings), '  '),
    '',
    'CONSOLE',
    `  ${consoleLink(result)}`,
  ];
  if (others.length > 0) {
    sections.push('', 'ALSO FOUND (not alerting here)',
      ...others.map((f) => `  [${f.severity}] ${f.checkId}: ${f.title}${isAtLeast(f.severity, settings.notifyMinSeverity)
        ? ` (an account-wide setting: it has a message of its own when the account setting changes, not one per bucket; fix: ${f.fix})`
        : ` (below ${settings.notifyMinSeverity})`}`));
  }
  // The EVALUATION_INCOMPLETE block above already names every unread field, with why and what it decides.
  if (result.unknown.length > 0 && !open.some(isIncompleteFinding)) {
    sections.push('', 'NOT READ (these checks did not run; the result is not a clean bill of health)',
      ...result.unknown.map((u) => `  ${u}${result.unknownReasons?.[u] ? `: ${result.unknownReasons[u]}` : ''}`));
  }
  sections.push('', '--', `Exposure Guard. Status ${result.status}. The JSON variant of this message carries the full evidence.`);
  return sections.join('\n');
}

/** The result JSON, with evidence dropped if it would push the message past SNS's size limit. */
export function resultJson(result: EvaluationResult): string {
  const json = JSON.stringify(result);
  if (Buffer.byteLength(json) <= MAX_JSON_BYTES) return json;
  const slim = { ...result, findings: result.findings.map((f) => ({ ...f, evidence: { truncated: 'evidence too large for SNS; see the audit log record' } })) };
  return JSON.stringify(slim);
}

/**
 * Undefined when nothing is at or above notifyMinSeverity: quiet when things are fine. A change
 * the guard made (or failed to make) is always told, whatever the findings' severity.
 */
export function composeNotification(result: EvaluationResult, settings: GuardSettings): Notification | undefined {
  const acted = result.remediation?.outcome === 'APPLIED' || result.remediation?.outcome === 'FAILED';
  const atThreshold = openFindings(result, settings);
  const open = atThreshold.length === 0 && acted ? result.findings : atThreshold;
  const severity = maxSeverity(open.map((f) => f.severity));
  if (!severity || open.length === 0) return undefined;
  const { account, region } = result.resource;
  const attributes: Notification['attributes'] = {
    severity: { DataType: 'String', StringValue: severity },
    resourceType: { DataType: 'String', StringValue: result.resource.type },
    checkIds: { DataType: 'String.Array', StringValue: JSON.stringify([...new Set(open.map((f) => f.checkId))]) },
  };
  if (account) attributes.account = { DataType: 'String', StringValue: account };
  if (region) attributes.region = { DataType: 'String', StringValue: region };
  return {
    // An account's S3 settings are global: the account id is already the resource, and no region applies.
    subject: result.resource.type === 's3-account'
      ? subjectFor(severity, open[0] ? verdictOf(open[0]) : 'Findings', subjectResource(result))
      : subjectFor(severity, open[0] ? verdictOf(open[0]) : 'Findings', subjectResource(result), account, region),
    email: plainText(emailText(result, open, settings)),
    json: resultJson(result),
    severity,
    attributes,
  };
}

/** A finding the ledger saw close: what it was, since when, and what closed it. */
export interface ResolvedFinding {
  checkId: Finding['checkId'];
  severity: Severity;
  title: string;
  firstSeen: string;
  closedBy: string;
}

function resolvedLines(resolved: readonly ResolvedFinding[]): string[] {
  return resolved.map((r) => `  [was ${r.severity}] ${r.title}\n    open since ${r.firstSeen}; closed: ${r.closedBy}`);
}

/** One short message when open findings close and nothing else is new. */
export function composeResolved(result: EvaluationResult, resolved: readonly ResolvedFinding[]): Notification | undefined {
  if (resolved.length === 0) return undefined;
  const severity = maxSeverity(resolved.map((r) => r.severity)) ?? 'INFORMATIONAL';
  const { account, region } = result.resource;
  const email = [
    `RESOLVED: ${resourceLabel(result)}${account ? ` in account ${account}` : ''}${region && result.resource.type !== 's3-account' ? ` (${region})` : ''}`,
    '',
    'WHAT CLOSED',
    ...resolvedLines(resolved),
    '',
    `Still open on this resource: ${result.findings.length === 0 ? 'nothing' : result.findings.map((f) => `${f.checkId} ${f.severity}${f.latent ? ' (latent)' : ''}`).join(', ')}.`,
    '', '--', `Exposure Guard. Status ${result.status}.`,
  ].join('\n');
  return {
    subject: subjectFor(severity, 'Resolved', subjectResource(result), result.resource.type === 's3-account' ? undefined : account, result.resource.type === 's3-account' ? undefined : region),
    email: plainText(email),
    json: resultJson(result),
    severity,
    attributes: {
      severity: { DataType: 'String', StringValue: severity },
      resourceType: { DataType: 'String', StringValue: result.resource.type },
      checkIds: { DataType: 'String.Array', StringValue: JSON.stringify([...new Set(resolved.map((r) => r.checkId))]) },
      resolved: { DataType: 'String', StringValue: 'true' },
      ...(account ? { account: { DataType: 'String' as const, StringValue: account } } : {}),
      ...(region ? { region: { DataType: 'String' as const, StringValue: region } } : {}),
    },
  };
}

/** The findings message with what closed since the last one appended. */
/**
 * The sweep found a new exposure that no event announced: the responder reads that first, since a
 * missed or filtered CloudTrail event is itself worth knowing.
 */
export function asMissedEvent(notification: Notification): Notification {
  const block = [
    'NO EVENT ANNOUNCED THIS',
    '  The scheduled sweep found it; no CloudTrail event reached the guard for the change that opened it.',
    '  Possible causes: the change came before the guard was deployed, the trail or EventBridge missed or',
    '  filtered the call, or the event-path function failed (see the operations topic and the DLQ).',
    '',
  ].join('\n');
  const at = notification.email.indexOf('\n\n');
  const email = at < 0 ? `${notification.email}\n\n${block}` : `${notification.email.slice(0, at + 2)}${block}${notification.email.slice(at + 2)}`;
  return { ...notification, email: plainText(email), attributes: { ...notification.attributes, missedEvent: { DataType: 'String', StringValue: 'true' } } };
}

export function withResolved(notification: Notification, resolved: readonly ResolvedFinding[]): Notification {
  if (resolved.length === 0) return notification;
  const block = ['', 'RESOLVED SINCE THE LAST MESSAGE', ...resolvedLines(resolved)].join('\n');
  // Before the signature line, which stays last.
  const at = notification.email.lastIndexOf('\n\n--\n');
  const email = at < 0 ? `${notification.email}\n${block}` : `${notification.email.slice(0, at)}\n${block}${notification.email.slice(at)}`;
  return { ...notification, email: plainText(email) };
}
