/**
 * A reads table names, for each thing a reader reads, the AWS call, the IAM action the deployed
 * function needs for it, and the error that means "read, and not configured". The readers, the
 * function roles (lib/), the CLI's snapshot validation and the tests' mock accounts derive from
 * the tables (s3/reads.ts, sg/reads.ts), so a new read cannot ship without its permission.
 */

/**
 * How far an action's grant can be narrowed, from the Service Authorization Reference:
 * - `bucket`: any bucket of this account (the event names it; S3 ARNs carry no account);
 * - `none`: the action supports no resource-level permission;
 * - `prefix-list`: any prefix list in the region (AWS-managed and shared lists have other owners);
 * - `own-prefix-list`: this account's prefix lists in the region;
 * - `access-point`, `multi-region-access-point`, `object-lambda-access-point`: this account's access points of that kind.
 */
export type GrantScope = 'bucket' | 'none' | 'prefix-list' | 'own-prefix-list' | 'access-point' | 'multi-region-access-point' | 'object-lambda-access-point';

export interface ReadRow {
  service: 'S3' | 'S3 Control' | 'EC2';
  /** The SDK command, without "Command" (paginated reads use the same command). */
  command: string;
  iam: string;
  grant: GrantScope;
  /** The error name that means "read, not configured", and the value it stands for. */
  notConfigured?: { error: string; value: unknown };
}

/** Every IAM action a set of tables needs, per grant scope, sorted: what lib/ grants. */
export function actionsByScope(...tables: Record<string, ReadRow>[]): Partial<Record<GrantScope, string[]>> {
  const out: Partial<Record<GrantScope, string[]>> = {};
  for (const row of tables.flatMap((t) => Object.values(t))) {
    const list = (out[row.grant] ??= []);
    if (!list.includes(row.iam)) list.push(row.iam);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}
