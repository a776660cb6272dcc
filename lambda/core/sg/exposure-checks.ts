/**
 * The four coupled exposure checks. Each exposure is reported once, at its most severe check, so
 * the order is fixed: the rules that open every port (SG_OPEN_ALL_TRAFFIC) are set aside first,
 * then the rest are judged port by port for high-risk ports, then for ports outside the
 * allow-list, then for portless protocols.
 */
import { securityGroupConsoleLink } from '../remediation/fix-commands';
import { EC2_19_HIGH_RISK_PORTS } from '../model/settings';
import { severityRank } from '../model/severity';
import type { SecurityGroupSnapshot, Severity } from '../model/types';
import { markUnknown, validPorts, type Context } from './context';
import { byControlNumber, evidenceRule, exposedPorts, familiesOf, namedRules, type SgExposureEvidence } from './evidence';
import { coversDomain, isPrivateBlock, subtractPorts, type Candidate } from './open-spans';
import { removePrefixListEntriesCommand, revokeRulesFix } from './fix';
import { highRiskLabel, listForTitle, portRangeLabel, protocolLabel } from './labels';
import { candidatesOf, EVERY_USABLE_PORT, internetCapable, isFullSpan, onlyAllowedPorts, openingsOf, type Opening } from './openings';
import { reachOf } from './reachability';
import { FULL_PORT_RANGE, hasPorts, type FlatRule } from './rules';

interface ExposureSpec {
  checkId: 'SG_OPEN_ALL_TRAFFIC' | 'SG_OPEN_HIGH_RISK_PORT' | 'SG_OPEN_UNAUTHORIZED_PORT';
  severity: Severity;
  what: string;
  openings: Opening[];
  controls: string[];
  extra?: Pick<SgExposureEvidence, 'allowedPublicPorts' | 'allowedPublicUdpPorts' | 'note' | 'protocols'>;
}

function pushExposure(ctx: Context, spec: ExposureSpec): void {
  const { snapshot } = ctx;
  const reach = (ctx.reach ??= reachOf(snapshot));
  const latent = reach.state === 'latent';
  const severity: Severity = latent && severityRank(spec.severity) > severityRank('MEDIUM') ? 'MEDIUM' : spec.severity;
  if (reach.state === 'unknown') markUnknown(ctx, 'networkInterfaces', 'not read: findings keep full severity, as if a public interface used the group');
  const named = namedRules(spec.openings);
  const rules = [...named.keys()];
  const { titleNote, ...exposure } = reach;
  ctx.findings.push({
    checkId: spec.checkId,
    severity,
    title: `Security group ${ctx.label} allows ${spec.what} from the internet${latent ? ` (latent: ${titleNote})` : ''}`,
    evidence: {
      groupId: snapshot.GroupId,
      ...(snapshot.GroupName !== undefined ? { groupName: snapshot.GroupName } : {}),
      ...(snapshot.VpcId !== undefined ? { vpcId: snapshot.VpcId } : {}),
      exposedPorts: exposedPorts(spec.openings),
      ipFamilies: familiesOf(spec.openings),
      rules: rules.map((c) => evidenceRule(c.rule, named.get(c), c.internet.length > 0 ? c.internet : c.cidrs)),
      exposure,
      effectiveSeverity: severity,
      severityIfLive: spec.severity,
      ...(rules.some((c) => !c.rule.securityGroupRuleId)
        ? { ruleIds: 'SecurityGroupRuleId unknown for some rules (DescribeSecurityGroupRules not read, or no entry matched): the fix revokes those by --ip-permissions, which removes only that one source' }
        : {}),
      consoleLink: securityGroupConsoleLink(snapshot.GroupId, snapshot.region),
      ...spec.extra,
    },
    controls: [...new Set(spec.controls)].sort(byControlNumber),
    fix: exposureFix(snapshot, rules),
    latent,
  });
}

/** Revoke the CIDR rules; for a prefix-list rule, remove the world-open entries from the list instead. */
function exposureFix(snapshot: SecurityGroupSnapshot, rules: readonly Candidate[]): string {
  const direct = rules.filter((c) => c.rule.sourceType !== 'prefix-list').map((c) => c.rule);
  const lists = new Map<string, string[]>();
  for (const c of rules) {
    if (c.rule.sourceType !== 'prefix-list') continue;
    // Entries that are the internet alone; else the public ones that are it together (two /1s).
    const culprits = c.internet.length > 0 ? c.internet : c.cidrs.filter((b) => !isPrivateBlock(b));
    lists.set(c.rule.source, [...new Set([...(lists.get(c.rule.source) ?? []), ...culprits.map((b) => b.text)])]);
  }
  return [
    ...(direct.length > 0 ? [revokeRulesFix(snapshot.GroupId, direct, snapshot.region)] : []),
    ...[...lists].map(([id, entries]) => removePrefixListEntriesCommand(id, entries, snapshot.region)),
  ].join('\n');
}

