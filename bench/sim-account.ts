/**
 * A simulated account: N buckets and M security groups whose state is derived from their index
 * on demand (nothing is stored, so the simulation's memory does not grow with N and the measured
 * peak RSS is the guard's own). Writes are kept as small overrides.
 */
import { evaluatePolicy } from '../lambda/core/s3/policy';
import type { Answer } from './sim-aws';

const OWNER = { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be', DisplayName: 'owner' };
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
export const ACCOUNT = '111122223333';

const bucketName = (i: number) => `acme-bucket-${String(i).padStart(6, '0')}`;
const bucketIndex = (name: unknown) => Number(String(name).slice('acme-bucket-'.length));
const groupId = (i: number) => `sg-${(0x0a000000 + i).toString(16).padStart(17, '0')}`;
const groupIndex = (id: string) => parseInt(id.slice(3), 16) - 0x0a000000;

class NotFound extends Error {
  constructor(name: string, message: string, readonly $metadata = { httpStatusCode: 404 }) {
    super(message);
    this.name = name;
  }
}

function bucketPolicy(i: number): string | undefined {
  if (i % 4 === 1) return undefined;
  const statements: Record<string, unknown>[] = [{
    Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucketName(i)}`, `arn:aws:s3:::${bucketName(i)}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }, {
    Sid: 'VpceOnly', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${bucketName(i)}/*`,
    Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
  }];
  if (i % 10 === 0) statements.push({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucketName(i)}/*` });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * `exposedEvery`: the steady-state account of the sweep benchmark instead of the mixed one: every
 * Nth bucket public (policy open, Block Public Access off), every other bucket locked down (BPA on,
 * TLS required, owner-enforced, logged, private ACL).
 */
function steadyPolicy(i: number, exposed: boolean): string {
  const statements: Record<string, unknown>[] = [{
    Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucketName(i)}`, `arn:aws:s3:::${bucketName(i)}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }];
  if (exposed) statements.push({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucketName(i)}/*` });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * `accessPointsOn`: the buckets that have an access point (Internet origin, all Block Public Access
 * on, no policy): a bucket read then takes its access point's reads too.
 */
export function simulatedAccount(opts: { buckets: number; groups: number; gonePer?: number; exposedEvery?: number; accessPointsOn?: number[] }) {
  const bpaOverrides = new Map<string, typeof ALL_ON>();
  const revoked = new Set<string>();
  const gonePer = opts.gonePer ?? 0;
  const bucket = (input: Record<string, unknown>) => {
    const i = bucketIndex(input.Bucket);
    if (!Number.isInteger(i) || i < 0 || i >= opts.buckets || (gonePer && i % gonePer === gonePer - 1)) {
      throw new NotFound('NoSuchBucket', 'The specified bucket does not exist');
    }
    return i;
  };

  function rulesOf(i: number) {
    const id = groupId(i);
    const count = i % 50 === 0 ? 40 + (i % 21) : 1 + ((i * 7) % 9);
    const rules: Record<string, unknown>[] = [];
    for (let r = 0; r < count; r++) {
      const ruleId = `sgr-${(i * 64 + r).toString(16).padStart(17, '0')}`;
      if (revoked.has(ruleId)) continue;
      const kind = (i + r) % 11;
      const port = [443, 80, 22, 5432, 8080, 3389, 443, 6379, 53, 443, 22][kind]!;
      const cidr = kind === 2 && i % 6 === 0 ? '0.0.0.0/0' : kind === 0 || kind === 6 ? '0.0.0.0/0' : `10.${r % 250}.0.0/16`;
      rules.push({
        SecurityGroupRuleId: ruleId, GroupId: id, GroupOwnerId: ACCOUNT, IsEgress: false,
        IpProtocol: kind === 8 ? 'udp' : 'tcp', FromPort: port, ToPort: port,
        ...(kind === 9 ? { PrefixListId: 'pl-0123456789abcdef0' } : { CidrIpv4: cidr }),
      });
    }
    rules.push({ SecurityGroupRuleId: `sgr-e${i.toString(16).padStart(16, '0')}`, GroupId: id, GroupOwnerId: ACCOUNT, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' });
    return rules;
  }

  function group(i: number) {
    const ingress = rulesOf(i).filter((r) => !r.IsEgress);
    return {
      GroupId: groupId(i), GroupName: i % 97 === 0 ? 'default' : `app-${i}`, VpcId: 'vpc-0a1b2c3d', OwnerId: ACCOUNT, Description: 'app tier',
      IpPermissions: ingress.map((r) => ({
        IpProtocol: r.IpProtocol, FromPort: r.FromPort, ToPort: r.ToPort,
        IpRanges: r.CidrIpv4 ? [{ CidrIp: r.CidrIpv4 }] : [], Ipv6Ranges: [],
        PrefixListIds: r.PrefixListId ? [{ PrefixListId: r.PrefixListId }] : [], UserIdGroupPairs: [],
      })),
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      Tags: [],
    };
  }

  const idsFrom = (input: Record<string, unknown>, name: string): string[] | undefined => {
    const filters = (input.Filters as { Name: string; Values: string[] }[] | undefined) ?? [];
    return filters.find((f) => f.Name === name)?.Values;
  };
  const page = <T>(items: T[], input: Record<string, unknown>, max = 1000) => {
    const start = Number(input.NextToken ?? input.ContinuationToken ?? 0);
    const size = Math.min(Number(input.MaxResults ?? input.MaxBuckets ?? max), max);
    const next = start + size < items.length ? String(start + size) : undefined;
    return { slice: items.slice(start, start + size), next };
  };

  const answers: Record<string, Answer> = {
    // S3
    ListBuckets: (input) => {
      const start = Number(input.ContinuationToken ?? 0);
      const size = Math.min(Number(input.MaxBuckets ?? 1000), 10_000);
      const names = Array.from({ length: Math.max(0, Math.min(size, opts.buckets - start)) }, (_, k) => bucketName(start + k));
      return { Buckets: names.map((Name) => ({ Name, BucketRegion: 'eu-west-1' })), Owner: OWNER, ...(start + size < opts.buckets ? { ContinuationToken: String(start + size) } : {}) };
    },
    GetBucketPolicy: (input) => {
      const i = bucket(input);
      if (opts.exposedEvery) return { Policy: steadyPolicy(i, i % opts.exposedEvery === 0) };
      const policy = bucketPolicy(i);
      if (!policy) throw new NotFound('NoSuchBucketPolicy', 'The bucket policy does not exist');
      return { Policy: policy };
    },
    GetBucketAcl: (input) => {
      const i = bucket(input);
      const grants: Record<string, unknown>[] = [{ Grantee: { Type: 'CanonicalUser', ...OWNER }, Permission: 'FULL_CONTROL' }];
      if (i % 25 === 0 && !opts.exposedEvery) grants.push({ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' });
      return { Owner: OWNER, Grants: grants };
    },
    GetPublicAccessBlock: (input) => {
      const i = bucket(input);
      const override = bpaOverrides.get(String(input.Bucket));
      if (override) return { PublicAccessBlockConfiguration: override };
      if (opts.exposedEvery) return { PublicAccessBlockConfiguration: i % opts.exposedEvery === 0 ? ALL_OFF : ALL_ON };
      if (i % 7 === 0) throw new NotFound('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found');
      return { PublicAccessBlockConfiguration: i % 10 === 0 ? ALL_OFF : ALL_ON };
    },
    PutPublicAccessBlock: (input) => {
      bucket(input);
      bpaOverrides.set(String(input.Bucket), { ...ALL_ON, ...(input.PublicAccessBlockConfiguration as object) });
      return {};
    },
    GetBucketOwnershipControls: (input) => ({ OwnershipControls: { Rules: [{ ObjectOwnership: bucket(input) % 5 === 0 && !opts.exposedEvery ? 'ObjectWriter' : 'BucketOwnerEnforced' }] } }),
    GetBucketLogging: (input) => (bucket(input) % 3 === 0 && !opts.exposedEvery ? {} : { LoggingEnabled: { TargetBucket: 'acme-access-logs', TargetPrefix: `${String(input.Bucket)}/` } }),
    GetBucketWebsite: (input) => {
      if (bucket(input) % 50 !== 0) throw new NotFound('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration');
      return { IndexDocument: { Suffix: 'index.html' } };
    },
    GetBucketTagging: (input) => {
      if (bucket(input) % 2 === 0) throw new NotFound('NoSuchTagSet', 'The TagSet does not exist');
      return { TagSet: [{ Key: 'team', Value: 'data' }] };
    },
    // AWS's own status of the policy: it agrees with the evaluator here (the oracle's cost is measured, not its disagreements).
    GetBucketPolicyStatus: (input) => {
      const i = bucket(input);
      const policy = opts.exposedEvery ? steadyPolicy(i, i % opts.exposedEvery === 0) : bucketPolicy(i);
      if (!policy) throw new NotFound('NoSuchBucketPolicy', 'The bucket policy does not exist');
      return { PolicyStatus: { IsPublic: evaluatePolicy(policy).publicStatements.length > 0 } };
    },
    // S3 Control (access points: this account's, in the bucket's region; Multi-Region: none)
    // Filtered by bucket (the event path) or not (a sweep batch, a scan: every access point of the region, paged).
    ListAccessPoints: (input) => {
      const entry = (i: number) => ({
        Name: `ap-${i}`, NetworkOrigin: 'Internet', Bucket: bucketName(i), AccessPointArn: `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/ap-${i}`, BucketAccountId: ACCOUNT,
      });
      if (input.Bucket === undefined) {
        const { slice, next } = page(opts.accessPointsOn ?? [], input);
        return { AccessPointList: slice.map(entry), ...(next ? { NextToken: next } : {}) };
      }
      const i = bucket(input);
      return { AccessPointList: (opts.accessPointsOn ?? []).includes(i) ? [entry(i)] : [] };
    },
    GetAccessPoint: (input) => ({ Name: input.Name, NetworkOrigin: 'Internet', PublicAccessBlockConfiguration: ALL_ON }),
    GetAccessPointPolicy: () => { throw new NotFound('NoSuchAccessPointPolicy', 'The specified accesspoint policy does not exist'); },
    GetAccessPointPolicyStatus: () => { throw new NotFound('NoSuchAccessPointPolicy', 'The specified accesspoint policy does not exist'); },
    ListMultiRegionAccessPoints: () => ({ AccessPoints: [] }),
    // S3 Control (account level)
    'S3Control:GetPublicAccessBlock': () => ({ PublicAccessBlockConfiguration: opts.exposedEvery ? ALL_OFF : { ...ALL_ON, RestrictPublicBuckets: false } }),
    // EC2
    DescribeSecurityGroups: (input) => {
      const ids = (input.GroupIds as string[] | undefined) ?? idsFrom(input, 'group-id');
      if (ids) return { SecurityGroups: ids.map(groupIndex).filter((i) => i >= 0 && i < opts.groups).map(group) };
      const { slice, next } = page(Array.from({ length: opts.groups }, (_, i) => i), input);
      return { SecurityGroups: slice.map(group), ...(next ? { NextToken: next } : {}) };
    },
    DescribeSecurityGroupRules: (input) => {
      const byRule = idsFrom(input, 'security-group-rule-id');
      const ids = idsFrom(input, 'group-id') ?? [];
      const rules = byRule ? [] : ids.flatMap((id) => rulesOf(groupIndex(id)));
      const { slice, next } = page(rules, input);
      return { SecurityGroupRules: slice, ...(next ? { NextToken: next } : {}) };
    },
    DescribeNetworkInterfaces: (input) => {
      const ids = idsFrom(input, 'group-id') ?? [];
      const nis = ids.filter((id) => groupIndex(id) % 3 !== 2).map((id) => {
        const i = groupIndex(id);
        return {
          NetworkInterfaceId: `eni-${i.toString(16).padStart(17, '0')}`, InterfaceType: 'interface', Groups: [{ GroupId: id }],
          Attachment: { InstanceId: `i-${i.toString(16).padStart(17, '0')}` }, PrivateIpAddress: '10.0.0.10',
          ...(i % 3 === 0 ? { Association: { PublicIp: `203.0.${(i >> 8) % 256}.${i % 256}` } } : {}), Ipv6Addresses: [],
        };
      });
      const { slice, next } = page(nis, input);
      return { NetworkInterfaces: slice, ...(next ? { NextToken: next } : {}) };
    },
    GetManagedPrefixListEntries: () => ({ Entries: [{ Cidr: '198.51.100.0/24' }, { Cidr: '203.0.113.0/24' }] }),
    RevokeSecurityGroupIngress: (input) => {
      for (const id of (input.SecurityGroupRuleIds as string[]) ?? []) revoked.add(id);
      return { Return: true };
    },
    // SNS
    Publish: () => ({ MessageId: '00000000-0000-4000-8000-000000000000' }),
  };
  return { answers, bucketName, groupId };
}
