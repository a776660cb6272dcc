import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket';

export interface GuardTrailProps {
  /** Days the log files are kept (the audit log's retention); 9999 or more keeps them for good. */
  readonly retentionDays: number;
}

/**
 * `createTrail`: a trail for accounts that have none, so EventBridge receives the API calls the
 * guard watches. Multi-region, management write events only (the guard needs no reads and no
 * data events, and they are what costs), log file validation, its own private bucket.
 */
export class GuardTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: GuardTrailProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Logs', {
      ...PRIVATE_BUCKET,
      versioned: true,
      lifecycleRules: [{
        id: 'Retention',
        ...(props.retentionDays < 9999 ? { expiration: Duration.days(props.retentionDays) } : {}),
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      // The record of who did what outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
      sendToCloudWatchLogs: false,
    });
  }
}