/**
 * Rules that open every port of TCP or UDP, collected until what is left no longer does: the
 * full-range rules (-1, 0-65535) when there are any, else the partial ranges that together fill
 * the space, minus rules confined to allowed ports (remediation must never take those).
 */
function allTrafficCulprits(ctx: Context, candidates: readonly Candidate[]): { culprits: Set<Candidate>; openings: Opening[] } {
  const culprits = new Set<Candidate>();
  const openings: Opening[] = [];
  for (let round = 0; round < candidates.length; round++) {
    const rest = culprits.size === 0 ? candidates : candidates.filter((c) => !culprits.has(c));
    const found: Candidate[] = [];
    for (const protocol of ['tcp', 'udp'] as const) {
      const spans = openingsOf(rest, protocol);
      if (!coversDomain(spans, EVERY_USABLE_PORT)) continue;
      const allowed = validPorts(protocol === 'tcp' ? ctx.settings.allowedPublicPorts : ctx.settings.allowedPublicUdpPorts);
      const named = [...new Set(spans.flatMap((s) => [...s.rules.keys()]))];
      const full = named.filter((c) => isFullSpan(c.rule));
      const picked = full.length > 0 ? full : named.filter((c) => !onlyAllowedPorts(c.rule, allowed));
      found.push(...picked);
      for (const s of spans) {
        const rules = new Map([...s.rules].filter(([c]) => picked.includes(c)));
        if (rules.size > 0) openings.push({ protocol, span: s, open: { ...s, rules } });
      }
    }
    if (found.length === 0) break;
    for (const c of found) culprits.add(c);
  }
  return { culprits, openings };
}

function checkAllTraffic(ctx: Context, openings: Opening[]): void {
  if (openings.length === 0) return;
  const rules = [...namedRules(openings).keys()];
  const protocols = [...new Set(openings.map((o) => o.protocol))];
  const what = rules.some((c) => c.rule.protocol === '-1')
    ? 'all traffic'
    : `all ${protocols.map((p) => p.toUpperCase()).join(' and ')} ports`;
  const families = familiesOf(openings);
  pushExposure(ctx, {
    checkId: 'SG_OPEN_ALL_TRAFFIC',
    severity: 'CRITICAL',
    what,
    openings: openings.map((o) => ({ ...o, span: FULL_PORT_RANGE })),
    // restricted-common-ports (EC2.19) is TCP-only; all UDP ports fail EC2.18 and EC2.53/54 instead.
    controls: [
      ...(protocols.includes('tcp') ? ['EC2.19'] : ['EC2.18']),
      ...(families.includes('IPv4') ? ['EC2.53'] : []), ...(families.includes('IPv6') ? ['EC2.54'] : []),
    ],
  });
}

const UNIONS = new WeakMap<Set<number>, WeakMap<Set<number>, Set<number>>>();
function unionOf(a: Set<number>, b: Set<number>): Set<number> {
  let byB = UNIONS.get(a);
  if (!byB) UNIONS.set(a, (byB = new WeakMap()));
  let u = byB.get(b);
  if (!u) byB.set(b, (u = new Set([...a, ...b])));
  return u;
}

const SORTED = new WeakMap<Set<number>, number[]>();
function sortedPorts(ports: Set<number>): number[] {
  let sorted = SORTED.get(ports);
  if (!sorted) SORTED.set(ports, (sorted = [...ports].sort((a, b) => a - b)));
  return sorted;
}

/**
 * AWS's high-risk-port controls are TCP-only (restricted-ssh, restricted-common-ports), except that
 * EC2.53/54 also count UDP for 22 and 3389. So UDP is high risk on those two only; any other UDP
 * port open to the internet is EC2.18's "unauthorized port".
 */
const UDP_ADMIN_PORTS: ReadonlySet<number> = new Set([22, 3389]);
const UDP_RISKY = new WeakMap<Set<number>, Set<number>>();
function udpRisky(risky: Set<number>): Set<number> {
  let set = UDP_RISKY.get(risky);
  if (!set) UDP_RISKY.set(risky, (set = new Set([...risky].filter((p) => UDP_ADMIN_PORTS.has(p)))));
  return set;
}

