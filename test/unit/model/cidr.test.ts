/**
 * CIDR parsing (ipaddr.js underneath, with AWS's stricter spellings) on fixed cases and on random
 * addresses in every IPv6 spelling; plus breadth, RFC1918/ULA and the union-covers-the-address-space
 * rule, which is ours.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { coversAddressSpace, isBroad, isIpv6UniqueLocal, isRfc1918, parseCidr, type Cidr } from '../../../lambda/core/model/cidr';

const reference = (address: string): bigint | undefined => {
  try {
    const a = address.includes(':') ? ipaddr.IPv6.parse(address) : ipaddr.IPv4.isValidFourPartDecimal(address) ? ipaddr.IPv4.parse(address) : undefined;
    return a ? a.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n) : undefined;
  } catch {
    return undefined;
  }
};

test.each([
  '0.0.0.0', '255.255.255.255', '10.1.2.3', '::', '::1', '2001:db8::', '2001:db8::1', 'fe80::1:2', '2001:0db8:0000:0000:0000:ff00:0042:8329',
  '::ffff:192.0.2.128', '64:ff9b::198.51.100.7', '1:2:3:4:5:6:7:8', 'FD00::ABCD',
])('%s parses to the same address as ipaddr.js', (address) => {
  expect(parseCidr(address)?.start).toBe(reference(address));
});

test.each([
  ['::ffff:192.0.2.128', 0xffffc0000280n],
  ['::1.2.3.4', 0x01020304n],
  ['64:ff9b::198.51.100.7', 0x0064ff9b0000000000000000c6336407n],
  ['::0.0.0.0', 0n],
])('an embedded dotted quad is the last 32 bits, as written: %s', (address, value) => {
  expect(parseCidr(address)?.start).toBe(value);
});

test.each([
  '256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '10', '0x0a.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', 'g::1',
  '1.2.3.4::', '::1.2.3', '1:2:3:4:5:6:7::8', 'fe80::1%eth0', 'fe80::%1/64', '010.0.0.0/8', '::ffff:010.0.0.1', '::ffff:0x0a.0.0.1', '::ffff:1.2.3.0004', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4:5', '', ' ', '10.0.0.0/', '10.0.0.0/33', '::/129', '10.0.0.0/8/8', '10.0.0.0/-1',
])('%j is invalid', (text) => {
  expect(parseCidr(text)).toBeUndefined();
});

test('random IPv6 addresses in full, compressed and mixed spellings match ipaddr.js', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.boolean(), (groups, withV4) => {
    const hex = groups.map((g) => g.toString(16));
    const full = hex.join(':');
    const compressed = ipaddr.IPv6.parse(full).toString();
    const mixed = withV4 ? `${hex.slice(0, 6).join(':')}:${(groups[6]! >> 8)}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}` : full;
    for (const spelling of [full, compressed, mixed]) expect(parseCidr(spelling)?.start).toBe(reference(full));
  }), { numRuns: 300, seed: 20261201 });
});

test('host bits are masked: 10.1.2.3/8 is the block 10.0.0.0/8', () => {
  expect(parseCidr('10.1.2.3/8')).toMatchObject({ prefix: 8, start: 0x0a000000n, end: 0x0affffffn, canonical: parseCidr('10.0.0.0/8')?.canonical });
  expect(parseCidr('2001:db8::/32')?.canonical).toBe(parseCidr('2001:0DB8:0:0::/32')?.canonical);
});

test.each([
  ['10.0.0.0/8', true], ['10.20.0.0/16', true], ['172.16.0.0/12', true], ['172.32.0.0/16', false], ['192.168.1.0/24', true], ['8.0.0.0/7', false],
])('RFC1918 %s → %s', (c, expected) => expect(isRfc1918(parseCidr(c) as Cidr)).toBe(expected));

test.each([['fc00::/7', true], ['fd12:3456::/32', true], ['fe80::/10', false], ['2001:db8::/32', false]])('ULA %s → %s', (c, expected) => {
  expect(isIpv6UniqueLocal(parseCidr(c) as Cidr)).toBe(expected);
});

test.each([['0.0.0.0/7', true], ['8.0.0.0/8', false], ['::/31', true], ['2001:db8::/32', false]])('broader than /8 or /32: %s → %s', (c, expected) => {
  expect(isBroad(parseCidr(c) as Cidr)).toBe(expected);
});

describe('union covering the address space', () => {
  const cidrs = (...texts: string[]) => texts.map((t) => parseCidr(t) as Cidr);
  test.each([
    [['0.0.0.0/1', '128.0.0.0/1'], 4, true],
    [['0.0.0.0/1'], 4, false],
    [['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1'], 4, true],
    [['0.0.0.0/2', '128.0.0.0/1'], 4, false],
    [['0.0.0.0/0'], 4, true],
    [['::/1', '8000::/1'], 6, true],
    [['::/1', '8000::/1'], 4, false],
    [['10.0.0.0/8', '0.0.0.0/1', '128.0.0.0/1'], 4, true],
  ])('%j covers IPv%i: %s', (texts, version, expected) => {
    expect(coversAddressSpace(cidrs(...texts), version as 4 | 6)).toBe(expected);
  });

  test('all 256 /8s cover IPv4; without any one of them they do not', () => {
    const all = Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`);
    expect(coversAddressSpace(cidrs(...all), 4)).toBe(true);
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), (drop) => !coversAddressSpace(cidrs(...all.filter((_, i) => i !== drop)), 4)), { numRuns: 50, seed: 7 });
  });
});
