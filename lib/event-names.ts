/**
 * The CloudTrail event names each EventBridge rule matches. lib does not import the Lambda code,
 * so these lists stand here; a test holds them equal to what `targets()` understands.
 */
export const S3_RULE_EVENT_NAMES = [
  'CreateBucket', 'PutBucketAcl', 'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
  'PutBucketWebsite', 'PutBucketLogging', 'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
  // access points: their policy opens the bucket as far as the bucket's policy delegates to them
  'CreateAccessPoint', 'DeleteAccessPoint', 'PutAccessPointPolicy', 'DeleteAccessPointPolicy',
  // Multi-Region Access Points (recorded in us-west-2 only)
  'CreateMultiRegionAccessPoint', 'PutMultiRegionAccessPointPolicy', 'DeleteMultiRegionAccessPoint',
  // Object Lambda access points: they never allow anonymous access, but name the access point behind them
  'CreateAccessPointForObjectLambda', 'PutAccessPointConfigurationForObjectLambda', 'PutAccessPointPolicyForObjectLambda',
  'DeleteAccessPointPolicyForObjectLambda', 'DeleteAccessPointForObjectLambda',
];

/**
 * S3 Control calls are recorded with eventSource s3.amazonaws.com (as account-level Block Public
 * Access is); no recorded access-point event was found to confirm it, so the S3 Control name is
 * matched too: a rule that misses an event source is silent, one more name costs nothing.
 */
export const S3_RULE_EVENT_SOURCES = ['s3.amazonaws.com', 's3-control.amazonaws.com', 's3control.amazonaws.com'];

export const EC2_RULE_EVENT_NAMES = [
  'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup',
  // attachments: a latent world-open group becomes live when an interface with a public IP uses it
  'ModifyNetworkInterfaceAttribute', 'RunInstances', 'CreateNetworkInterface', 'ModifyInstanceAttribute',
  // reachability: the instance or interface of a group gains a public address
  'AssociateAddress', 'StartInstances', 'AssignIpv6Addresses',
  // prefix lists: their entries are the sources of every rule that names them
  'ModifyManagedPrefixList', 'RestoreManagedPrefixListVersion',
];
