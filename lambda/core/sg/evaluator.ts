/**
 * Evaluates a SecurityGroupSnapshot against the security-group checks (README, "What it checks").
 *
 * Each exposure is reported once, at its most severe check: the rules that open every port
 * (SG_OPEN_ALL_TRAFFIC) are set aside before the remaining rules are judged port by port for
 * high-risk ports, then for ports outside the allow-list. Severity is effective severity: a
 * world-open group that no public interface uses is latent (MEDIUM), because the next attachment
 * or public IP makes it live.
 */
import { parseCidr, type Cidr } from '../model/cidr';
import { securityGroupConsoleLink } from '../remediation/fix-commands';
import { buildResult } from '../model/result';
import { EC2_19_HIGH_RISK_PORTS, type GuardSettings } from '../model/settings';
import { severityRank } from '../model/severity';
import { coversDomain, coversPublicSpace, isInternetCidr, isPrivateBlock, openSpans, subtractPorts, type Candidate, type OpenSpan, type Span } from './exposure';
import { removePrefixListEntriesCommand, revokeRulesFix } from './fix';
import { quoted } from '../model/untrusted';
import { incompleteFinding, isIncompleteFinding, type UnreadField } from '../model/unread';
import {
  highRiskLabel, listForTitle, portRangeLabel, protocolLabel, rulePorts, serviceOf, spanLabel,
} from './labels';
import { FULL_PORT_RANGE, flattenRules, hasPorts, portSpan, type Direction, type FlatRule, type SourceType } from './rules';
import type { CheckId, EvaluationResult, Finding, SecurityGroupSnapshot, Severity, SgAttachment } from '../model/types';

/** One offending rule, as remediation needs it: revoke by id, or by value when the id is unknown. */
export interface SgEvidenceRule {
  securityGroupRuleId?: string;
  direction: Direction;
  /** tcp, udp, icmp, icmpv6, -1, or the protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** The CIDR, prefix-list id or referenced group id. */
  source: string;
  sourceType: SourceType;
  description?: string;
  /** What the rule admits: `22`, `20-30`, `all`, `all types`. */
  ports: string;
  /** Why the source counts as the internet. */
  internet?: string;
  /** For a prefix list: the entries that make it the internet. */
  prefixListEntries?: string[];
}

/** What the internet can reach: `{ protocol: 'tcp', ports: '22', service: 'SSH' }`. */
export interface SgExposedPorts {
  protocol: string;
  ports: string;
  service?: string;
}

export interface SgExposureState {
  state: 'live' | 'latent' | 'unknown';
  reason: string;
  interfaces?: Array<{ networkInterfaceId: string; publicIp?: string; ipv6Addresses?: string[]; instanceId?: string; interfaceType?: string }>;
}

interface Context {
  snapshot: SecurityGroupSnapshot;
  /** Who the group exposes, worked out once for all its findings. */
  reach?: ReturnType<typeof reachOf>;
  settings: GuardSettings;
  /** `sg-… "name"`: the group as titles name it, the name quoted (someone else chose it). */
  readonly label: string;
  findings: Finding[];
  unknown: string[];
  unknownReasons: Record<string, string>;
}

/** Ports (or ICMP types) of one protocol attributed to a check, and the rules that open them. */
interface Opening {
  protocol: string;
  span: Span;
  open: OpenSpan;
}

const ICMP_TYPES: Span = { lo: 0, hi: 255 };
/** Port 0 is reserved and unusable, so 1-65535 is every port: it must not slip past the all-traffic check. */
const EVERY_USABLE_PORT: Span = { lo: 1, hi: FULL_PORT_RANGE.hi };
const ONE_POINT: Span = { lo: 0, hi: 0 };

function markUnknown(ctx: Context, field: string, reason?: string): void {
  if (!ctx.unknown.includes(field)) ctx.unknown.push(field);
  const r = ctx.snapshot.unreadable?.[field] ?? reason;
  if (r && !ctx.unknownReasons[field]) ctx.unknownReasons[field] = r;
}

/** Settings arrays live as long as the function; their port sets are built once each. */
const PORT_SETS = new WeakMap<readonly number[], Set<number>>();
const NO_PORTS = new Set<number>();

function validPorts(ports: readonly number[] | undefined): Set<number> {
  if (!ports) return NO_PORTS;
  let set = PORT_SETS.get(ports);
  if (!set) PORT_SETS.set(ports, (set = new Set(ports.filter((p) => Number.isInteger(p) && p >= 0 && p <= 65535))));
  return set;
}

