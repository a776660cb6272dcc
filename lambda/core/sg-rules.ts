/**
 * Security-group rules one source at a time. AWS stores an IpPermission with three CIDRs as three
 * rules (three sgr- ids) and revokes them one by one, so a single source is the unit we judge,
 * name in evidence and hand to remediation: never a whole IpPermission.
 */
import { parseCidr } from './cidr';
import type { SecurityGroupSnapshot, SgIpPermission, SgRule } from './types';

export type Direction = 'ingress' | 'egress';
export type SourceType = 'cidr' | 'prefix-list' | 'security-group';

export interface FlatRule {
  direction: Direction;
  /** tcp, udp, icmp, icmpv6, -1, or the protocol number for the rest; undefined when unreadable. */
  protocol: string | undefined;
  fromPort?: number;
  toPort?: number;
  /** A CIDR, a prefix-list id (pl-…) or a group id (sg-…). */
  source: string;
  sourceType: SourceType;
  /** Owner account of a referenced group, needed to revoke a cross-account pair by value. */
  sourceUserId?: string;
  securityGroupRuleId?: string;
  description?: string;
}

export interface FlattenedRules {
  rules: FlatRule[];
  /** Whether each direction was read at all (from IpPermissions* or from DescribeSecurityGroupRules). */
  read: Record<Direction, boolean>;
}

export const FULL_PORT_RANGE = { lo: 0, hi: 65535 } as const;

const PROTOCOL_NUMBERS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/** DescribeSecurityGroups prints names for the four common protocols and numbers for the rest; accept both. */
export function normaliseProtocol(raw: unknown): string | undefined {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string') return undefined;
  const p = text.trim().toLowerCase();
  if (p === '') return undefined;
  if (p === '-1' || p === 'all') return '-1';
  if (/^\d+$/.test(p)) {
    const n = String(Number(p));
    return PROTOCOL_NUMBERS[n] ?? n;
  }
  return p;
}

export function hasPorts(protocol: string | undefined): protocol is 'tcp' | 'udp' {
  return protocol === 'tcp' || protocol === 'udp';
}

