/**
 * The check catalog: everything about a check id that is not its logic, in one place. The check-id
 * types, what remediation concerns, where a finding pages, and the README's check table derive
 * from it (test/unit/checks.test.ts holds the README equal to it).
 */
import type { Finding, FindingOf, RemediatedBy } from './findings';
import type { RemediationModes } from './model/settings';
import type { BucketField } from './s3/reads';
import type { GroupField } from './sg/reads';
import type { GuardField } from './guard/evaluate';

export type CheckResource = 's3-bucket' | 's3-account' | 'security-group' | 'guard' | 'any';

export interface CheckFacts {
  resource: CheckResource;
  /** AWS Security Hub FSBP controls the check mirrors (a finding names those that apply to it). */
  controls: readonly string[];
  /** CIS AWS Foundations Benchmark v5.0.0 recommendations that map to those controls. */
  cis: readonly string[];
  /** Severity as the README states it. */
  severity: string;
  /** What the check finds, in one line. */
  summary: string;
  /**
   * The verdict a message's subject opens with: fixed words of ours, never a name someone else
   * chose. Checks whose verdict depends on the finding (writable or readable, which ports) say
   * it in notification/compose.ts; this is their fallback.
   */
  verdict: string;
  /** The remediation mode whose action closes it, if any. */
  remediation?: keyof RemediationModes;
  /** The snapshot fields it reads: when one is unknown, the check does not run and says so. */
  reads: readonly (BucketField | GroupField | GuardField)[];
  /**
   * Where its message goes: `own` on the resource evaluated; `account` only on the account
   * resource (one account setting must not send one message per bucket).
   */
  pages: 'own' | 'account';
}

