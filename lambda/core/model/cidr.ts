/**
 * A CIDR block as an inclusive integer interval, so ranges can be compared and merged exactly.
 * Parsing is ipaddr.js's; the interval arithmetic ("does the union cover the internet") is ours.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  text: string;
  version: 4 | 6;
  prefix: number;
  start: bigint;
  end: bigint;
  /** The same block whatever its spelling (`10.1.2.3/8` and `10.0.0.0/8`, IPv6 zero compression). */
  canonical: string;
}

const BITS = { 4: 32, 6: 128 } as const;

/**
 * The address as an integer, parsed by ipaddr.js: IPv4 as a dotted quad only (no `10`,
 * `0x0a.1` or leading zeros, which AWS rejects); IPv6 with `::` compression and an embedded
 * dotted quad, but no zone id (`%eth0` is not a CIDR AWS accepts).
 */
function addressValue(text: string, version: 4 | 6): bigint | undefined {
  if (version === 4) return ipaddr.IPv4.isValidFourPartDecimal(text) ? toBigInt(ipaddr.IPv4.parse(text).toByteArray()) : undefined;
  if (text.includes('%')) return undefined;
  // The embedded quad is held to the IPv4 rules and written as two hex groups first: ipaddr.js
  // would accept `::ffff:010.0.0.1` and read `::1.2.3.4` as `::ffff:1.2.3.4`.
  const colon = text.lastIndexOf(':');
  const tail = text.slice(colon + 1);
  let hex = text;
  if (tail.includes('.')) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
    const [a, b, c, d] = ipaddr.IPv4.parse(tail).octets as [number, number, number, number];
    hex = `${text.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  return ipaddr.IPv6.isValid(hex) ? toBigInt(ipaddr.IPv6.parse(hex).toByteArray()) : undefined;
}

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

/**
 * Parsed blocks, by text: the same few CIDRs (0.0.0.0/0, ::/0, office ranges) recur across every
 * rule and group. Bounded, so a long sweep cannot grow it without end.
 */
const CACHE = new Map<string, Cidr | null>();
const CACHE_LIMIT = 20_000;

/** Parses `a.b.c.d/n`, an IPv6 CIDR, or a bare address (a host route). Undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const cached = CACHE.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseUncached(text);
  if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
  CACHE.set(text, parsed ?? null);
  return parsed;
}

function parseUncached(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const bits = slash < 0 ? undefined : trimmed.slice(slash + 1);
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const version = address.includes(':') ? 6 : 4;
  const value = addressValue(address, version);
  if (value === undefined) return undefined;
  const width = BITS[version];
  const prefix = bits === undefined ? width : Number(bits);
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  const start = (value >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  return { text: trimmed, version, prefix, start, end, canonical: `${version}:${start.toString(16)}/${prefix}` };
}

function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.start <= inner.start && inner.end <= outer.end;
}

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c) as Cidr);
const IPV6_ULA = parseCidr('fc00::/7') as Cidr;

/** Entirely inside 10/8, 172.16/12 or 192.168/16. */
export function isRfc1918(cidr: Cidr): boolean {
  return RFC1918.some((block) => contains(block, cidr));
}

/** Entirely inside the IPv6 unique-local range fc00::/7. */
export function isIpv6UniqueLocal(cidr: Cidr): boolean {
  return contains(IPV6_ULA, cidr);
}

/** Broader than /8 (IPv4) or /32 (IPv6): the breadth at which AWS calls an allow-list public. */
export function isBroad(cidr: Cidr): boolean {
  return cidr.prefix < (cidr.version === 4 ? 8 : 32);
}

/** True when the union of the blocks covers every address of the given IP version. */
export function coversAddressSpace(cidrs: readonly Cidr[], version: 4 | 6): boolean {
  const sorted = cidrs.filter((c) => c.version === version).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const last = (1n << BigInt(BITS[version])) - 1n;
  let next = 0n; // the lowest address not yet covered
  for (const c of sorted) {
    if (c.start > next) return false;
    if (c.end >= next) next = c.end + 1n;
    if (next > last) return true;
  }
  return false;
}
