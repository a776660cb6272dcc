/** A CIDR block as an inclusive integer interval, so ranges can be compared and merged exactly. */
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

/** Dotted-quad IPv4 only (no `10`, `0x0a.1` or leading zeros, which AWS rejects). */
function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

/** IPv6 with `::` compression and an embedded dotted quad in the last 32 bits. */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  // A dotted quad may only close the address.
  if (halves.length === 2 && (halves[0] as string).includes('.')) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
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
  const value = version === 4 ? parseIpv4(address) : parseIpv6(address);
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
