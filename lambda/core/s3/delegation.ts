/**
 * Delegation: a bucket policy statement that opens the bucket to everyone, pinned by nothing but
 * `s3:DataAccessPointAccount` / `s3:DataAccessPointArn`, is not public by itself [S3BPA]: it hands
 * access control to those access points. The bucket is then as exposed as they are.
 */
import { wildcardToRegExp } from './policy-document';
import type { PolicyVerdict, RestrictedStatement } from './policy';

export interface Delegation {
  sid?: string;
  index: number;
  /** Accounts whose access points it lets in (a StringEquals on s3:DataAccessPointAccount), if pinned. */
  accounts?: string[];
  /** Access point ARNs it lets in, if pinned; patterns when the operator is ArnLike/StringLike. */
  arns?: string[];
  /** How the ARN values compare: `like` (wildcards), `equals`, or `equals-ignore-case`. */
  arnMatch?: 'like' | 'equals' | 'equals-ignore-case';
  /** Whether it grants any write, delete, ACL or policy change (what access points could pass on). */
  writes: boolean;
}

const DELEGATING_KEYS = new Set(['s3:dataaccesspointaccount', 's3:dataaccesspointarn']);

function delegationOf(s: RestrictedStatement): Delegation | undefined {
  if (!s.restrictions.every((r) => DELEGATING_KEYS.has(r.key.toLowerCase()))) return undefined;
  // Conditions are ANDed: two account conditions allow only accounts in both.
  let accounts: string[] | undefined;
  let arns: string[] | undefined;
  let arnMatch: Delegation['arnMatch'];
  for (const r of s.restrictions) {
    if (r.key.toLowerCase() === 's3:dataaccesspointaccount') accounts = accounts ? accounts.filter((a) => r.values.includes(a)) : [...r.values];
    else {
      arns = arns ? arns.filter((a) => r.values.includes(a)) : [...r.values];
      arnMatch = /Like/.test(r.operator) ? 'like' : /IgnoreCase/.test(r.operator) ? 'equals-ignore-case' : 'equals';
    }
  }
  return {
    ...(s.sid ? { sid: s.sid } : {}), index: s.index, ...(accounts ? { accounts } : {}), ...(arns ? { arns } : {}), ...(arnMatch ? { arnMatch } : {}),
    writes: s.granted.writes.length > 0 || s.granted.permissionChanges.length > 0,
  };
}

/** The statements of a bucket policy that delegate to access points. */
export function delegationsOf(verdict: PolicyVerdict): Delegation[] {
  return verdict.restrictedStatements.map(delegationOf).filter((d): d is Delegation => d !== undefined);
}

/** `arn:aws:s3:eu-west-1:111122223333:accesspoint/name` → its account. */
export function accessPointAccount(arn: string): string | undefined {
  return /^arn:[a-z-]+:s3:[a-z0-9-]*:(\d{12}):accesspoint\//.exec(arn)?.[1];
}

/** Whether the delegation lets requests through this access point in. ArnLike patterns match case-sensitively, as IAM does. */
export function delegatesTo(d: Delegation, accessPointArn: string): boolean {
  const account = accessPointAccount(accessPointArn);
  if (d.accounts && !(account !== undefined && d.accounts.includes(account))) return false;
  const matches = (p: string) => (d.arnMatch === 'like' ? wildcardToRegExp(p, false).test(accessPointArn)
    : d.arnMatch === 'equals-ignore-case' ? p.toLowerCase() === accessPointArn.toLowerCase() : p === accessPointArn);
  if (d.arns && !d.arns.some(matches)) return false;
  return true;
}

/**
 * The accounts other than the bucket's whose access points a delegation lets in: their access
 * points and policies cannot be listed from here.
 */
export function foreignDelegations(delegations: Delegation[], bucketAccount: string | undefined): { delegation: Delegation; accounts: string[] }[] {
  if (!bucketAccount) return [];
  return delegations.flatMap((d) => {
    const named = [...(d.accounts ?? []), ...(d.arns ?? []).map((a) => accessPointAccount(a) ?? a)];
    const foreign = [...new Set(named.filter((a) => a !== bucketAccount))];
    // Pinned to this account by one condition, the other cannot widen it (ANDed).
    const pinnedHere = (d.accounts && !d.accounts.some((a) => a !== bucketAccount))
      || (d.arns && d.arns.every((a) => accessPointAccount(a) === bucketAccount));
    return foreign.length > 0 && !pinnedHere ? [{ delegation: d, accounts: foreign }] : [];
  });
}
