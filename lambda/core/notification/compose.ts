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
import type { PublicStatementEvidence } from '../s3/evidence';

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

/** The resource as a subject names it: its id must stay whole, the rest may go. */
export interface SubjectResource {
  /** "S3 bucket", dropped before the id is touched (the verdict already says bucket or port). */
  label?: string;
  id: string;
  /** A name someone else chose (a group's): shortened, then dropped, before the location. */
  name?: string;
}

function subjectResource(result: EvaluationResult): SubjectResource {
  const { type, id } = result.resource;
  if (type === 's3-bucket') return { label: 'S3 bucket', id };
  if (type === 'security-group') {
    const name = groupNameOf(result);
    return { id, ...(name !== undefined ? { name } : {}) };
  }
  if (type === 'guard') return { id: 'event path' };
  return { label: 'account', id };
}

function portsPhrase(f: FindingOf<'SG_OPEN_HIGH_RISK_PORT' | 'SG_OPEN_UNAUTHORIZED_PORT'>, most = 3): string {
  const named = f.evidence.exposedPorts.map((p) => (p.service ? `${p.service} (${p.protocol === 'tcp' ? '' : `${p.protocol.toUpperCase()} `}${p.ports})` : `${p.protocol.toUpperCase()} ${p.ports}`));
  return named.length > most ? `${named.slice(0, most).join(', ')} +${named.length - most} more` : named.join(', ') || 'ports';
}

/**
 * The subject's verdict: our own fixed words, never a name someone else chose, so it always
 * comes first and is never cut.
 */
export function verdictOf(f: Finding, ports = 3): string {
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
    case 'SG_OPEN_UNAUTHORIZED_PORT': return `${portsPhrase(f, ports)} open to the internet${latent}`;
    default: return CHECKS[f.checkId].verdict;
  }
}

/** The leading whole words of `text` that fit in `room` with "...", or undefined when not even one does. */
function wordsThatFit(text: string, room: number): string | undefined {
  const head = text.slice(0, Math.max(0, room - 3) + 1);
  const boundary = head.lastIndexOf(' ');
  return boundary > 1 ? `${head.slice(0, boundary).trimEnd()}...` : undefined;
}

/** Cut at the last word boundary that fits, marked: never mid-word unless one word is all there is. */
function cutAtWord(text: string, room: number): string {
  if (text.length <= room) return text;
  const keep = Math.max(0, room - 3);
  const head = text.slice(0, keep);
  const boundary = Math.max(head.lastIndexOf(' '), head.lastIndexOf('-'), head.lastIndexOf('.'), head.lastIndexOf(','));
  return `${(boundary > keep / 2 ? head.slice(0, boundary) : head).trimEnd()}...`;
}

/**
 * `[CRITICAL] <verdict>: <resource> (<account> <region>)` under SNS's limit. The severity, the
 * verdict and the resource's id stay whole; to fit, a name someone else chose is shortened at a
 * word and then dropped, then the "S3 bucket" label, then the region, then the account. Only a
 * verdict plus id longer than the limit (a 63-character bucket name) cuts the id, at a word.
 */
export function subjectFor(severity: Severity, verdict: string, resource: SubjectResource, account?: string, region?: string): string {
  const head = ascii(`[${severity}] ${verdict}: `);
  const id = ascii(resource.id);
  const name = resource.name !== undefined ? ascii(quoted(resource.name, 60)) : undefined;
  const compose = (label: boolean, named: string | undefined, where: string[]) =>
    `${head}${label && resource.label ? `${resource.label} ` : ''}${id}${named ? ` ${named}` : ''}${where.length ? ` (${ascii(where.join(' '))})` : ''}`;
  const location = [account, region].filter((x): x is string => Boolean(x));
  const fits = (text: string) => text.length <= MAX_SUBJECT;

  const full = compose(true, name, location);
  if (fits(full)) return full;
  if (name !== undefined) {
    const room = MAX_SUBJECT - compose(true, undefined, location).length - 1;
    // Whole words of the name or none of it: a name cut mid-word can read as another name.
    const cut = wordsThatFit(name.slice(0, -1), room - 1);
    if (cut !== undefined) return compose(true, `${cut}"`, location);
  }
  for (const [label, where] of [[true, location], [false, location], [false, location.slice(0, 1)], [false, []]] as const) {
    const text = compose(label, undefined, [...where]);
    if (fits(text)) return text;
  }
  const room = MAX_SUBJECT - head.length;
  return room > 3 ? `${head}${cutAtWord(id, room)}` : head.slice(0, MAX_SUBJECT).trimEnd();
}