function port(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** TCP/UDP port interval of a rule; -1 or a missing bound means every port (the safer reading). */
export function portSpan(rule: Pick<FlatRule, 'protocol' | 'fromPort' | 'toPort'>): { lo: number; hi: number } {
  const { fromPort: from, toPort: to } = rule;
  if (rule.protocol === '-1' || from === undefined || to === undefined || from < 0 || to < 0) return { ...FULL_PORT_RANGE };
  const lo = Math.min(from, to, FULL_PORT_RANGE.hi);
  const hi = Math.min(Math.max(from, to), FULL_PORT_RANGE.hi);
  return { lo, hi };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function withDescription(rule: FlatRule, description: unknown): FlatRule {
  const d = text(description);
  return d ? { ...rule, description: d } : rule;
}

function flattenPermission(p: SgIpPermission, direction: Direction): FlatRule[] {
  if (typeof p !== 'object' || p === null) return [];
  const base = {
    direction,
    protocol: normaliseProtocol(p.IpProtocol),
    ...(port(p.FromPort) !== undefined ? { fromPort: port(p.FromPort) } : {}),
    ...(port(p.ToPort) !== undefined ? { toPort: port(p.ToPort) } : {}),
  };
  const out: FlatRule[] = [];
  const add = (source: string | undefined, sourceType: SourceType, entry: unknown, extra: Partial<FlatRule> = {}): void => {
    if (source) out.push(withDescription({ ...base, source, sourceType, ...extra }, field(entry, 'Description')));
  };
  for (const r of asArray(p.IpRanges)) add(text(field(r, 'CidrIp')), 'cidr', r);
  for (const r of asArray(p.Ipv6Ranges)) add(text(field(r, 'CidrIpv6')), 'cidr', r);
  for (const r of asArray(p.PrefixListIds)) add(text(field(r, 'PrefixListId')), 'prefix-list', r);
  for (const g of asArray(p.UserIdGroupPairs)) {
    const userId = text(field(g, 'UserId'));
    add(text(field(g, 'GroupId')) ?? text(field(g, 'GroupName')), 'security-group', g, userId ? { sourceUserId: userId } : {});
  }
  return out;
}

function fromRule(r: SgRule): FlatRule | undefined {
  if (typeof r !== 'object' || r === null) return undefined;
  const ref = r.ReferencedGroupInfo;
  const [source, sourceType]: [string | undefined, SourceType] =
    text(r.CidrIpv4) ? [text(r.CidrIpv4), 'cidr']
      : text(r.CidrIpv6) ? [text(r.CidrIpv6), 'cidr']
        : text(r.PrefixListId) ? [text(r.PrefixListId), 'prefix-list']
          : [text(field(ref, 'GroupId')), 'security-group'];
  if (!source) return undefined;
  const id = text(r.SecurityGroupRuleId);
  const userId = text(field(ref, 'UserId'));
  return withDescription({
    direction: r.IsEgress === true ? 'egress' : 'ingress',
    protocol: normaliseProtocol(r.IpProtocol),
    ...(port(r.FromPort) !== undefined ? { fromPort: port(r.FromPort) } : {}),
    ...(port(r.ToPort) !== undefined ? { toPort: port(r.ToPort) } : {}),
    source,
    sourceType,
    ...(sourceType === 'security-group' && userId ? { sourceUserId: userId } : {}),
    ...(id ? { securityGroupRuleId: id } : {}),
  }, r.Description);
}

/** Same rule whatever spelling AWS used: `6` vs `tcp`, `-1` vs absent ports, CIDR text case. */
function ruleKey(r: FlatRule): string {
  const protocol = r.protocol ?? '?';
  let ports: string;
  if (protocol === '-1') ports = '*';
  else if (hasPorts(protocol)) {
    const s = portSpan(r);
    ports = `${s.lo}-${s.hi}`;
  } else ports = `${r.fromPort ?? -1}:${r.toPort ?? -1}`;
  const cidr = r.sourceType === 'cidr' ? parseCidr(r.source) : undefined;
  const source = cidr ? cidr.canonical : r.source.toLowerCase();
  return `${r.direction}|${protocol}|${ports}|${r.sourceType}|${source}`;
}

/**
 * Every single-source rule of the group. IpPermissions and DescribeSecurityGroupRules describe the
 * same rules; each permission source takes its sgr- id from the matching rule, and a rule that only
 * one of the two reads shows is kept too (reads made moments apart can differ: the union is the
 * safer reading).
 */
export function flattenRules(s: SecurityGroupSnapshot): FlattenedRules {
  // The reader filters by group-id already; a rule of another group would be a reader bug, not ours to judge.
  const ownRules = asArray(s.rules)
    .filter((r) => field(r, 'GroupId') === undefined || field(r, 'GroupId') === s.GroupId)
    .map((r) => fromRule(r as SgRule))
    .filter((r): r is FlatRule => r !== undefined);
  const fromPermissions = [
    ...asArray(s.IpPermissions).flatMap((p) => flattenPermission(p as SgIpPermission, 'ingress')),
    ...asArray(s.IpPermissionsEgress).flatMap((p) => flattenPermission(p as SgIpPermission, 'egress')),
  ];
  const unmatched = new Map<string, FlatRule[]>();
  for (const r of ownRules) {
    const k = ruleKey(r);
    const same = unmatched.get(k);
    if (same) same.push(r);
    else unmatched.set(k, [r]);
  }
  const merged = fromPermissions.map((p) => {
    const match = unmatched.get(ruleKey(p))?.shift();
    if (!match?.securityGroupRuleId) return p;
    return withDescription({ ...p, securityGroupRuleId: match.securityGroupRuleId }, p.description ?? match.description);
  });
  const leftovers = [...unmatched.values()].flat();
  return {
    rules: [...merged, ...leftovers],
    read: {
      ingress: Array.isArray(s.IpPermissions) || Array.isArray(s.rules),
      egress: Array.isArray(s.IpPermissionsEgress) || Array.isArray(s.rules),
    },
  };
}
