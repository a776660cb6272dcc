/**
 * Which ingress rules open which ports to the internet. AWS's controls test the literal /0 only;
 * here a source is the internet when it is a public range broader than /8 (IPv4) or /32 (IPv6),
 * or when the rules reaching a port together cover the whole address space (0.0.0.0/1 +
 * 128.0.0.0/1, or 256 /8s). So the question is asked per port, not per rule.
 */
import { coversAddressSpace, isBroad, isIpv6UniqueLocal, isRfc1918, parseCidr, type Cidr } from '../model/cidr';
import type { FlatRule } from './rules';

/** An ingress rule with its source resolved to address blocks (a prefix list to its entries). */
export interface Candidate {
  rule: FlatRule;
  cidrs: Cidr[];
  /** The blocks that are the internet on their own. */
  internet: Cidr[];
}

export interface Span {
  lo: number;
  hi: number;
}

export interface OpenSpan extends Span {
  /** The rules that open it, each with why its source counts as the internet. */
  rules: Map<Candidate, string>;
  families: Set<4 | 6>;
}

/** 0.0.0.0/0, ::/0, or a public block broader than /8 (IPv4) or /32 (IPv6). */
export function isInternetCidr(c: Cidr): boolean {
  if (c.prefix === 0) return true;
  if (!isBroad(c)) return false;
  return c.version === 4 ? !isRfc1918(c) : !isIpv6UniqueLocal(c);
}

function whyAlone(c: Candidate, block: Cidr): string {
  const what = block.prefix === 0
    ? `every IPv${block.version} address`
    : `a public range broader than /${block.version === 4 ? 8 : 32}`;
  return c.rule.sourceType === 'prefix-list'
    ? `prefix list ${c.rule.source} contains ${block.text} (${what})`
    : `${block.text} is ${what}`;
}

function size(c: Candidate, version: 4 | 6): bigint {
  return c.cidrs.filter((b) => b.version === version).reduce((n, b) => n + (b.end - b.start + 1n), 0n);
}

/**
 * Private ranges are never "the internet", not even as part of a union: traffic from 10/8 comes
 * from inside the network. So a union is judged over public blocks only, with the private space
 * filled in: public rules that together cover every public address are the internet, and a
 * private rule beside them is never named (nor revoked).
 */
const PRIVATE_SPACE: Record<4 | 6, Cidr[]> = {
  4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((t) => parseCidr(t) as Cidr),
  6: [parseCidr('fc00::/7') as Cidr],
};

export function isPrivateBlock(b: Cidr): boolean {
  return b.version === 4 ? isRfc1918(b) : isIpv6UniqueLocal(b);
}

export function publicBlocks(c: Candidate, version: 4 | 6): Cidr[] {
  return c.cidrs.filter((b) => b.version === version && !isPrivateBlock(b));
}

/** True when the blocks, with the private space filled in, cover every address of the version. */
export function coversPublicSpace(blocks: readonly Cidr[], version: 4 | 6): boolean {
  return coversAddressSpace([...blocks, ...PRIVATE_SPACE[version]], version);
}

function covers(pool: readonly Candidate[], version: 4 | 6): boolean {
  return coversPublicSpace(pool.flatMap((c) => publicBlocks(c, version)), version);
}

/**
 * A covering set with nothing to spare: narrowest rules are dropped first while the rest still
 * cover, so remediation never names a private or narrow rule the union did not need.
 */
function irredundant(pool: readonly Candidate[], version: 4 | 6): Candidate[] {
  let kept = [...pool];
  const narrowFirst = [...pool].sort((a, b) => {
    const d = size(a, version) - size(b, version);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  for (const c of narrowFirst) {
    const without = kept.filter((k) => k !== c);
    if (without.length > 0 && covers(without, version)) kept = without;
  }
  return pool.filter((c) => kept.includes(c));
}

function judge(covering: readonly Candidate[]): Pick<OpenSpan, 'rules' | 'families'> | undefined {
  const rules = new Map<Candidate, string>();
  const families = new Set<4 | 6>();
  for (const c of covering) {
    const first = c.internet[0];
    if (!first) continue;
    rules.set(c, whyAlone(c, first));
    for (const b of c.internet) families.add(b.version);
  }
  for (const version of [4, 6] as const) {
    const pool = covering.filter((c) => publicBlocks(c, version).length > 0);
    // Every rule here is already the internet alone in this version: a union would add nothing.
    if (pool.every((c) => c.internet.some((b) => b.version === version))) continue;
    if (!covers(pool, version)) continue;
    families.add(version);
    const needed = irredundant(pool, version);
    for (const c of needed) {
      if (!rules.has(c)) rules.set(c, `with ${needed.length - 1} other rule(s) here, covers every public IPv${version} address`);
    }
  }
  return rules.size > 0 ? { rules, families } : undefined;
}

function sameOpening(a: Pick<OpenSpan, 'rules' | 'families'>, b: Pick<OpenSpan, 'rules' | 'families'>): boolean {
  return a.rules.size === b.rules.size && [...a.rules.keys()].every((c) => b.rules.has(c))
    && a.families.size === b.families.size && [...a.families].every((f) => b.families.has(f));
}

/**
 * The parts of `domain` (ports, or ICMP types) that the members open to the internet. Between two
 * consecutive rule boundaries the set of rules reaching a port is constant, so judging one
 * elementary interval at a time is exact and costs O(rules²).
 */
export function openSpans(members: ReadonlyArray<{ candidate: Candidate; span: Span }>, domain: Span): OpenSpan[] {
  const cuts = new Set<number>([domain.lo]);
  const clipped = members
    .map((m) => ({ candidate: m.candidate, lo: Math.max(m.span.lo, domain.lo), hi: Math.min(m.span.hi, domain.hi) }))
    .filter((m) => m.lo <= m.hi);
  for (const m of clipped) {
    cuts.add(m.lo);
    cuts.add(m.hi + 1);
  }
  const points = [...cuts].filter((p) => p <= domain.hi).sort((a, b) => a - b);
  const open: OpenSpan[] = [];
  points.forEach((lo, i) => {
    const hi = (points[i + 1] ?? domain.hi + 1) - 1;
    const opening = judge(clipped.filter((m) => m.lo <= lo && hi <= m.hi).map((m) => m.candidate));
    if (!opening) return;
    const previous = open[open.length - 1];
    if (previous && previous.hi + 1 === lo && sameOpening(previous, opening)) previous.hi = hi;
    else open.push({ lo, hi, ...opening });
  });
  return open;
}

/** True when the spans, taken together, leave no part of the domain closed. */
export function coversDomain(spans: readonly Span[], domain: Span): boolean {
  let next = domain.lo;
  for (const s of [...spans].sort((a, b) => a.lo - b.lo)) {
    if (s.lo > next) return false;
    next = Math.max(next, s.hi + 1);
  }
  return next > domain.hi;
}

/** The sub-ranges of a span left after taking out the excluded ports (allowed or reported elsewhere). */
export function subtractPorts(span: Span, excluded: ReadonlySet<number>): Span[] {
  const out: Span[] = [];
  const holes = [...excluded].filter((p) => p >= span.lo && p <= span.hi).sort((a, b) => a - b);
  let lo = span.lo;
  for (const h of holes) {
    if (h > lo) out.push({ lo, hi: h - 1 });
    lo = h + 1;
  }
  if (lo <= span.hi) out.push({ lo, hi: span.hi });
  return out;
}
