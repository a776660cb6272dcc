import * as s3 from 'aws-cdk-lib/aws-s3';

/** The stack's own buckets (the canary, the trail's logs): encrypted, never public, ACLs off, TLS only. */
export const PRIVATE_BUCKET: Pick<s3.BucketProps, 'encryption' | 'blockPublicAccess' | 'objectOwnership' | 'enforceSSL'> = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
};