/* ---- sources ---- */

function prefixListEntries(ctx: Context, id: string): Cidr[] | undefined {
  const lists = ctx.snapshot.prefixLists;
  const entries = lists && Object.prototype.hasOwnProperty.call(lists, id) ? lists[id] : undefined;
  const field = `prefixList:${id}`;
  if (!Array.isArray(entries)) {
    markUnknown(ctx, field, 'prefix list not resolved: its entries decide whether the rule is open to the internet');
    return undefined;
  }
  const parsed = entries.map((e) => (typeof e === 'string' ? parseCidr(e) : undefined));
  const bad = entries.filter((_, i) => parsed[i] === undefined);
  if (bad.length > 0) markUnknown(ctx, field, `prefix list entries that are not CIDRs: ${bad.map(String).join(', ')}`);
  return parsed.filter((c): c is Cidr => c !== undefined);
}

/**
 * Ingress rules whose source is addresses. A group reference admits the members of that group,
 * never the internet, so it is not a candidate at all.
 */
function candidatesOf(ctx: Context, rules: readonly FlatRule[]): Candidate[] {
  const out: Candidate[] = [];
  for (const rule of rules) {
    if (rule.direction !== 'ingress' || rule.sourceType === 'security-group') continue;
    let cidrs: Cidr[] | undefined;
    if (rule.sourceType === 'prefix-list') cidrs = prefixListEntries(ctx, rule.source);
    else {
      const c = parseCidr(rule.source);
      if (!c) markUnknown(ctx, `cidr:${rule.source}`, 'not a valid CIDR: the rule could not be judged');
      cidrs = c ? [c] : undefined;
    }
    if (!cidrs) continue;
    if (rule.protocol === undefined) {
      markUnknown(ctx, `ipProtocol:${rule.source}`, 'a rule from this source has no readable IpProtocol');
      continue;
    }
    out.push({ rule, cidrs, internet: cidrs.filter(isInternetCidr) });
  }
  return out;
}

/* ---- port spaces ---- */

function domainOf(protocol: string): Span {
  if (hasPorts(protocol)) return FULL_PORT_RANGE;
  return protocol === 'icmp' || protocol === 'icmpv6' ? ICMP_TYPES : ONE_POINT;
}

/** Where a rule sits in a protocol's space: -1 fills every protocol's space; ICMP by type. */
function spanIn(rule: FlatRule, protocol: string): Span {
  if (rule.protocol === '-1') return domainOf(protocol);
  if (hasPorts(protocol)) return portSpan(rule);
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = rule.fromPort;
    return type === undefined || type < 0 || type > 255 ? ICMP_TYPES : { lo: type, hi: type };
  }
  return ONE_POINT;
}

/** openingsOf is asked for the same candidates and protocol by several checks: computed once. */
const OPENINGS = new WeakMap<readonly Candidate[], Map<string, OpenSpan[]>>();

function openingsOf(candidates: readonly Candidate[], protocol: string): OpenSpan[] {
  let byProtocol = OPENINGS.get(candidates);
  if (!byProtocol) OPENINGS.set(candidates, (byProtocol = new Map()));
  let spans = byProtocol.get(protocol);
  if (!spans) byProtocol.set(protocol, (spans = computeOpenings(candidates, protocol)));
  return spans;
}

function computeOpenings(candidates: readonly Candidate[], protocol: string): OpenSpan[] {
  const members = candidates
    .filter((c) => c.rule.protocol === protocol || c.rule.protocol === '-1')
    .map((c) => ({ candidate: c, span: spanIn(c.rule, protocol) }));
  return openSpans(members, domainOf(protocol));
}

function isFullSpan(rule: FlatRule): boolean {
  if (rule.protocol === '-1') return true;
  const s = portSpan(rule);
  return hasPorts(rule.protocol) && s.lo <= EVERY_USABLE_PORT.lo && s.hi === EVERY_USABLE_PORT.hi;
}

function onlyAllowedPorts(rule: FlatRule, allowed: ReadonlySet<number>): boolean {
  const s = portSpan(rule);
  if (!hasPorts(rule.protocol) || s.hi - s.lo + 1 > allowed.size) return false;
  for (let p = s.lo; p <= s.hi; p++) if (!allowed.has(p)) return false;
  return true;
}

/* ---- reachability ---- */