/**
 * The first finding's verdict; when something could not be read and the first finding is another,
 * the subject says that too: "Block Public Access off" alone would read as the whole story.
 */
export function subjectVerdict(open: readonly Finding[], ports = 3): string {
  const [first] = open;
  if (!first) return 'Findings';
  const incomplete = open.find((f): f is FindingOf<'EVALUATION_INCOMPLETE'> => f.checkId === 'EVALUATION_INCOMPLETE');
  // "Could not be fully checked" first says it already; the email names every field.
  if (!incomplete || incomplete === first) return verdictOf(first, ports);
  const fields = incomplete.evidence.unread.map((u) => u.field);
  const named = fields.length === 1 && fields[0]!.length <= 20 ? `${fields[0]} not read` : `${fields.length} reads failed`;
  return `${verdictOf(first, ports)}; ${named}`;
}

/** `statement #1, Sid "OpenUpload": anyone (Principal "*") may s3:PutObject, s3:GetObject`: what to remove, and what it grants. */
function statementLine(s: Pick<PublicStatementEvidence, 'sid' | 'index' | 'grantee' | 'actions'>): string {
  const name = `statement #${s.index + 1}${s.sid ? `, Sid ${quoted(s.sid, 60)}` : ''}`;
  const actions = `${s.actions.slice(0, 8).join(', ')}${s.actions.length > 8 ? `, +${s.actions.length - 8} more` : ''}`;
  return `${name}: ${s.grantee} may ${actions || 'act'}`;
}

