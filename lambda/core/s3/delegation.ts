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
  /** Access point ARNs (the name may be a wildcard) it lets in, if pinned. */
  arns?: string[];
}

const DELEGATING_KEYS = new Set(['s3:dataaccesspointaccount', 's3:dataaccesspointarn']);

function delegationOf(s: RestrictedStatement): Delegation | undefined {
  if (!s.restrictions.every((r) => DELEGATING_KEYS.has(r.key.toLowerCase()))) return undefined;
  // Conditions are ANDed: two account conditions allow only accounts in both.
  let accounts: string[] | undefined;
  let arns: string[] | undefined;
  for (const r of s.restrictions) {
    if (r.key.toLowerCase() === 's3:dataaccesspointaccount') accounts = accounts ? accounts.filter((a) => r.values.includes(a)) : [...r.values];
    else arns = arns ? arns.filter((a) => r.values.includes(a)) : [...r.values];
  }
  return { ...(s.sid ? { sid: s.sid } : {}), index: s.index, ...(accounts ? { accounts } : {}), ...(arns ? { arns } : {}) };
}

/** The statements of a bucket policy that delegate to access points. */
export function delegationsOf(verdict: PolicyVerdict): Delegation[] {
  return verdict.restrictedStatements.map(delegationOf).filter((d): d is Delegation => d !== undefined);
}

/** `arn:aws:s3:eu-west-1:111122223333:accesspoint/name` → its account. */
export function accessPointAccount(arn: string): string | undefined {
  return /^arn:[a-z-]+:s3:[a-z0-9-]*:(\d{12}):accesspoint\//.exec(arn)?.[1];
}

/** Whether the delegation lets requests through this access point in. ARN patterns match case-sensitively, as ArnLike does. */
export function delegatesTo(d: Delegation, accessPointArn: string): boolean {
  const account = accessPointAccount(accessPointArn);
  if (d.accounts && !(account !== undefined && d.accounts.includes(account))) return false;
  if (d.arns && !d.arns.some((p) => wildcardToRegExp(p, false).test(accessPointArn))) return false;
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
