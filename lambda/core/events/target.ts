/** What an event asks the guard to re-evaluate: a resource, or something that leads to security groups. */
export type Target =
  | { type: 's3-bucket'; name: string; account?: string; region?: string }
  | { type: 'security-group'; groupId: string; account?: string; region?: string }
  | { type: 's3-account'; account: string; region?: string }
  // Calls that change who can reach a group, not its rules: the handler resolves them to the
  // security groups they concern (the instance's or interface's groups, the list's users).
  | { type: 'ec2-instance'; instanceId: string; account?: string; region?: string }
  | { type: 'network-interface'; networkInterfaceId: string; account?: string; region?: string }
  | { type: 'prefix-list'; prefixListId: string; account?: string; region?: string }
  // S3 Control calls name an access point, not its bucket: the S3 handler resolves them to the
  // bucket(s) behind it. `deleted`: the access point is gone, so only the ledger can name its bucket.
  | { type: 'access-point'; name: string; account?: string; region?: string; deleted?: true }
  | { type: 'multi-region-access-point'; name: string; account?: string; region?: string; deleted?: true }
  | { type: 'object-lambda-access-point'; name: string; account?: string; region?: string }
  // Never from an event: the sweep's check of the guard's own sight (GUARD_BLIND).
  | { type: 'guard'; account: string; region: string };

export interface TargetsResult {
  targets: Target[];
  skipped: string | null;
}

export function targetId(t: Target): string {
  switch (t.type) {
    case 's3-bucket':
      return t.name;
    case 'security-group':
      return t.groupId;
    case 's3-account':
      return t.account;
    case 'ec2-instance':
      return t.instanceId;
    case 'network-interface':
      return t.networkInterfaceId;
    case 'prefix-list':
      return t.prefixListId;
    case 'access-point':
      return `accesspoint/${t.name}`;
    case 'multi-region-access-point':
      return `multi-region-accesspoint/${t.name}`;
    case 'object-lambda-access-point':
      return `object-lambda-accesspoint/${t.name}`;
    case 'guard':
      return `guard:${t.region}`;
  }
}
