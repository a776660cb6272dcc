/**
 * Deterministic, realistic snapshots for the throughput benchmark. A seeded PRNG (never
 * Math.random) so two runs with the same seed evaluate byte-identical input and numbers compare.
 *
 * "Realistic" means the shapes the readers hand the evaluators in production: GetBucketPolicy
 * text or a parsed document, GetBucketAcl grants, DescribeSecurityGroups permissions with several
 * sources each plus the matching DescribeSecurityGroupRules items. Sizes follow a long tail: most
 * policies and groups are small, a few are large (up to 20 statements, 60 ingress rules).
 */
import type { FullBucketSnapshot } from '../lambda/core/s3/reads';
import type {
  AccessPointSnapshot,
  AclGrant, BucketAcl, BucketSnapshot, ObjectOwnership, PublicAccessBlockFlags, SecurityGroupSnapshot, SgAttachment,
  SgIpPermission, SgRule,
} from '../lambda/core/model/types';

/* ---- randomness ---- */

/** mulberry32: tiny, fast, good enough for test data, and the same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The handful of draws the generators need, over one seeded stream. */
class Dice {
  constructor(private readonly next: () => number) {}

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Weighted choice: [[weight, value], …]. */
  weighted<T>(table: ReadonlyArray<readonly [number, T]>): T {
    const total = table.reduce((n, [w]) => n + w, 0);
    let r = this.next() * total;
    for (const [w, v] of table) if ((r -= w) < 0) return v;
    return (table[table.length - 1] as readonly [number, T])[1];
  }

  /** k distinct items (order kept), k clipped to the list. */
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const k = Math.min(items.length, this.int(min, max));
    const pool = [...items];
    const out: T[] = [];
    while (out.length < k) out.push(...pool.splice(Math.floor(this.next() * pool.length), 1));
    return out;
  }

  /** A long-tailed size in [1, max]: exponential around `mean`, with a thin uniform tail to max. */
  size(mean: number, max: number, tail = 0.04): number {
    if (this.chance(tail)) return this.int(Math.ceil(max / 3), max);
    return Math.min(max, 1 + Math.floor(-Math.log(1 - this.next()) * (mean - 1)));
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }

  digits(n: number): string {
    let s = String(this.int(1, 9));
    while (s.length < n) s += String(this.int(0, 9));
    return s;
  }
}

/* ---- shared vocabulary ---- */

const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
const TEAMS = ['payments', 'storefront', 'data', 'platform', 'ml', 'security', 'marketing'];
const ENVS = ['prod', 'staging', 'dev', 'sandbox'];

function tags(d: Dice): Record<string, string> {
  const all: Record<string, string> = {
    team: d.pick(TEAMS), env: d.pick(ENVS), 'cost-center': `cc-${d.digits(4)}`,
    owner: `${d.pick(['alice', 'bob', 'chen', 'dara', 'eve'])}@example.com`, 'data-classification': d.pick(['public', 'internal', 'confidential']),
  };
  return Object.fromEntries(d.some(Object.entries(all), 0, 5));
}

