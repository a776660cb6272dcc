/** What a security-group finding shows: the rules behind it, the ports and families it opens. */
import type { Cidr } from '../model/cidr';
import { hasPorts, type Direction, type FlatRule, type SourceType } from './rules';
import { rulePorts, serviceOf, spanLabel } from './labels';
import type { Candidate } from './open-spans';
import type { Opening } from './openings';
import type { Severity } from '../model/types';

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

export function evidenceRule(rule: FlatRule, internet?: string, entries?: Cidr[]): SgEvidenceRule {
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
export function namedRules(openings: readonly Opening[]): Map<Candidate, string> {
  const named = new Map<Candidate, string>();
  for (const o of openings) for (const [c, why] of o.open.rules) if (!named.has(c)) named.set(c, why);
  return named;
}

export function familiesOf(openings: readonly Opening[]): string[] {
  const f = new Set<4 | 6>();
  for (const o of openings) for (const v of o.open.families) f.add(v);
  return [...f].sort().map((v) => `IPv${v}`);
}

export function exposedPorts(openings: readonly Opening[]): SgExposedPorts[] {
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

export function byControlNumber(a: string, b: string): number {
  return Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, ''));
}

/** The three exposure checks show the same things: what is open, to whom, through which rules. */
export interface SgExposureEvidence {
  groupId: string;
  groupName?: string;
  vpcId?: string;
  exposedPorts: SgExposedPorts[];
  ipFamilies: string[];
  rules: SgEvidenceRule[];
  exposure: SgExposureState;
  effectiveSeverity: Severity;
  severityIfLive: Severity;
  /** Why some rules are revoked by value: their rule ids are unknown. */
  ruleIds?: string;
  consoleLink: string;
  allowedPublicPorts?: number[];
  allowedPublicUdpPorts?: number[];
  note?: string;
  /** Portless protocols open to the internet (ICMP, GRE …). */
  protocols?: string[];
}

export interface DefaultGroupEvidence {
  groupId: string;
  groupName: string;
  vpcId?: string;
  rules: SgEvidenceRule[];
  reason: string;
  consoleLink: string;
}

export interface SgEvidenceByCheck {
  SG_OPEN_ALL_TRAFFIC: SgExposureEvidence;
  SG_OPEN_HIGH_RISK_PORT: SgExposureEvidence;
  SG_OPEN_UNAUTHORIZED_PORT: SgExposureEvidence;
  SG_DEFAULT_HAS_RULES: DefaultGroupEvidence;
}