function isPublic(n: SgAttachment): boolean {
  return (typeof n.PublicIp === 'string' && n.PublicIp !== '')
    || (Array.isArray(n.Ipv6Addresses) && n.Ipv6Addresses.some((a) => typeof a === 'string' && a !== ''));
}

function describeInterface(n: SgAttachment): NonNullable<SgExposureState['interfaces']>[number] {
  return {
    networkInterfaceId: n.NetworkInterfaceId,
    ...(n.PublicIp ? { publicIp: n.PublicIp } : {}),
    ...(Array.isArray(n.Ipv6Addresses) && n.Ipv6Addresses.length > 0 ? { ipv6Addresses: n.Ipv6Addresses } : {}),
    ...(n.InstanceId ? { instanceId: n.InstanceId } : {}),
    ...(n.InterfaceType ? { interfaceType: n.InterfaceType } : {}),
  };
}

function reachOf(snapshot: SecurityGroupSnapshot): SgExposureState & { titleNote?: string } {
  const nis = snapshot.networkInterfaces;
  if (!Array.isArray(nis)) {
    return { state: 'unknown', reason: 'attachment was not read (network interfaces using the group): reported at full severity' };
  }
  const attached = nis.filter((n): n is SgAttachment => typeof n === 'object' && n !== null && typeof n.NetworkInterfaceId === 'string');
  if (attached.length === 0) {
    return { state: 'latent', reason: 'attached to no network interface: the next attachment makes it live', titleNote: 'not attached' };
  }
  const exposed = attached.filter(isPublic);
  if (exposed.length > 0) {
    return {
      state: 'live',
      reason: `${exposed.length} of ${attached.length} network interface(s) using the group have a public IPv4 or IPv6 address`,
      interfaces: exposed.map(describeInterface),
    };
  }
  // Not "safe": an internet-facing NLB keeps client source IPs, so this rule is what lets the
  // internet through it to these private interfaces; and a public IP can be associated any time.
  return {
    state: 'latent',
    reason: `attached to ${attached.length} network interface(s), none with a public IPv4 or IPv6 address: not directly reachable from the internet today. `
      + 'Check what fronts them: through an internet-facing Network Load Balancer (client IPs preserved) this rule does admit the internet, '
      + 'and associating a public or Elastic IP makes it live at once',
    interfaces: attached.map(describeInterface),
    titleNote: 'no public address',
  };
}

/* ---- evidence and findings ---- */

function evidenceRule(rule: FlatRule, internet?: string, entries?: Cidr[]): SgEvidenceRule {
  // Field order is the evidence's reading order (id first), so build it in that order.
  const e = {} as SgEvidenceRule;
  if (rule.securityGroupRuleId) e.securityGroupRuleId = rule.securityGroupRuleId;
  e.direction = rule.direction;
  e.protocol = rule.protocol ?? 'unknown';
  if (rule.fromPort !== undefined) e.fromPort = rule.fromPort;
  if (rule.toPort !== undefined) e.toPort = rule.toPort;
  e.source = rule.source;
  e.sourceType = rule.sourceType;
  if (rule.description) e.description = rule.description;
  e.ports = rulePorts(rule);
  if (internet) e.internet = internet;
  if (rule.sourceType === 'prefix-list' && entries) e.prefixListEntries = entries.map((c) => c.text);
  return e;
}

/** The rules behind a set of openings, each once, in rule order, with the first reason found. */
function namedRules(openings: readonly Opening[]): Map<Candidate, string> {
  const named = new Map<Candidate, string>();
  for (const o of openings) for (const [c, why] of o.open.rules) if (!named.has(c)) named.set(c, why);
  return named;
}

function familiesOf(openings: readonly Opening[]): string[] {
  const f = new Set<4 | 6>();
  for (const o of openings) for (const v of o.open.families) f.add(v);
  return [...f].sort().map((v) => `IPv${v}`);
}

