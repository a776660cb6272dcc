/**
 * Which rules admit the internet, and to which ports of which protocol: the candidates (rules
 * whose source is addresses), their spans in each protocol's space, and the openings those make.
 */
import { parseCidr, type Cidr } from '../model/cidr';
import { coversPublicSpace, isInternetCidr, isPrivateBlock, openSpans, type Candidate, type OpenSpan, type Span } from './open-spans';
import { FULL_PORT_RANGE, hasPorts, portSpan, type FlatRule } from './rules';
import { markUnknown, type Context } from './context';

/** Ports (or ICMP types) of one protocol attributed to a check, and the rules that open them. */
export interface Opening {
  protocol: string;
  span: Span;
  open: OpenSpan;
}

export const ICMP_TYPES: Span = { lo: 0, hi: 255 };
/** Port 0 is reserved and unusable, so 1-65535 is every port: it must not slip past the all-traffic check. */
export const EVERY_USABLE_PORT: Span = { lo: 1, hi: FULL_PORT_RANGE.hi };
export const ONE_POINT: Span = { lo: 0, hi: 0 };

/* ---- sources ---- */

export function prefixListEntries(ctx: Context, id: string): Cidr[] | undefined {
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
export function candidatesOf(ctx: Context, rules: readonly FlatRule[]): Candidate[] {
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

export function domainOf(protocol: string): Span {
  if (hasPorts(protocol)) return FULL_PORT_RANGE;
  return protocol === 'icmp' || protocol === 'icmpv6' ? ICMP_TYPES : ONE_POINT;
}

/** Where a rule sits in a protocol's space: -1 fills every protocol's space; ICMP by type. */
export function spanIn(rule: FlatRule, protocol: string): Span {
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

export function openingsOf(candidates: readonly Candidate[], protocol: string): OpenSpan[] {
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

export function isFullSpan(rule: FlatRule): boolean {
  if (rule.protocol === '-1') return true;
  const s = portSpan(rule);
  return hasPorts(rule.protocol) && s.lo <= EVERY_USABLE_PORT.lo && s.hi === EVERY_USABLE_PORT.hi;
}

export function onlyAllowedPorts(rule: FlatRule, allowed: ReadonlySet<number>): boolean {
  const s = portSpan(rule);
  if (!hasPorts(rule.protocol) || s.hi - s.lo + 1 > allowed.size) return false;
  for (let p = s.lo; p <= s.hi; p++) if (!allowed.has(p)) return false;
  return true;
}

/**
 * Blocks that are not the internet alone matter only if, together, they could cover an IP
 * version's whole space. When even all of a group's blocks cannot, no port's subset can, so
 * only the rules that are the internet on their own need the per-port judgement. A /0 is left
 * out of that test: where it reaches a port it covers alone and every other rule is redundant
 * there. Exact, and it keeps the common group (private ranges plus world-open rules) cheap.
 */
export function internetCapable(candidates: Candidate[]): Candidate[] {
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

