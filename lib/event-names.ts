/**
 * The CloudTrail event names each EventBridge rule matches. lib does not import the Lambda code,
 * so these lists stand here; a test holds them equal to what `targets()` understands.
 */
export const S3_RULE_EVENT_NAMES = [
  'CreateBucket', 'PutBucketAcl', 'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
  'PutBucketWebsite', 'PutBucketLogging', 'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
];

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