function checkPorts(ctx: Context, candidates: readonly Candidate[]): void {
  const tcpRisky = validPorts(ctx.settings.highRiskPorts);
  const highRisk: Opening[] = [];
  const unauthorized: Opening[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    const risky = protocol === 'tcp' ? tcpRisky : udpRisky(tcpRisky);
    const allowed = validPorts(protocol === 'tcp' ? ctx.settings.allowedPublicPorts : ctx.settings.allowedPublicUdpPorts);
    const notReported = unionOf(risky, allowed);
    const riskyInOrder = sortedPorts(risky);
    for (const open of openingsOf(candidates, protocol)) {
      for (const p of riskyInOrder) {
        if (p >= open.lo && p <= open.hi) highRisk.push({ protocol, span: { lo: p, hi: p }, open });
      }
      for (const span of subtractPorts(open, notReported)) unauthorized.push({ protocol, span, open });
    }
  }
  if (highRisk.length > 0) pushHighRisk(ctx, highRisk);
  if (unauthorized.length > 0) {
    pushExposure(ctx, {
      checkId: 'SG_OPEN_UNAUTHORIZED_PORT',
      severity: 'HIGH',
      what: listForTitle(unauthorized.map((o) => portRangeLabel(o.protocol, o.span)), 'port ranges'),
      openings: unauthorized,
      controls: ['EC2.18'],
      extra: {
        allowedPublicPorts: [...validPorts(ctx.settings.allowedPublicPorts)],
        allowedPublicUdpPorts: [...validPorts(ctx.settings.allowedPublicUdpPorts)],
      },
    });
  }
}

function pushHighRisk(ctx: Context, openings: Opening[]): void {
  // The TCP-only controls (EC2.13/14/19, and EC2.18 for a custom port) name TCP openings only.
  const ports = new Set(openings.filter((o) => o.protocol === 'tcp').map((o) => o.span.lo));
  const admin = openings.filter((o) => o.span.lo === 22 || o.span.lo === 3389);
  const adminFamilies = familiesOf(admin);
  const allowedToo = [...validPorts(ctx.settings.allowedPublicPorts)].filter((p) => openings.some((o) => o.protocol === 'tcp' && o.span.lo === p));
  pushExposure(ctx, {
    checkId: 'SG_OPEN_HIGH_RISK_PORT',
    // UDP 22/3389 alone is EC2.53/54's territory, rated High there.
    severity: ports.size > 0 ? 'CRITICAL' : 'HIGH',
    what: listForTitle(openings.map((o) => highRiskLabel(o.protocol, o.span.lo)), 'high-risk ports'),
    openings,
    controls: [
      ...(ports.has(22) ? ['EC2.13'] : []),
      ...(ports.has(3389) ? ['EC2.14'] : []),
      // EC2.19 mirrors its fixed list only; a custom high-risk port outside it is what EC2.18 fails on.
      ...([...ports].some((p) => EC2_19_HIGH_RISK_PORTS.includes(p)) ? ['EC2.19'] : []),
      ...([...ports].some((p) => !EC2_19_HIGH_RISK_PORTS.includes(p)) ? ['EC2.18'] : []),
      ...(adminFamilies.includes('IPv4') ? ['EC2.53'] : []),
      ...(adminFamilies.includes('IPv6') ? ['EC2.54'] : []),
    ],
    extra: allowedToo.length > 0
      ? { note: `port(s) ${allowedToo.join(', ')} are in allowedPublicPorts and in highRiskPorts: highRiskPorts wins; remove them from highRiskPorts to accept the exposure` }
      : undefined,
  });
}

/** ICMP, GRE, ESP…: no port to authorize, little to attack, but the internet reaches it: LOW, not silence. */
function checkOtherProtocols(ctx: Context, candidates: readonly Candidate[]): void {
  const protocols = [...new Set(candidates.map((c) => c.rule.protocol))]
    .filter((p): p is string => p !== undefined && p !== '-1' && !hasPorts(p));
  const openings: Opening[] = [];
  for (const protocol of protocols) {
    for (const open of openingsOf(candidates, protocol)) {
      if ([...open.rules.keys()].some((c) => c.rule.protocol === protocol)) openings.push({ protocol, span: open, open });
    }
  }
  if (openings.length === 0) return;
  pushExposure(ctx, {
    checkId: 'SG_OPEN_UNAUTHORIZED_PORT',
    severity: 'LOW',
    what: listForTitle(openings.map((o) => protocolLabel(o.protocol)), 'protocols'),
    openings,
    controls: ['EC2.18'],
    extra: { protocols: [...new Set(openings.map((o) => protocolLabel(o.protocol)))] },
  });
}

export function checkExposure(ctx: Context, rules: readonly FlatRule[], ingressRead: boolean): void {
  if (!ingressRead) markUnknown(ctx, 'IpPermissions', 'inbound rules were not read');
  const candidates = internetCapable(candidatesOf(ctx, rules));
  const { culprits, openings } = allTrafficCulprits(ctx, candidates);
  checkAllTraffic(ctx, openings);
  // The same array when nothing was set aside, so the port checks reuse the openings computed above.
  const rest = culprits.size === 0 ? candidates : candidates.filter((c) => !culprits.has(c));
  checkPorts(ctx, rest);
  checkOtherProtocols(ctx, rest);
}