/**
 * The contracts the README documents: snapshots (what evaluation reads), findings and the evaluation
 * result (what the CLI prints, the audit log records and the notification carries).
 *
 * Snapshot convention: a field that is absent means "not read / unknown"; `null` means
 * "read, and not configured". Unknown never turns into COMPLIANT.
 */
import type { CheckId } from '../checks';
import type { SgEvidenceRule } from '../sg/evidence';

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Check ids, and everything about them but their logic: lambda/core/checks.ts. */
export type { CheckId } from '../checks';

export interface PublicAccessBlockFlags {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}
export const BPA_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
export type BpaFlag = (typeof BPA_FLAGS)[number];

export interface AclGrantee {
  Type?: string;
  URI?: string;
  ID?: string;
  DisplayName?: string;
  EmailAddress?: string;
}
export interface AclGrant {
  Grantee?: AclGrantee;
  Permission?: string;
}
/** The GetBucketAcl output shape. */
export interface BucketAcl {
  Owner?: { ID?: string; DisplayName?: string };
  Grants?: AclGrant[];
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

/**
 * An access point on the bucket: its own policy and Block Public Access decide what it lets
 * through, within what the bucket lets access points do. A Multi-Region Access Point has the same
 * shape and no network origin (it is always reachable from the internet).
 */
export interface AccessPointSnapshot {
  name: string;
  arn: string;
  /** `Internet` or `VPC` (ListAccessPoints); a VPC access point is never public. */
  networkOrigin?: string;
  vpcId?: string;
  publicAccessBlock?: PublicAccessBlockFlags | null;
  /** The policy document or its JSON text; null for "no policy". */
  policy?: unknown;
  /** A Multi-Region Access Point's policy that is still being applied (GetMultiRegionAccessPointPolicy Proposed). */
  proposedPolicy?: unknown;
  /** AWS's own IsPublic for the policy (GetAccessPointPolicyStatus); null for "no policy". */
  policyStatus?: boolean | null;
  /** A Multi-Region Access Point's status (READY, CREATING, …). */
  status?: string;
  unreadable?: Record<string, string>;
}

export interface BucketSnapshot {
  name: string;
  account?: string;
  region?: string;
  /** A parsed policy document, the policy JSON string, or null for "no bucket policy". */
  policy?: unknown;
  acl?: BucketAcl | null;
  publicAccessBlock?: PublicAccessBlockFlags | null;
  accountPublicAccessBlock?: PublicAccessBlockFlags | null;
  objectOwnership?: ObjectOwnership | string | null;
  /**
   * AWS's own verdict on the bucket policy (GetBucketPolicyStatus IsPublic); null for "no policy".
   * A second opinion: without it (offline, or not readable) the evaluator's safer reading stands.
   */
  policyStatus?: boolean | null;
  /** This account's access points on the bucket, in its region; [] for none. */
  accessPoints?: AccessPointSnapshot[];
  /** This account's Multi-Region Access Points that include the bucket; [] for none. */
  multiRegionAccessPoints?: AccessPointSnapshot[];
  /**
   * null (a snapshot file's "read, not configured") is logging off, website hosting off, no tags.
   * Logging on is where the logs go (the reader knows), or true (a snapshot file may not say).
   */
  logging?: boolean | LoggingTarget | null;
  website?: boolean | null;
  tags?: Record<string, string> | null;
  /** Why a field is absent, when the reader knows (e.g. "policy: AccessDenied"). */
  unreadable?: Record<string, string>;
}

/** Where S3 server access logs of a bucket are delivered (GetBucketLogging's LoggingEnabled). */
export interface LoggingTarget {
  targetBucket: string;
  targetPrefix?: string;
}

export interface AccountSnapshot {
  account: string;
  region?: string;
  accountPublicAccessBlock?: PublicAccessBlockFlags | null;
  unreadable?: Record<string, string>;
}

/** `guard`: the guard's own event path in one account and region (GUARD_BLIND). */
export type ResourceType = 's3-bucket' | 'security-group' | 's3-account' | 'guard';

export interface ResourceRef {
  type: ResourceType;
  id: string;
  account?: string;
  region?: string;
}

/** A finding, typed by its check id: lambda/core/findings.ts. */
export type { Finding, FindingOf } from '../findings';
import type { Finding } from '../findings';

export type Status = 'COMPLIANT' | 'NON_COMPLIANT' | 'INCOMPLETE';

/**
 * The design's four outcomes, plus two honest skips: SKIPPED_UNKNOWN (the state could not be read,
 * so a change could not be verified) and SKIPPED_UNSAFE (acting would break allowed access).
 */
export type RemediationOutcome = 'APPLIED' | 'DRY_RUN' | 'SKIPPED_EXEMPT' | 'SKIPPED_UNKNOWN' | 'SKIPPED_UNSAFE' | 'FAILED';

/** A rule remediation revoked, and the one command that puts it back. */
export interface RevokedRule {
  securityGroupRuleId: string;
  protocol: string;
  ports: string;
  source: string;
  description?: string;
  restore: string;
}

export interface RemediationReport {
  action: string;
  outcome: RemediationOutcome;
  mode: 'dry-run' | 'enforce';
  detail: string;
  verified?: boolean;
  error?: { name: string; message: string };
  /** Block Public Access: the flags turned on, and the configuration before. */
  flagsTurnedOn?: BpaFlag[];
  previous?: PublicAccessBlockFlags | null;
  /** Security groups: what was revoked (as EC2 reads it back), what was left and why, what is still there. */
  revoked?: RevokedRule[];
  kept?: { rule: SgEvidenceRule; reason: string }[];
  stillPresent?: string[];
  /** The findings as they stand after the change. */
  after?: { checkId: CheckId; severity: Severity; latent: boolean }[];
}

/** Who did what, from the CloudTrail record that led to this evaluation. */
export interface Trigger {
  eventName: string;
  eventId?: string;
  actor?: string;
  sourceIp?: string;
  time?: string;
  userAgent?: string;
}

export interface EvaluationResult {
  resource: ResourceRef;
  status: Status;
  findings: Finding[];
  /** Snapshot fields that could not be read, so the checks that need them did not run. */
  unknown: string[];
  /** Why each unknown field is unknown, when known. */
  unknownReasons?: Record<string, string>;
  /**
   * Fields a snapshot file left out that came after the DESIGN snapshot contract (a bucket's
   * access points): the checks that need them did not run, and this says so. Never set by the
   * deployed guard or `scan`, whose reader reads every field or names why it could not.
   */
  notChecked?: Record<string, string>;
  /**
   * AWS's own policy status reads that failed (by policy holder: `bucket`, or an access point ARN):
   * the safer reading stood, and the OracleUnavailable metric counts them.
   */
  oracleUnread?: Record<string, string>;
  remediation?: RemediationReport;
  trigger?: Trigger;
  /**
   * A bucket's S3 server access logging as read: whether a record of who read or wrote its objects
   * exists, and where (`s3://bucket/prefix`). Told beside an exposure ("was data read?").
   */
  serverAccessLogs?: { state: 'on'; location?: string } | { state: 'off' } | { state: 'unknown'; reason?: string };
}

/* ---- Security groups: the DescribeSecurityGroups item shape, plus what the reader adds ---- */

export interface SgIpRange { CidrIp?: string; Description?: string }
export interface SgIpv6Range { CidrIpv6?: string; Description?: string }
export interface SgPrefixListId { PrefixListId?: string; Description?: string }
export interface SgUserIdGroupPair { GroupId?: string; GroupName?: string; UserId?: string; VpcId?: string; Description?: string }

export interface SgIpPermission {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: SgIpRange[];
  Ipv6Ranges?: SgIpv6Range[];
  PrefixListIds?: SgPrefixListId[];
  UserIdGroupPairs?: SgUserIdGroupPair[];
}

/** One item of DescribeSecurityGroupRules: a single source, with its sgr- id. */
export interface SgRule {
  SecurityGroupRuleId?: string;
  GroupId?: string;
  IsEgress?: boolean;
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupInfo?: { GroupId?: string; UserId?: string; VpcId?: string };
  Description?: string;
}

/** A network interface that uses the group (DescribeNetworkInterfaces filtered by group-id). */
export interface SgAttachment {
  NetworkInterfaceId: string;
  /** The public IPv4 address associated with the interface, if any. */
  PublicIp?: string;
  /** IPv6 addresses are globally routable, so any makes the interface reachable from the internet. */
  Ipv6Addresses?: string[];
  InstanceId?: string;
  InterfaceType?: string;
  Description?: string;
}

export interface SecurityGroupSnapshot {
  GroupId: string;
  GroupName?: string;
  VpcId?: string;
  OwnerId?: string;
  Description?: string;
  IpPermissions?: SgIpPermission[];
  IpPermissionsEgress?: SgIpPermission[];
  Tags?: { Key?: string; Value?: string }[];
  account?: string;
  region?: string;
  /** DescribeSecurityGroupRules for the group (gives each rule its id); absent = not read. */
  rules?: SgRule[];
  /** Resolved managed prefix lists: id → CIDRs. A prefix list missing here is unresolved. */
  prefixLists?: Record<string, string[]>;
  /** Interfaces using the group; absent = not read, [] = attached to nothing. */
  networkInterfaces?: SgAttachment[];
  unreadable?: Record<string, string>;
}
