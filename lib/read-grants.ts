import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { actionsByScope, type GrantScope, type ReadRow } from '../lambda/core/model/reads';

/**
 * The read statements of a function's role, derived from the reads tables its code uses: one
 * statement per grant scope, holding exactly the tables' IAM actions. lib/ imports only these
 * tables from lambda/ (plain data, no SDK).
 */
export function readStatements(scope: Stack, ...tables: Record<string, ReadRow>[]): iam.PolicyStatement[] {
  const { account, region } = scope;
  const grants: Record<GrantScope, { sid: string; resources: string[]; conditions?: Record<string, unknown> }> = {
    // Any bucket in the account may be the one a call touched; S3 ARNs carry no account, so the
    // condition keeps the grant to this account's buckets.
    bucket: { sid: 'ReadBuckets', resources: [`arn:${Aws.PARTITION}:s3:::*`], conditions: { StringEquals: { 's3:ResourceAccount': account } } },
    // s3:GetAccountPublicAccessBlock, s3:ListAllMyBuckets and EC2's Describe* support no resource-level permissions.
    none: { sid: 'ReadWithoutResourceLevelPermissions', resources: ['*'] },
    // Prefix lists may be AWS-managed or shared from another account, so the owner is not known.
    'prefix-list': { sid: 'ReadPrefixListEntries', resources: [`arn:${Aws.PARTITION}:ec2:${region}:*:prefix-list/*`] },
    // ModifyManagedPrefixList events come from this account's own lists; only the owner may ask who uses one.
    'own-prefix-list': { sid: 'FindPrefixListUsers', resources: [`arn:${Aws.PARTITION}:ec2:${region}:${account}:prefix-list/*`] },
    // Access points live in their bucket's region, and every region's sweep reads every bucket.
    'access-point': { sid: 'ReadAccessPoints', resources: [`arn:${Aws.PARTITION}:s3:*:${account}:accesspoint/*`] },
    // Multi-Region Access Point ARNs have no region (arn:aws:s3::account:accesspoint/alias).
    'multi-region-access-point': { sid: 'ReadMultiRegionAccessPoints', resources: [`arn:${Aws.PARTITION}:s3::${account}:accesspoint/*`] },
    'object-lambda-access-point': { sid: 'FindObjectLambdaAccessPointBuckets', resources: [`arn:${Aws.PARTITION}:s3-object-lambda:${region}:${account}:accesspoint/*`] },
  };
  return Object.entries(actionsByScope(...tables)).map(([grant, actions]) => new iam.PolicyStatement({
    ...grants[grant as GrantScope], actions,
  }));
}