export const CHECKS = {
  S3_POLICY_PUBLIC: {
    verdict: 'Public bucket policy',
    reads: ['policy'], resource: 's3-bucket', controls: ['S3.2', 'S3.3'], cis: [], pages: 'own', remediation: 's3BucketPublicAccess',
    summary: 'the bucket policy is public by AWS\'s definition',
    severity: 'CRITICAL if it grants write, delete, ACL or policy changes; HIGH for read/list',
  },
  S3_ACL_PUBLIC: {
    verdict: 'Public ACL',
    reads: ['acl'], resource: 's3-bucket', controls: ['S3.2', 'S3.3'], cis: [], pages: 'own', remediation: 's3BucketPublicAccess',
    summary: 'the ACL grants anything to AllUsers or AuthenticatedUsers (LogDelivery is not public)',
    severity: 'CRITICAL for WRITE, WRITE_ACP, FULL_CONTROL; HIGH for READ, READ_ACP',
  },
  S3_ACCESS_POINT_PUBLIC: {
    verdict: 'Public access point',
    reads: ['accessPoints', 'multiRegionAccessPoints'], resource: 's3-bucket', controls: ['S3.19', 'S3.24'], cis: [], pages: 'own', remediation: 's3BucketPublicAccess',
    summary: 'an access point (network origin `Internet`) or Multi-Region Access Point of the bucket has a public policy and RestrictPublicBuckets off at access-point, bucket and account level; live when the bucket policy delegates to it (`s3:DataAccessPointAccount` / `s3:DataAccessPointArn`) or is public itself',
    severity: 'CRITICAL if it grants write, delete, ACL or policy changes; HIGH for read/list; LOW when neutralised or the bucket does not let access points in',
  },
  S3_BUCKET_BPA_OFF: {
    verdict: 'Block Public Access off',
    reads: ['publicAccessBlock'], resource: 's3-bucket', controls: ['S3.8'], cis: ['2.1.4'], pages: 'own', remediation: 's3BucketPublicAccess',
    summary: 'any of the four bucket-level Block Public Access flags is off',
    severity: 'MEDIUM (LOW when the account level covers every missing flag)',
  },
  S3_ACCOUNT_BPA_OFF: {
    verdict: 'Account-level Block Public Access off',
    reads: ['accountPublicAccessBlock'], resource: 's3-account', controls: ['S3.1'], cis: ['2.1.4'], pages: 'account', remediation: 's3AccountPublicAccess',
    summary: 'any of the four account-level flags is off',
    severity: 'MEDIUM',
  },
  S3_TLS_NOT_ENFORCED: {
    verdict: 'TLS not enforced',
    reads: ['policy'], resource: 's3-bucket', controls: ['S3.5'], cis: ['2.1.1'], pages: 'own',
    summary: 'no Deny on `aws:SecureTransport = false` for all S3 actions on the objects',
    severity: 'LOW',
  },
  S3_ACLS_ENABLED: {
    verdict: 'ACLs enabled',
    reads: ['objectOwnership'], resource: 's3-bucket', controls: ['S3.12'], cis: [], pages: 'own',
    summary: 'Object Ownership is not BucketOwnerEnforced',
    severity: 'LOW',
  },
  S3_LOGGING_OFF: {
    verdict: 'Server access logging off',
    reads: ['logging'], resource: 's3-bucket', controls: ['S3.9'], cis: [], pages: 'own',
    summary: 'server access logging is off',
    severity: 'LOW',
  },
  SG_OPEN_ALL_TRAFFIC: {
    verdict: 'All traffic open to the internet',
    reads: ['IpPermissions', 'networkInterfaces'], resource: 'security-group', controls: ['EC2.18', 'EC2.19', 'EC2.53', 'EC2.54'], cis: ['5.3', '5.4'], pages: 'own', remediation: 'securityGroupIngress',
    summary: 'protocol -1, or TCP/UDP over every port, from the internet',
    severity: 'CRITICAL',
  },
  SG_OPEN_HIGH_RISK_PORT: {
    verdict: 'High-risk port open to the internet',
    reads: ['IpPermissions', 'networkInterfaces'], resource: 'security-group', controls: ['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19', 'EC2.53', 'EC2.54'], cis: ['5.3', '5.4'], pages: 'own', remediation: 'securityGroupIngress',
    summary: 'internet ingress to TCP 22, 3389 or a port of the EC2.19 list (configurable); UDP 22 or 3389 (EC2.53/54 count UDP for those two; EC2.13/14/19 are TCP-only, so any other UDP port is `SG_OPEN_UNAUTHORIZED_PORT`)',
    severity: 'CRITICAL for TCP; HIGH for UDP 22/3389 alone (EC2.53/54 only)',
  },
  SG_OPEN_UNAUTHORIZED_PORT: {
    verdict: 'Port open to the internet',
    reads: ['IpPermissions', 'networkInterfaces'], resource: 'security-group', controls: ['EC2.18'], cis: [], pages: 'own',
    summary: 'internet ingress to a TCP port outside `allowedPublicPorts` (default 80, 443) or any UDP port outside `allowedPublicUdpPorts` (default none); other protocols (ICMP, GRE …) open to the internet are LOW',
    severity: 'HIGH',
  },
  SG_DEFAULT_HAS_RULES: {
    verdict: 'Default security group has rules',
    reads: ['GroupName', 'IpPermissions', 'IpPermissionsEgress'], resource: 'security-group', controls: ['EC2.2'], cis: ['5.5'], pages: 'own',
    summary: 'a VPC default security group has any inbound or outbound rule',
    severity: 'MEDIUM',
  },
  EVALUATION_INCOMPLETE: {
    verdict: 'Could not be fully checked',
    reads: [], resource: 'any', controls: [], cis: [], pages: 'own',
    summary: 'a read the checks need failed (AccessDenied, an unresolvable prefix list, a listing error): which reads, why, and what each decides',
    severity: 'as high as what the unread field could hide, judged from what was read (a hidden policy under RestrictPublicBuckets could only be latent: LOW; a prefix list on an SSH rule: what SSH open to the world would be); `incompleteSeverity` (HIGH) where nothing bounds it',
  },
  GUARD_BLIND: {
    verdict: 'Exposure Guard is blind',
    reads: ['trails', 'canary'], resource: 'guard', controls: [], cis: [], pages: 'own',
    summary: 'no logging trail delivers this region\'s management write events to EventBridge (trails, their status and event selectors, shadow and organization trails included), or the sweep\'s canary change to the stack\'s own bucket never came back as an event',
    severity: 'CRITICAL',
  },
} as const satisfies Record<string, CheckFacts>;

export type CheckId = keyof typeof CHECKS;
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

/** The findings whose exposure a remediation mode's action closes. */
export function remediationConcerns<M extends keyof RemediationModes>(mode: M): (f: Pick<Finding, 'checkId'>) => f is FindingOf<RemediatedBy<M>> {
  return (f): f is FindingOf<RemediatedBy<M>> => (CHECKS[f.checkId] as CheckFacts).remediation === mode;
}

/** Whether a finding of this check sends its message from a result on this kind of resource. */
export function pagesOn(checkId: CheckId, resource: CheckResource): boolean {
  const { pages } = CHECKS[checkId] as CheckFacts;
  return pages === 'own' || resource === 's3-account';
}

/** The README's check table, rendered from the catalog. */
export function renderCheckTable(): string {
  const rows = CHECK_IDS.map((id) => {
    const c = CHECKS[id] as CheckFacts;
    return `| \`${id}\` | ${c.summary} | ${c.controls.join(' / ') || '—'} | ${c.cis.join(', ') || '—'} | ${c.severity} |`;
  });
  return ['| check id | what | FSBP control | CIS v5.0.0 | severity |', '|---|---|---|---|---|', ...rows].join('\n');
}
