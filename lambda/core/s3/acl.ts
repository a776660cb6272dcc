import type { AclGrant, BucketAcl } from '../model/types';

/** The two predefined groups S3 calls public (LogDelivery is not one of them). */
export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

const PUBLIC_GROUPS: Record<string, string> = {
  [ALL_USERS.toLowerCase()]: 'AllUsers (anyone on the internet)',
  [AUTHENTICATED_USERS.toLowerCase()]: 'AuthenticatedUsers (any AWS account)',
};

const WRITE_PERMISSIONS = new Set(['WRITE', 'WRITE_ACP', 'FULL_CONTROL']);

export interface PublicGrant {
  grantee: string;
  uri: string;
  permission: string;
  /** WRITE, WRITE_ACP or FULL_CONTROL: anyone can write objects or take over the ACL. */
  write: boolean;
}

function publicGroup(grant: AclGrant): string | undefined {
  const uri = grant.Grantee?.URI;
  if (typeof uri !== 'string') return undefined;
  const normalised = uri.trim().toLowerCase().replace(/^https:/, 'http:');
  return PUBLIC_GROUPS[normalised];
}

export function publicGrants(acl: BucketAcl): PublicGrant[] {
  const grants = Array.isArray(acl.Grants) ? acl.Grants : [];
  const out: PublicGrant[] = [];
  for (const grant of grants) {
    const grantee = publicGroup(grant);
    if (!grantee) continue;
    const permission = String(grant.Permission ?? 'UNKNOWN').toUpperCase();
    // An unrecognised permission to a public group is treated as the worst case.
    const write = WRITE_PERMISSIONS.has(permission) || !['READ', 'READ_ACP'].includes(permission);
    out.push({ grantee, uri: grant.Grantee?.URI ?? '', permission, write });
  }
  return out;
}
