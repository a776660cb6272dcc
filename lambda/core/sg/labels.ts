/** Words for ports and protocols in titles and evidence: titles become email subjects, so short. */
import type { Span } from './open-spans';
import { FULL_PORT_RANGE, hasPorts, portSpan, type FlatRule } from './rules';

const SERVICES: Record<number, string> = {
  20: 'FTP data', 21: 'FTP', 22: 'SSH', 23: 'Telnet', 25: 'SMTP', 53: 'DNS', 110: 'POP3', 135: 'MS RPC',
  143: 'IMAP', 445: 'SMB', 1433: 'SQL Server', 1434: 'SQL Server Browser', 3306: 'MySQL', 3389: 'RDP',
  4333: 'mSQL', 5432: 'PostgreSQL', 5500: 'VNC', 5601: 'Kibana', 6379: 'Redis', 8080: 'HTTP-alt',
  9200: 'Elasticsearch', 9300: 'Elasticsearch', 11211: 'Memcached', 27017: 'MongoDB',
};

const PROTOCOLS: Record<string, string> = {
  '2': 'IGMP', '4': 'IP-in-IP', '41': 'IPv6-in-IPv4', '47': 'GRE', '50': 'ESP', '51': 'AH', '89': 'OSPF',
  '115': 'L2TP', '132': 'SCTP',
};

export function serviceOf(port: number): string | undefined {
  return SERVICES[port];
}

export function protocolLabel(protocol: string): string {
  if (protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp') return protocol.toUpperCase();
  if (protocol === 'icmpv6') return 'ICMPv6';
  if (protocol === '-1') return 'all traffic';
  const name = PROTOCOLS[protocol];
  return /^\d+$/.test(protocol) ? `protocol ${protocol}${name ? ` (${name})` : ''}` : protocol;
}

function range(span: Span): string {
  return span.lo === span.hi ? `${span.lo}` : `${span.lo}-${span.hi}`;
}

/** The ports (or ICMP types) a span of one protocol covers, as evidence prints them. */
export function spanLabel(protocol: string, span: Span): string {
  if (hasPorts(protocol)) return span.lo === FULL_PORT_RANGE.lo && span.hi === FULL_PORT_RANGE.hi ? 'all' : range(span);
  if (protocol === 'icmp' || protocol === 'icmpv6') return span.lo === 0 && span.hi === 255 ? 'all types' : `type ${range(span)}`;
  return 'all';
}

/** What one rule admits, in the rule's own terms (ICMP type/code, -1 = everything). */
export function rulePorts(rule: FlatRule): string {
  const p = rule.protocol;
  if (p === undefined) return 'unknown';
  if (p === '-1') return 'all';
  if (hasPorts(p)) return spanLabel(p, portSpan(rule));
  if (p === 'icmp' || p === 'icmpv6') {
    if (rule.fromPort === undefined || rule.fromPort < 0) return 'all types';
    return `type ${rule.fromPort}${rule.toPort !== undefined && rule.toPort >= 0 ? ` code ${rule.toPort}` : ''}`;
  }
  return 'all';
}

/** `SSH (22)`, `RDP (UDP 3389)`, `port 3000`. */
export function highRiskLabel(protocol: string, port: number): string {
  const where = protocol === 'udp' ? `UDP ${port}` : `${port}`;
  const service = serviceOf(port);
  return service ? `${service} (${where})` : `port ${where}`;
}

/** `TCP 8443`, `UDP 1000-2000`. */
export function portRangeLabel(protocol: string, span: Span): string {
  return `${protocolLabel(protocol)} ${range(span)}`;
}

/** At most three items, then a count, so a title stays an email subject. */
export function listForTitle(labels: readonly string[], noun: string): string {
  const unique = [...new Set(labels)];
  if (unique.length <= 3) return unique.join(', ');
  return `${unique.slice(0, 2).join(', ')} and ${unique.length - 2} more ${noun}`;
}