/** An aligned IPv4 block (host bits zero, as AWS requires) from its first octet and prefix. */
function block4(d: Dice, first: number, prefix: number): string {
  const value = ((first << 24) | (d.int(0, 0xffffff))) >>> 0;
  const network = prefix === 0 ? 0 : (value & (0xffffffff << (32 - prefix))) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (network >>> s) & 255).join('.')}/${prefix}`;
}

function publicCidr4(d: Dice): string {
  // Ordinary public ranges (never RFC1918), from a /16 down to one host.
  return block4(d, d.pick([3, 18, 34, 52, 81, 94, 145, 185, 198, 203]), d.pick([16, 20, 24, 24, 28, 32, 32]));
}

function privateCidr4(d: Dice): string {
  return d.weighted([
    [1, () => '10.0.0.0/8'],
    [4, () => block4(d, 10, d.pick([16, 20, 24]))],
    [2, () => `172.${d.int(16, 31)}.${d.int(0, 255)}.0/24`],
    [2, () => `192.168.${d.int(0, 255)}.0/24`],
  ] as const)();
}

function cidr6(d: Dice): string {
  return d.weighted([
    [3, () => `2a05:d018:${d.hex(4)}:${d.hex(2)}00::/56`],
    [2, () => `2001:db8:${d.hex(4)}::/48`],
    [1, () => `fd${d.hex(2)}:${d.hex(4)}::/48`],
  ] as const)();
}

/* ---- S3 ---- */

const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectTagging'];
const WRITE_ACTIONS = ['s3:PutObject', 's3:PutObjectAcl', 's3:DeleteObject', 's3:AbortMultipartUpload'];
const WILDCARDS = ['s3:*', 's3:Get*', 's3:List*', 's3:Put*', 's3:*Object', 's3:*Acl', '*'];

function actions(d: Dice): string | string[] {
  return d.weighted<() => string | string[]>([
    [4, () => d.pick(READ_ACTIONS)],
    [3, () => d.some([...READ_ACTIONS, ...WRITE_ACTIONS], 2, 5)],
    [2, () => d.pick(WILDCARDS)],
    [1, () => [d.pick(WILDCARDS), d.pick(WRITE_ACTIONS)]],
  ])();
}

function resources(d: Dice, bucket: string): string | string[] {
  const arn = `arn:aws:s3:::${bucket}`;
  return d.weighted<() => string | string[]>([
    [3, () => [arn, `${arn}/*`]],
    [3, () => `${arn}/*`],
    [1, () => [`${arn}/public/*`, `${arn}/assets/*`]],
    [1, () => arn],
  ])();
}

function awsPrincipals(d: Dice, account: string): { AWS: string | string[] } {
  const arns = Array.from({ length: d.int(1, 4) }, () => d.weighted([
    [3, () => `arn:aws:iam::${d.digits(12)}:role/${d.pick(['reader', 'etl', 'replication', 'ci-deploy'])}`],
    [2, () => `arn:aws:iam::${account}:root`],
    [1, () => d.digits(12)],
  ] as const)());
  return { AWS: arns.length === 1 ? arns[0] as string : arns };
}

/** Condition blocks of the kinds real bucket policies carry, restricting or not. */
function condition(d: Dice, account: string): Record<string, Record<string, unknown>> {
  const ips = () => Array.from({ length: d.int(1, 5) }, () => (d.chance(0.7) ? publicCidr4(d) : privateCidr4(d)));
  const kinds: Array<() => Record<string, Record<string, unknown>>> = [
    () => ({ StringEquals: { 'aws:SourceVpce': d.chance(0.5) ? `vpce-${d.hex(17)}` : [`vpce-${d.hex(17)}`, `vpce-${d.hex(17)}`] } }),
    () => ({ IpAddress: { 'aws:SourceIp': d.chance(0.1) ? ['0.0.0.0/0'] : ips() } }),
    () => ({ StringEquals: { 'aws:PrincipalOrgID': `o-${d.hex(10)}` } }),
    () => ({ StringLike: { 'aws:userid': [`AROA${d.digits(17)}:*`, `${d.pick(['AIDA', 'AROA'])}*`] } }),
    () => ({ StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/${d.pick(['app-*', 'team-?-reader', '*'])}` } }),
    () => ({ StringNotEquals: { 'aws:SourceVpc': `vpc-${d.hex(17)}` } }),
    () => ({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`o-${d.hex(10)}/r-${d.hex(4)}/ou-${d.hex(4)}-*`] } }),
    () => ({ StringEquals: { 'aws:PrincipalAccount': [account, d.digits(12)] } }),
    () => ({ StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudfront::${account}:distribution/*` } }),
    () => ({ 'StringEqualsIfExists': { 'aws:SourceVpce': `vpce-${d.hex(17)}` } }),
    () => ({ DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' }, NumericLessThan: { 's3:max-keys': '100' } }),
    () => ({ Null: { 'aws:SourceVpce': 'false' } }),
  ];
  const block: Record<string, Record<string, unknown>> = {};
  for (const k of d.some(kinds, 1, 2)) Object.assign(block, k());
  return block;
}

function tlsDeny(bucket: string): Record<string, unknown> {
  const arn = `arn:aws:s3:::${bucket}`;
  return {
    Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
    Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

function statement(d: Dice, bucket: string, account: string, i: number): Record<string, unknown> {
  const kind = d.weighted([
    [4, 'cross-account'], [2, 'service'], [4, 'star-conditioned'], [1, 'star-open'], [2, 'deny-conditioned'],
    [1, 'aws-star'], [1, 'not-action'],
  ] as const);
  const base: Record<string, unknown> = d.chance(0.7) ? { Sid: `Stmt${i}${d.hex(4)}` } : {};
  const common = { Action: actions(d), Resource: resources(d, bucket) };
  switch (kind) {
    case 'cross-account':
      return { ...base, Effect: 'Allow', Principal: awsPrincipals(d, account), ...common, ...(d.chance(0.3) ? { Condition: condition(d, account) } : {}) };
    case 'service':
      return {
        ...base, Effect: 'Allow', Principal: { Service: d.pick(['logging.s3.amazonaws.com', 'cloudfront.amazonaws.com', 'cloudtrail.amazonaws.com']) },
        Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 'aws:SourceAccount': account } },
      };
    case 'star-conditioned':
      return { ...base, Effect: 'Allow', Principal: '*', ...common, Condition: condition(d, account) };
    case 'star-open':
      return { ...base, Effect: 'Allow', Principal: '*', Action: d.pick(['s3:GetObject', ['s3:GetObject', 's3:PutObject']]), Resource: `arn:aws:s3:::${bucket}/*` };
    case 'deny-conditioned':
      return { ...base, Effect: 'Deny', Principal: '*', ...common, Condition: condition(d, account) };
    case 'aws-star':
      return { ...base, Effect: 'Allow', Principal: { AWS: '*' }, ...common, Condition: condition(d, account) };
    case 'not-action':
      return { ...base, Effect: 'Allow', Principal: awsPrincipals(d, account), NotAction: ['s3:DeleteBucket', 's3:PutBucketPolicy'], Resource: resources(d, bucket) };
  }
}

function policy(d: Dice, bucket: string, account: string): unknown {
  const n = d.size(3, 20);
  const statements = Array.from({ length: n }, (_, i) => statement(d, bucket, account, i));
  // Half the real world enforces TLS; put the Deny first or last, as people write it.
  if (d.chance(0.5)) statements[d.chance(0.5) ? 0 : n - 1] = tlsDeny(bucket);
  const doc = { Version: '2012-10-17', ...(d.chance(0.3) ? { Id: `Policy${d.digits(13)}` } : {}), Statement: statements };
  // GetBucketPolicy returns text; other callers (the CLI, tests) pass the parsed document.
  return d.chance(0.5) ? JSON.stringify(doc) : doc;
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

function acl(d: Dice): BucketAcl {
  const owner = { ID: d.hex(64), DisplayName: d.pick(['aws-prod', 'aws-data', 'platform']) };
  const grants: AclGrant[] = [{ Grantee: { Type: 'CanonicalUser', ...owner }, Permission: 'FULL_CONTROL' }];
  const extra: Array<() => AclGrant> = [
    () => ({ Grantee: { Type: 'Group', URI: LOG_DELIVERY }, Permission: d.pick(['WRITE', 'READ_ACP']) }),
    () => ({ Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: d.pick(['READ', 'READ', 'WRITE', 'READ_ACP']) }),
    () => ({ Grantee: { Type: 'Group', URI: AUTHENTICATED_USERS }, Permission: d.pick(['READ', 'FULL_CONTROL']) }),
    () => ({ Grantee: { Type: 'CanonicalUser', ID: d.hex(64) }, Permission: d.pick(['READ', 'WRITE', 'FULL_CONTROL']) }),
  ];
  // Most buckets carry only the owner grant; the rest add one to four.
  if (d.chance(0.35)) for (const g of d.some(extra, 1, 4)) grants.push(g());
  return { Owner: owner, Grants: grants };
}

function bpa(d: Dice): PublicAccessBlockFlags | null {
  return d.weighted<() => PublicAccessBlockFlags | null>([
    [6, () => ({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })],
    [2, () => null],
    [2, () => ({ BlockPublicAcls: d.chance(0.5), IgnorePublicAcls: d.chance(0.5), BlockPublicPolicy: d.chance(0.5), RestrictPublicBuckets: d.chance(0.5) })],
    [1, () => ({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false })],
  ])();
}

/** An access point on the bucket: mostly VPC or policy-less; sometimes public, as the policies above. */
function accessPoint(d: Dice, bucket: string, account: string): AccessPointSnapshot {
  const name = `${bucket.slice(0, 40).replace(/[^a-z0-9-]/g, '-')}-ap`;
  const arn = `arn:aws:s3:eu-west-1:${account}:accesspoint/${name}`;
  return {
    name, arn,
    networkOrigin: d.chance(0.5) ? 'VPC' : 'Internet',
    publicAccessBlock: bpa(d),
    policy: d.weighted([[5, () => policy(d, bucket, account)], [5, () => null]] as const)(),
  };
}

function bucketSnapshot(d: Dice, i: number): BucketSnapshot {
  const account = d.digits(12);
  const name = `${d.pick(TEAMS)}-${d.pick(ENVS)}-${d.pick(['assets', 'logs', 'exports', 'backups', 'site', 'raw'])}-${i}-${d.hex(6)}`;
  const snapshot: FullBucketSnapshot = {
    name, account, region: d.pick(REGIONS),
    policy: d.weighted([[7, () => policy(d, name, account)], [3, () => null]] as const)(),
    acl: acl(d),
    publicAccessBlock: bpa(d),
    accountPublicAccessBlock: bpa(d),
    objectOwnership: d.weighted<ObjectOwnership | null>([[6, 'BucketOwnerEnforced'], [2, 'BucketOwnerPreferred'], [1, 'ObjectWriter'], [1, null]]),
    logging: d.chance(0.4),
    website: d.chance(0.08),
    tags: tags(d),
    policyStatus: null,
    accessPoints: d.chance(0.06) ? [accessPoint(d, name, account)] : [],
    multiRegionAccessPoints: [],
  };
  // AWS's status is a second opinion the benchmark leaves out (as offline), but for "no policy".
  if (snapshot.policy !== null) delete snapshot.policyStatus;
  // A reader without a permission leaves a field absent, with the reason.
  if (d.chance(0.03)) {
    delete snapshot.policy;
    snapshot.unreadable = { policy: 'AccessDenied: not authorized to perform s3:GetBucketPolicy' };
  }
  return snapshot;
}

export function generateBucketSnapshots(n: number, seed: number): BucketSnapshot[] {
  const d = new Dice(mulberry32(seed));
  return Array.from({ length: n }, (_, i) => bucketSnapshot(d, i));
}

/* ---- security groups ---- */

interface PortSpec { IpProtocol: string; FromPort: number; ToPort: number }

function ports(d: Dice): PortSpec {
  const tcp = (lo: number, hi = lo): PortSpec => ({ IpProtocol: 'tcp', FromPort: lo, ToPort: hi });
  return d.weighted<() => PortSpec>([
    [10, () => tcp(d.pick([443, 443, 80, 22, 22, 3306, 5432, 6379, 8080, 8443, 3389, 9200, 27017, 2049, 25]))],
    [3, () => {
      const [lo, hi] = d.pick([[8000, 8100], [1024, 65535], [30000, 32767], [0, 65535], [9000, 9010]] as const);
      return tcp(lo, hi);
    }],
    [2, () => {
      const p = d.pick([53, 123, 500, 1194, 51820]);
      return { IpProtocol: 'udp', FromPort: p, ToPort: p };
    }],
    [1, () => ({ IpProtocol: 'udp', FromPort: 0, ToPort: 65535 })],
    [2, () => ({ IpProtocol: 'icmp', FromPort: d.pick([-1, 8, 0, 3]), ToPort: -1 })],
    [1, () => ({ IpProtocol: 'icmpv6', FromPort: -1, ToPort: -1 })],
    [2, () => ({ IpProtocol: '-1', FromPort: -1, ToPort: -1 })],
  ])();
}

interface Source {
  kind: 'v4' | 'v6' | 'pl' | 'sg';
  value: string;
  description?: string;
}

function source(d: Dice, prefixListIds: readonly string[], groupId: string): Source {
  const description = d.chance(0.5) ? d.pick(['office', 'vpn', 'partner', 'temp debug', 'load balancer', 'monitoring']) : undefined;
  const kind = d.weighted<Source['kind']>([[12, 'v4'], [3, 'v6'], [prefixListIds.length ? 2 : 0, 'pl'], [3, 'sg']]);
  const value = {
    v4: () => d.weighted([[2, () => '0.0.0.0/0'], [4, () => publicCidr4(d)], [5, () => privateCidr4(d)], [1, () => block4(d, d.int(1, 223), d.int(1, 7))]] as const)(),
    v6: () => (d.chance(0.35) ? '::/0' : cidr6(d)),
    pl: () => d.pick(prefixListIds),
    sg: () => (d.chance(0.2) ? groupId : `sg-${d.hex(17)}`),
  }[kind]();
  return { kind, value, ...(description ? { description } : {}) };
}

/** One IpPermission from its sources, as DescribeSecurityGroups groups them. */
function permission(spec: PortSpec, sources: readonly Source[], account: string): SgIpPermission {
  const with_ = (s: Source) => (s.description ? { Description: s.description } : {});
  return {
    ...spec,
    IpRanges: sources.filter((s) => s.kind === 'v4').map((s) => ({ CidrIp: s.value, ...with_(s) })),
    Ipv6Ranges: sources.filter((s) => s.kind === 'v6').map((s) => ({ CidrIpv6: s.value, ...with_(s) })),
    PrefixListIds: sources.filter((s) => s.kind === 'pl').map((s) => ({ PrefixListId: s.value, ...with_(s) })),
    UserIdGroupPairs: sources.filter((s) => s.kind === 'sg').map((s) => ({ GroupId: s.value, UserId: account, ...with_(s) })),
  };
}

/** The DescribeSecurityGroupRules item for one source: one sgr- id per (permission, source). */
function ruleOf(d: Dice, groupId: string, account: string, spec: PortSpec, s: Source, isEgress: boolean): SgRule {
  const sourceField = {
    v4: { CidrIpv4: s.value }, v6: { CidrIpv6: s.value }, pl: { PrefixListId: s.value },
    sg: { ReferencedGroupInfo: { GroupId: s.value, UserId: account } },
  }[s.kind];
  return {
    SecurityGroupRuleId: `sgr-${d.hex(17)}`, GroupId: groupId, IsEgress: isEgress, ...spec, ...sourceField,
    ...(s.description ? { Description: s.description } : {}),
  };
}

function prefixListEntries(d: Dice): string[] {
  // Corporate lists are mostly private or narrow public ranges; a few hold 0.0.0.0/0 by mistake.
  if (d.chance(0.1)) return ['0.0.0.0/0'];
  return Array.from({ length: d.int(1, 12) }, () => (d.chance(0.5) ? privateCidr4(d) : publicCidr4(d)));
}

function attachments(d: Dice): SgAttachment[] {
  return Array.from({ length: d.weighted([[3, 0], [5, 1], [2, 2], [1, 3]]) }, (): SgAttachment => ({
    NetworkInterfaceId: `eni-${d.hex(17)}`,
    ...(d.chance(0.35) ? { PublicIp: `${d.pick([3, 18, 34, 52, 54])}.${d.int(0, 255)}.${d.int(0, 255)}.${d.int(1, 254)}` } : {}),
    ...(d.chance(0.1) ? { Ipv6Addresses: [`2a05:d018:${d.hex(4)}:${d.hex(4)}::${d.hex(2)}`] } : {}),
    ...(d.chance(0.7) ? { InstanceId: `i-${d.hex(17)}`, InterfaceType: 'interface' } : { InterfaceType: d.pick(['network_load_balancer', 'lambda', 'vpc_endpoint']) }),
  }));
}

function securityGroupSnapshot(d: Dice): SecurityGroupSnapshot {
  const account = d.digits(12);
  const groupId = `sg-${d.hex(17)}`;
  const isDefault = d.chance(0.08);
  const prefixListIds = d.chance(0.2) ? Array.from({ length: d.int(1, 3) }, () => `pl-${d.hex(17)}`) : [];

  // Ingress: single-source rules spread over permissions, several sources per permission.
  const target = d.size(5, 60);
  const ingress: SgIpPermission[] = [];
  const rules: SgRule[] = [];
  for (let count = 0; count < target;) {
    const spec = ports(d);
    const sources = Array.from({ length: Math.min(target - count, d.size(2, 8, 0)) }, () => source(d, prefixListIds, groupId));
    ingress.push(permission(spec, sources, account));
    for (const s of sources) rules.push(ruleOf(d, groupId, account, spec, s, false));
    count += sources.length;
  }

  // Egress: the default all-traffic rule, sometimes narrowed.
  const egressSources: Source[] = [{ kind: 'v4', value: '0.0.0.0/0' }, ...(d.chance(0.3) ? [{ kind: 'v6' as const, value: '::/0' }] : [])];
  const egressSpec: PortSpec = d.chance(0.85) ? { IpProtocol: '-1', FromPort: -1, ToPort: -1 } : { IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };
  const egress = [permission(egressSpec, egressSources, account)];
  for (const s of egressSources) rules.push(ruleOf(d, groupId, account, egressSpec, s, true));

  // Most lists resolve; one in ten is deleted or unshared, so it stays unresolved.
  const prefixLists = Object.fromEntries(prefixListIds.filter(() => d.chance(0.9)).map((id) => [id, prefixListEntries(d)]));

  const snapshot: SecurityGroupSnapshot = {
    GroupId: groupId,
    GroupName: isDefault ? 'default' : `${d.pick(TEAMS)}-${d.pick(['web', 'db', 'bastion', 'workers', 'alb', 'cache'])}-${d.hex(4)}`,
    VpcId: `vpc-${d.hex(17)}`,
    OwnerId: account,
    Description: isDefault ? 'default VPC security group' : 'managed by terraform',
    IpPermissions: ingress,
    IpPermissionsEgress: egress,
    Tags: Object.entries(tags(d)).map(([Key, Value]) => ({ Key, Value })),
    account,
    region: d.pick(REGIONS),
    // DescribeSecurityGroupRules is occasionally denied: the evaluator then works from IpPermissions alone.
    ...(d.chance(0.95) ? { rules } : { unreadable: { rules: 'UnauthorizedOperation: ec2:DescribeSecurityGroupRules' } }),
    ...(prefixListIds.length ? { prefixLists } : {}),
    networkInterfaces: attachments(d),
  };
  return snapshot;
}

export function generateSecurityGroupSnapshots(n: number, seed: number): SecurityGroupSnapshot[] {
  const d = new Dice(mulberry32(seed));
  return Array.from({ length: n }, () => securityGroupSnapshot(d));
}
