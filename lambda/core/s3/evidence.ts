/** What each S3 finding shows, by check id: the JSON evidence the CLI prints and the audit log keeps. */
import type { BpaFlag, PublicAccessBlockFlags, Severity } from '../model/types';
import type { PublicGrant } from './acl';
import type { OracleEvidence } from './oracle';

/** A public statement as evidence shows it: the statement as written, and what it grants whom. */
export interface PublicStatementEvidence {
  statement: Record<string, unknown>;
  sid?: string;
  /** Its place in the policy's Statement list, from 0 (a statement without a Sid is named by it). */
  index: number;
  grantee: string;
  actions: string[];
  writeActions: string[];
  permissionChanges: string[];
  determined: boolean;
  /** What AWS's documentation leaves open about it, when the safer reading (public) was taken. */
  undeterminedBy?: string[];
  reading?: string;
  conditionsThatDoNotRestrict?: string[];
}

/** An exposure that Block Public Access or Object Ownership may neutralise today. */
interface Neutralisable {
  effectiveSeverity: Severity;
  severityIfNeutraliserRemoved: Severity;
  neutralisedBy?: string;
  /** Why it keeps full severity: the neutraliser could not be read. */
  note?: string;
}

export interface PolicyPublicEvidence extends Neutralisable, OracleEvidence {
  /** Empty when only AWS's own status says public (`oracle: "disagrees"`). */
  publicStatements: PublicStatementEvidence[];
  /** When only AWS says public: the statements it most likely counts (a condition made them non-public in our reading). */
  statementsAwsMayCount?: string[];
  website?: string;
  /** False when any statement was judged by the safer reading. */
  determined: boolean;
}

/** One path that exposes the bucket: an access point, what it grants, and what lets it through. */
export interface AccessPointExposure extends Neutralisable, OracleEvidence {
  /** The access point's ARN. */
  accessPoint: string;
  name: string;
  kind: 'access point' | 'multi-region access point';
  networkOrigin?: string;
  /** A Multi-Region Access Point's status (READY, CREATING …). */
  status?: string;
  publicStatements: (PublicStatementEvidence & { pending?: string })[];
  statementsAwsMayCount?: string[];
  /** How the bucket's own policy treats requests through it (delegation, public, or not at all). */
  bucketLetsIn: string;
  blockPublicAccess: { accessPoint: PublicAccessBlockFlags | null | undefined; bucket: PublicAccessBlockFlags | null | undefined; account: PublicAccessBlockFlags | null | undefined };
  determined: boolean;
  latent: boolean;
  /** Our reading was undetermined and AWS's own status says not public: reported LOW. */
  lowered?: true;
  /** The policy-level fix: access points cannot change their Block Public Access after creation. */
  fix: string;
}

export interface AccessPointPublicEvidence {
  accessPoints: AccessPointExposure[];
}

export interface AclPublicEvidence extends Neutralisable {
  publicGrants: PublicGrant[];
}

export interface BucketBpaEvidence {
  flagsOff: BpaFlag[];
  bucketPublicAccessBlock: PublicAccessBlockFlags | null | undefined;
  neutralisedBy?: string;
}

export interface AccountBpaEvidence {
  flagsOff: BpaFlag[];
  accountPublicAccessBlock: PublicAccessBlockFlags | null;
  /** After an account-level change: the pass over every bucket it could have exposed. */
  bucketsReEvaluated?: number;
  exposedBuckets?: number;
  exposed?: string[];
  exposedNotListed?: number;
  messagesNotDelivered?: string[];
}

export interface TlsEvidence {
  reason: string;
}

export interface AclsEnabledEvidence {
  objectOwnership: string | null | undefined;
}

export interface LoggingEvidence {
  logging: false;
}

export interface S3EvidenceByCheck {
  S3_POLICY_PUBLIC: PolicyPublicEvidence;
  S3_ACL_PUBLIC: AclPublicEvidence;
  S3_ACCESS_POINT_PUBLIC: AccessPointPublicEvidence;
  S3_BUCKET_BPA_OFF: BucketBpaEvidence;
  S3_ACCOUNT_BPA_OFF: AccountBpaEvidence;
  S3_TLS_NOT_ENFORCED: TlsEvidence;
  S3_ACLS_ENABLED: AclsEnabledEvidence;
  S3_LOGGING_OFF: LoggingEvidence;
}