function exposedPorts(openings: readonly Opening[]): SgExposedPorts[] {
  const seen = new Set<string>();
  const out: SgExposedPorts[] = [];
  for (const o of openings) {
    const ports = spanLabel(o.protocol, o.span);
    const key = `${o.protocol}/${ports}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const service = hasPorts(o.protocol) && o.span.lo === o.span.hi ? serviceOf(o.span.lo) : undefined;
    out.push({ protocol: o.protocol, ports, ...(service ? { service } : {}) });
  }
  return out;
}

function byControlNumber(a: string, b: string): number {
  return Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, ''));
}

interface ExposureSpec {
  checkId: CheckId;
  severity: Severity;
  what: string;
  openings: Opening[];
  controls: string[];
  extra?: Record<string, unknown>;
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

/**
 * Blocks that are not the internet alone matter only if, together, they could cover an IP
 * version's whole space. When even all of a group's blocks cannot, no port's subset can, so
 * only the rules that are the internet on their own need the per-port judgement. A /0 is left
 * out of that test: where it reaches a port it covers alone and every other rule is redundant
 * there. Exact, and it keeps the common group (private ranges plus world-open rules) cheap.
 */
function internetCapable(candidates: Candidate[]): Candidate[] {
  // Public blocks whose sizes (with the private space) add up to less than the space cannot cover it: skip the sort.
  const size = { 4: 0n, 6: 0n };
  const all = { 4: [] as Cidr[], 6: [] as Cidr[] };
  for (const c of candidates) {
    for (const b of c.cidrs) {
      if (b.prefix === 0 || isPrivateBlock(b)) continue;
      size[b.version] += b.end - b.start + 1n;
      all[b.version].push(b);
    }
  }
  const privateSize = { 4: (1n << 24n) + (1n << 20n) + (1n << 16n), 6: 1n << 121n };
  const canCover = {
    4: size[4] + privateSize[4] >= 1n << 32n && coversPublicSpace(all[4], 4),
    6: size[6] + privateSize[6] >= 1n << 128n && coversPublicSpace(all[6], 6),
  };
  if (canCover[4] && canCover[6]) return candidates;
  return candidates.filter((c) => c.internet.length > 0 || c.cidrs.some((b) => canCover[b.version] && !isPrivateBlock(b)));
}

function checkExposure(ctx: Context, rules: readonly FlatRule[], ingressRead: boolean): void {
  if (!ingressRead) markUnknown(ctx, 'IpPermissions', 'inbound rules were not read');
  const candidates = internetCapable(candidatesOf(ctx, rules));
  const { culprits, openings } = allTrafficCulprits(ctx, candidates);
  checkAllTraffic(ctx, openings);
  // The same array when nothing was set aside, so the port checks reuse the openings computed above.
  const rest = culprits.size === 0 ? candidates : candidates.filter((c) => !culprits.has(c));
  checkPorts(ctx, rest);
  checkOtherProtocols(ctx, rest);
}

/** EC2.2: a VPC's default group should carry no rule at all, including its own self-reference. */
function checkDefaultGroup(ctx: Context, rules: readonly FlatRule[], read: Record<Direction, boolean>): void {
  const { snapshot } = ctx;
  if (snapshot.GroupName === undefined) {
    markUnknown(ctx, 'GroupName', 'without the group name a VPC default group cannot be told apart');
    return;
  }
  if (snapshot.GroupName !== 'default') return;
  if (!read.egress) markUnknown(ctx, 'IpPermissionsEgress', 'outbound rules were not read');
  if (rules.length === 0) return;
  const inbound = rules.filter((r) => r.direction === 'ingress').length;
  const outbound = rules.length - inbound;
  ctx.findings.push({
    checkId: 'SG_DEFAULT_HAS_RULES',
    severity: 'MEDIUM',
    title: `Default security group ${snapshot.GroupId}${snapshot.VpcId ? ` of ${snapshot.VpcId}` : ''} has rules (${inbound} inbound, ${outbound} outbound)`,
    evidence: {
      groupId: snapshot.GroupId,
      groupName: snapshot.GroupName,
      ...(snapshot.VpcId !== undefined ? { vpcId: snapshot.VpcId } : {}),
      rules: rules.map((r) => evidenceRule(r)),
      reason: 'a VPC default security group should have no rules: resources launched without a group get it silently',
      consoleLink: securityGroupConsoleLink(snapshot.GroupId, snapshot.region),
    },
    controls: ['EC2.2'],
    fix: revokeRulesFix(snapshot.GroupId, rules, snapshot.region),
    latent: false,
  });
}

export function evaluateSecurityGroup(snapshot: SecurityGroupSnapshot, settings: GuardSettings): EvaluationResult {
  const ctx: Context = {
    snapshot,
    settings,
    label: snapshot.GroupName ? `${snapshot.GroupId} ${quoted(snapshot.GroupName)}` : snapshot.GroupId,
    findings: [],
    unknown: [],
    unknownReasons: {},
  };
  const { rules, read } = flattenRules(snapshot);
  checkExposure(ctx, rules, read.ingress);
  checkDefaultGroup(ctx, rules, read);
  const resource = { type: 'security-group' as const, id: snapshot.GroupId, account: snapshot.account, region: snapshot.region };
  const incomplete = incompleteFinding(resource, `Security group ${ctx.label}`, unreadGroupFields(ctx),
    snapshot.GroupName !== undefined ? { groupName: snapshot.GroupName } : {});
  if (incomplete) ctx.findings.push(incomplete);
  return buildResult(resource, ctx.findings, ctx.unknown, ctx.unknownReasons);
}

/**
 * The worst an unresolved prefix list could be: the group evaluated as if every unresolved list
 * held the whole internet, and the most severe finding that names one of them.
 */
function worstCaseOfPrefixLists(ctx: Context, ids: readonly string[]): Severity | undefined {
  // Only the rules that name those lists, each list the whole internet: what they would be on their own.
  const { snapshot } = ctx;
  const named = (id: string | undefined) => id !== undefined && ids.includes(id);
  const IpPermissions = snapshot.IpPermissions
    ?.map((p) => ({ ...p, IpRanges: [], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: (p.PrefixListIds ?? []).filter((x) => named(x.PrefixListId)) }))
    .filter((p) => p.PrefixListIds.length > 0);
  const rules = snapshot.rules?.filter((r) => !r.IsEgress && named(r.PrefixListId));
  const prefixLists = Object.fromEntries(ids.map((id) => [id, ['0.0.0.0/0', '::/0']]));
  const hypothetical = evaluateSecurityGroup({ ...snapshot, IpPermissions, IpPermissionsEgress: [], rules, prefixLists, unreadable: undefined }, ctx.settings);
  const naming = hypothetical.findings.filter((f) => !isIncompleteFinding(f) && f.checkId !== 'SG_DEFAULT_HAS_RULES');
  return naming.length > 0 ? naming.map((f) => f.severity).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a)) : undefined;
}

function unreadGroupFields(ctx: Context): UnreadField[] {
  if (ctx.unknown.length === 0) return [];
  const { snapshot } = ctx;
  const id = snapshot.GroupId;
  const region = snapshot.region ? ` --region ${snapshot.region}` : '';
  const lists = ctx.unknown.filter((f) => f.startsWith('prefixList:')).map((f) => f.slice('prefixList:'.length));
  const listWorst = lists.length > 0 ? worstCaseOfPrefixLists(ctx, lists) : undefined;
  // A group known to be on no public interface can expose at most a latent finding.
  const reach = (ctx.reach ??= reachOf(snapshot));
  const capped = reach.state === 'latent' && severityRank(ctx.settings.incompleteSeverity) > severityRank('MEDIUM') ? 'MEDIUM' : ctx.settings.incompleteSeverity;
  return ctx.unknown.map((field): UnreadField => {
    const reason = ctx.unknownReasons[field];
    const base = { field, ...(reason ? { reason } : {}) };
    if (field.startsWith('prefixList:')) {
      const list = field.slice('prefixList:'.length);
      return {
        ...base, couldHide: listWorst ?? 'LOW',
        decides: listWorst
          ? `whether the prefix list is the internet: if it held 0.0.0.0/0, the rules that name it would be ${listWorst}`
          : 'whether the prefix list is the internet; the rules that name it open only allowed ports',
        readCommand: `aws ec2 get-managed-prefix-list-entries --prefix-list-id ${list}${region}`,
      };
    }
    switch (field) {
      case 'IpPermissions':
        return { ...base, couldHide: capped, decides: 'every inbound rule of the group', readCommand: `aws ec2 describe-security-groups --group-ids ${id}${region}` };
      case 'networkInterfaces':
        return { ...base, couldHide: 'LOW', decides: 'whether a public interface uses the group (findings keep full severity meanwhile)', readCommand: `aws ec2 describe-network-interfaces --filters Name=group-id,Values=${id}${region}` };
      case 'GroupName':
      case 'IpPermissionsEgress':
        return { ...base, couldHide: 'MEDIUM', decides: 'whether this is a VPC default group with rules (EC2.2)', readCommand: `aws ec2 describe-security-groups --group-ids ${id}${region}` };
      default:
        return { ...base, couldHide: capped, decides: 'whether an inbound rule is open to the internet', readCommand: `aws ec2 describe-security-groups --group-ids ${id}${region}` };
    }
  });
}