function exposedTo(f: Finding): string | undefined {
  switch (f.checkId) {
    case 'S3_POLICY_PUBLIC':
      return [
        ...f.evidence.publicStatements.map((s) => statementLine(s)),
        ...(f.evidence.statementsAwsMayCount ? [`AWS's own status says public; it most likely counts ${f.evidence.statementsAwsMayCount.join(', ')}`] : []),
      ].join('\n');
    case 'S3_ACL_PUBLIC':
      return f.evidence.publicGrants.map((g) => `${g.grantee}: ${g.permission}`).join('\n');
    case 'S3_ACCESS_POINT_PUBLIC':
      return f.evidence.accessPoints.map((a) => [
        `${a.kind} ${quoted(a.name, 60)}${a.latent ? ' (latent)' : ''}: ${a.accessPoint}`,
        ...a.publicStatements.map((s) => `  ${statementLine(s)}${s.pending ? ` (${s.pending})` : ''}`),
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

const WHAT_IT_GUARDS: Record<keyof GuardSettings['remediation'], string> = {
  s3BucketPublicAccess: 'buckets', s3AccountPublicAccess: "the account's S3 settings", securityGroupIngress: 'security groups',
};

/** Why the guard left it alone, in words a responder who never saw the settings can follow. */
function nothingChanged(key: keyof GuardSettings['remediation'], mode: GuardSettings['remediation'][typeof key]): string {
  const what = WHAT_IT_GUARDS[key];
  const how = mode === 'dry-run'
    ? `this guard only rehearses fixes for ${what} (its ${key} setting is "dry-run")`
    : mode === 'enforce'
      ? `this exposure is not one the guard closes itself, or the resource is exempt (its ${key} setting is "enforce")`
      : `this guard only reports on ${what} (its ${key} setting is "off")`;
  return wrap(`Nothing was changed: ${how}. The README's "Turning on remediation" says how the guard can close this itself.`, '', 96);
}

function whatWasDone(result: EvaluationResult, settings: GuardSettings): string {
  const r = result.remediation;
  if (!r) {
    const key = remediationModeKey(result);
    // The guard cannot repair its own sight: a trail or a rule is the operators' to fix.
    if (!key) return 'Nothing was changed: this is for the operators of the guard (the same message went to the operations topic).';
    return nothingChanged(key, settings.remediation[key]);
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

/** The title says latent itself when it names why ("latent: not attached", "neutralised by"). */
function titleLine(f: Finding): string {
  const saysSo = /latent|neutralised/i.test(f.title);
  return `[${f.severity}] ${f.title}${f.latent && !saysSo ? ' (latent)' : ''}`;
}

function interfaceLine(ni: NonNullable<Extract<Finding['evidence'], { exposure: unknown }>['exposure']['interfaces']>[number]): string {
  const parts = [ni.networkInterfaceId, ni.publicIp && `public IP ${ni.publicIp}`, ni.ipv6Addresses?.length && `IPv6 ${ni.ipv6Addresses.join(' ')}`,
    ni.instanceId && `instance ${ni.instanceId}`,
    // "interface" is EC2's word for an ordinary instance interface: only the others say something.
    ni.interfaceType && ni.interfaceType !== 'interface' && `a ${ni.interfaceType.replace(/_/g, ' ')} interface`];
  return parts.filter(Boolean).join(', ');
}

function findingBlock(f: Finding, fixNumber: number | undefined): string {
  const lines = [titleLine(f)];
  const to = exposedTo(f);
  if (to) lines.push(`  To whom:`, indent(to));
  const e = f.evidence;
  if ('exposure' in e) {
    lines.push(`  Reachable: ${e.exposure.reason}`);
    for (const ni of e.exposure.interfaces ?? []) lines.push(`    ${interfaceLine(ni)}`);
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
  lines.push(`  ${controlsLine(f)}   Check: ${f.checkId}`);
  if (fixNumber !== undefined) lines.push(`  Fix: ${fixNumber} under HOW TO FIX`);
  return lines.join('\n');
}

function controlsLine(f: Finding): string {
  const cis = f.cis ?? CHECKS[f.checkId].cis;
  return `Controls: AWS FSBP ${f.controls.join(', ') || '-'}; CIS ${cis.join(', ') || '-'}`;
}

/** One section per distinct fix, in the order the findings come, saying which findings it closes. */
export function fixSections(open: readonly Finding[]): { fix: string; closes: Finding[] }[] {
  const sections: { fix: string; closes: Finding[] }[] = [];
  for (const f of open) {
    const same = sections.find((s) => s.fix === f.fix);
    if (same) same.closes.push(f);
    else sections.push({ fix: f.fix, closes: [f] });
  }
  return sections;
}

/** Block Public Access closes what a bucket is meant to serve: said before the command is run. */
function bpaWarning(result: EvaluationResult, fix: string): string | undefined {
  if (!fix.includes('put-public-access-block')) return undefined;
  if (fix.includes('s3control')) {
    return 'Before you run it: account-level Block Public Access also closes every bucket of the account that is meant to be public (a static website, a public dataset). Check there are none, or give them another way to serve first (CloudFront with origin access control).';
  }
  return `Before you run it: Block Public Access also closes access the bucket is meant to give. If ${result.resource.id} is meant to be public (a static website, a public dataset), do not run it: add the bucket to exemptBuckets in the guard's settings (README, "Configuration"), so the guard never turns Block Public Access on for it.`;
}

function howToFix(result: EvaluationResult, sections: readonly { fix: string; closes: Finding[] }[]): string[] {
  return sections.flatMap(({ fix, closes }, i) => {
    const warning = bpaWarning(result, fix);
    return [
      ...(i > 0 ? [''] : []),
      `  ${i + 1}. Closes ${closes.map((f) => `${f.checkId} [${f.severity}]`).join(', ')}:`,
      indent(fix, '       '),
      ...(warning ? [wrap(warning, '     ')] : []),
    ];
  });
}

/** Plain-text paragraphs wrapped near 100 columns, so a warning reads as a warning and not as one long line. */
function wrap(text: string, by: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && by.length + line.length + 1 + word.length > width) {
      lines.push(`${by}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${by}${line}`);
  return lines.join('\n');
}

const EXPOSURE_CHECKS = new Set<Finding['checkId']>(['S3_POLICY_PUBLIC', 'S3_ACL_PUBLIC', 'S3_ACCESS_POINT_PUBLIC']);

/**
 * "Was data read?": beside an exposure that is live, whether S3 kept a record of who read or wrote
 * the objects and where it is, and where the guard's own records of the bucket are.
 */
function wasDataRead(result: EvaluationResult, open: readonly Finding[], context: ComposeContext): string[] {
  if (result.resource.type !== 's3-bucket' || !open.some((f) => EXPOSURE_CHECKS.has(f.checkId) && !f.latent)) return [];
  const logs = result.serverAccessLogs;
  const serverLogs = !logs || logs.state === 'unknown'
    ? `Server access logging: could not be read${logs?.state === 'unknown' && logs.reason ? ` (${logs.reason})` : ''}; check with aws s3api get-bucket-logging --bucket ${result.resource.id}.`
    : logs.state === 'off'
      ? 'Server access logging is off: S3 kept no record of who read or wrote objects through this exposure. If the trail logs S3 data events for this bucket, GetObject and PutObject calls are there.'
      : `Server access logging is on${logs.location ? `: logs go to ${logs.location}` : ''} (delivered within hours). Look for requests since the change from requesters outside your accounts (requester "-" is anonymous).`;
  return [
    'WAS DATA READ?',
    wrap(serverLogs, '  '),
    wrap(`The guard's own record of this bucket: CloudWatch Logs Insights, saved query "ExposureGuard/History of one resource"${context.auditLogGroup ? `, log group ${context.auditLogGroup}` : ''}.`, '  '),
    '',
  ];
}

/** Where the message can point for more: the function's own log group holds the audit records. */
export interface ComposeContext {
  auditLogGroup?: string;
}

function footer(result: EvaluationResult, context: ComposeContext): string[] {
  return ['--', wrap(`Exposure Guard. Status ${result.status}. The full evidence is the "evaluation" record in CloudWatch Logs${context.auditLogGroup ? ` (log group ${context.auditLogGroup})` : ''}; subscribers by SQS, Lambda or email-json get this message as JSON with all of it.`, '')];
}

export function emailText(result: EvaluationResult, open: Finding[], settings: GuardSettings, context: ComposeContext = {}): string {
  const others = result.findings.filter((f) => !open.includes(f));
  const { account, region } = result.resource;
  const fixes = fixSections(open);
  const sections = [
    `${open[0]?.title ?? resourceLabel(result)}`,
    '',
    open.every(isIncompleteFinding) ? 'WHAT COULD NOT BE CHECKED' : result.resource.type === 'guard' ? 'WHAT THE GUARD CANNOT SEE' : 'WHAT IS EXPOSED',
    `  ${resourceLabel(result)} in account ${account ?? 'unknown'}, region ${region ?? 'unknown'}`,
    '',
    ...open.flatMap((f, i) => [...(i > 0 ? [''] : []), indent(findingBlock(f, fixes.findIndex((x) => x.closes.includes(f)) + 1), '  ')]),
    '',
    ...wasDataRead(result, open, context),
    ...(result.resource.type === 'guard' ? [] : ['WHO CHANGED IT', indent(whoDidIt(result), '  '), '']),
    'HOW TO FIX',
    ...howToFix(result, fixes),
    '',
    'WHAT WAS DONE',
    indent(whatWasDone(result, settings), '  '),
    '',
    'CONSOLE',
    `  ${consoleLink(result)}`,
  ];
  if (others.length > 0) {
    sections.push('', 'ALSO FOUND (no alert for these here)',
      ...others.map((f) => `  [${f.severity}] ${f.checkId}: ${f.title}${isAtLeast(f.severity, settings.notifyMinSeverity)
        ? '. A setting of the whole account, not of this bucket: it has its own message, about the account, rather than one in every bucket\'s.'
        : ` (below the alerting threshold, ${settings.notifyMinSeverity})`}`));
  }
  // The EVALUATION_INCOMPLETE block above already names every unread field, with why and what it decides.
  if (result.unknown.length > 0 && !open.some(isIncompleteFinding)) {
    sections.push('', 'NOT READ (these checks did not run; the result is not a clean bill of health)',
      ...result.unknown.map((u) => `  ${u}${result.unknownReasons?.[u] ? `: ${result.unknownReasons[u]}` : ''}`));
  }
  sections.push('', ...footer(result, context));
  return sections.join('\n');
}

/** The result JSON, with evidence dropped if it would push the message past SNS's size limit. */
export function resultJson(result: EvaluationResult): string {
  const json = JSON.stringify(result);
  if (Buffer.byteLength(json) <= MAX_JSON_BYTES) return json;
  const slim = { ...result, findings: result.findings.map((f) => ({ ...f, evidence: { truncated: 'evidence too large for SNS; see the audit log record' } })) };
  return JSON.stringify(slim);
}

/** Fewer ports named in the verdict rather than a cut resource id. */
function findingsSubject(result: EvaluationResult, severity: Severity, open: readonly Finding[]): string {
  const resource = subjectResource(result);
  // An account's S3 settings are global: the account id is already the resource, and no region applies.
  const [account, region] = result.resource.type === 's3-account' ? [] : [result.resource.account, result.resource.region];
  let subject = '';
  for (const ports of [3, 2, 1]) {
    subject = subjectFor(severity, subjectVerdict(open, ports), resource, account, region);
    if (!subject.endsWith('...') || subject.includes(ascii(resource.id))) return subject;
  }
  return subject;
}

/**
 * Undefined when nothing is at or above notifyMinSeverity: quiet when things are fine. A change
 * the guard made (or failed to make) is always told, whatever the findings' severity.
 */
export function composeNotification(result: EvaluationResult, settings: GuardSettings, context: ComposeContext = {}): Notification | undefined {
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
    subject: findingsSubject(result, severity, open),
    email: plainText(emailText(result, open, settings, context)),
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
export function composeResolved(result: EvaluationResult, resolved: readonly ResolvedFinding[], context: ComposeContext = {}): Notification | undefined {
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
    '', ...footer(result, context),
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
