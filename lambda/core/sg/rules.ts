/**
 * Security-group rules one source at a time. AWS stores an IpPermission with three CIDRs as three
 * rules (three sgr- ids) and revokes them one by one, so a single source is the unit we judge,
 * name in evidence and hand to remediation: never a whole IpPermission.
 */
import { parseCidr } from '../model/cidr';
import type { SecurityGroupSnapshot, SgIpPermission, SgRule } from '../model/types';

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
  if (d) rule.description = d;
  return rule;
}

/** Built by assignment, not spreads: groups are flattened per evaluation and the sweep does thousands. */
function flatRule(direction: Direction, protocol: unknown, fromPort: unknown, toPort: unknown, source: string, sourceType: SourceType): FlatRule {
  const rule: FlatRule = { direction, protocol: normaliseProtocol(protocol), source, sourceType };
  const from = port(fromPort);
  const to = port(toPort);
  if (from !== undefined) rule.fromPort = from;
  if (to !== undefined) rule.toPort = to;
  return rule;
}

function flattenPermission(p: SgIpPermission, direction: Direction): FlatRule[] {
  if (typeof p !== 'object' || p === null) return [];
  const out: FlatRule[] = [];
  const add = (source: string | undefined, sourceType: SourceType, entry: unknown, userId?: string): void => {
    if (!source) return;
    const rule = flatRule(direction, p.IpProtocol, p.FromPort, p.ToPort, source, sourceType);
    if (userId) rule.sourceUserId = userId;
    out.push(withDescription(rule, field(entry, 'Description')));
  };
  for (const r of asArray(p.IpRanges)) add(text(field(r, 'CidrIp')), 'cidr', r);
  for (const r of asArray(p.Ipv6Ranges)) add(text(field(r, 'CidrIpv6')), 'cidr', r);
  for (const r of asArray(p.PrefixListIds)) add(text(field(r, 'PrefixListId')), 'prefix-list', r);
  for (const g of asArray(p.UserIdGroupPairs)) {
    add(text(field(g, 'GroupId')) ?? text(field(g, 'GroupName')), 'security-group', g, text(field(g, 'UserId')));
  }
  return out;
}

function fromRule(r: SgRule): FlatRule | undefined {
  if (typeof r !== 'object' || r === null) return undefined;
  const ref = r.ReferencedGroupInfo;
  let source: string | undefined;
  let sourceType: SourceType;
  if ((source = text(r.CidrIpv4)) || (source = text(r.CidrIpv6))) sourceType = 'cidr';
  else if ((source = text(r.PrefixListId))) sourceType = 'prefix-list';
  else {
    source = text(field(ref, 'GroupId'));
    sourceType = 'security-group';
  }
  if (!source) return undefined;
  const rule = flatRule(r.IsEgress === true ? 'egress' : 'ingress', r.IpProtocol, r.FromPort, r.ToPort, source, sourceType);
  const userId = text(field(ref, 'UserId'));
  if (sourceType === 'security-group' && userId) rule.sourceUserId = userId;
  const id = text(r.SecurityGroupRuleId);
  if (id) rule.securityGroupRuleId = id;
  return withDescription(rule, r.Description);
}

/** Same rule whatever spelling AWS used: `6` vs `tcp`, `-1` vs absent ports, CIDR text case. */
function ruleKey(r: FlatRule): string {
  const protocol = r.protocol ?? '?';
  let ports: string;
  if (protocol === '-1') ports = '*';
  else if (hasPorts(protocol)) {
    const { fromPort: from, toPort: to } = r;
    ports = from === undefined || to === undefined || from < 0 || to < 0
      ? `${FULL_PORT_RANGE.lo}-${FULL_PORT_RANGE.hi}`
      : `${Math.min(from, to, FULL_PORT_RANGE.hi)}-${Math.min(Math.max(from, to), FULL_PORT_RANGE.hi)}`;
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
  const ownRules: FlatRule[] = [];
  for (const r of asArray(s.rules)) {
    const group = field(r, 'GroupId');
    if (group !== undefined && group !== s.GroupId) continue;
    const flat = fromRule(r as SgRule);
    if (flat) ownRules.push(flat);
  }
  const read = {
    ingress: Array.isArray(s.IpPermissions) || Array.isArray(s.rules),
    egress: Array.isArray(s.IpPermissionsEgress) || Array.isArray(s.rules),
  };
  // Both reads normally describe the same rules (they are made in parallel): when every source of
  // IpPermissions is one of DescribeSecurityGroupRules' rules, spelled the same, and there are as
  // many, the rules (which carry the ids) are the whole answer. Checked on the raw text, without
  // building rule objects; anything else takes the full union below.
  if (Array.isArray(s.rules) && sameRules(s, ownRules)) return { rules: ownRules, read };
  const fromPermissions: FlatRule[] = [];
  for (const p of asArray(s.IpPermissions)) fromPermissions.push(...flattenPermission(p as SgIpPermission, 'ingress'));
  for (const p of asArray(s.IpPermissionsEgress)) fromPermissions.push(...flattenPermission(p as SgIpPermission, 'egress'));
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
    p.securityGroupRuleId = match.securityGroupRuleId;
    if (!p.description && match.description) p.description = match.description;
    return p;
  });
  for (const rest of unmatched.values()) merged.push(...rest);
  return { rules: merged, read };
}

/** Protocol -1 has no ports: DescribeSecurityGroups omits them where DescribeSecurityGroupRules says -1. */
function portsKey(protocol: string | undefined, from: unknown, to: unknown): string {
  return protocol === '-1' ? '-1||' : `${protocol ?? '?'}|${port(from) ?? ''}|${port(to) ?? ''}`;
}

const SOURCE_FIELDS = [['IpRanges', 'CidrIp'], ['Ipv6Ranges', 'CidrIpv6'], ['PrefixListIds', 'PrefixListId'], ['UserIdGroupPairs', 'GroupId']] as const;

function sameRules(s: SecurityGroupSnapshot, rules: readonly FlatRule[]): boolean {
  if (!Array.isArray(s.IpPermissions) || !Array.isArray(s.IpPermissionsEgress)) return false;
  const keys = new Map<string, number>();
  for (const r of rules) {
    const k = `${r.direction}|${portsKey(r.protocol, r.fromPort, r.toPort)}|${r.source}`;
    keys.set(k, (keys.get(k) ?? 0) + 1);
  }
  let matched = 0;
  for (const [direction, list] of [['ingress', s.IpPermissions], ['egress', s.IpPermissionsEgress]] as const) {
    for (const p of list) {
      if (typeof p !== 'object' || p === null) return false;
      const prefix = `${direction}|${portsKey(normaliseProtocol(p.IpProtocol), p.FromPort, p.ToPort)}|`;
      for (const [listField, sourceField] of SOURCE_FIELDS) {
        const entries = (p as Record<string, unknown>)[listField];
        if (!Array.isArray(entries)) continue;
        for (const e of entries) {
          const source = text(field(e, sourceField)) ?? (listField === 'UserIdGroupPairs' ? text(field(e, 'GroupName')) : undefined);
          if (!source) return false;
          const k = prefix + source;
          const left = keys.get(k) ?? 0;
          if (left === 0) return false;
          keys.set(k, left - 1);
          matched += 1;
        }
      }
    }
  }
  return matched === rules.length;
}
