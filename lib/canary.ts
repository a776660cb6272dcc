import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket';
import type { GuardFunction } from './guard-function';

export interface GuardCanaryProps {
  /** The sweep's coordinator: writes the canary once per run and judges the one before. */
  readonly writer: GuardFunction;
  /** The S3 event function: recognises the canary's event and records the heartbeat. */
  readonly reader: GuardFunction;
}

/**
 * The end-to-end proof that the event path works (GUARD_BLIND): a private bucket of the stack's
 * own, empty for good, whose Block Public Access the sweep re-applies each run. The write is
 * idempotent and matched by the S3 rule; its event coming back is the heartbeat.
 */
export class GuardCanary extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: GuardCanaryProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      // It never holds an object, so nothing is lost with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    props.writer.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteCanary',
      actions: ['s3:PutBucketPublicAccessBlock'],
      resources: [this.bucket.bucketArn],
      conditions: { StringEquals: { 's3:ResourceAccount': Stack.of(this).account } },
    }));
    // Shadow trails (another home region) and an organization's trail (another account) are read by ARN.
    props.writer.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTrails',
      actions: ['cloudtrail:DescribeTrails'],
      resources: ['*'],
    }));
    props.writer.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTrailStatus',
      actions: ['cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus'],
      resources: [`arn:${Aws.PARTITION}:cloudtrail:*:*:trail/*`],
    }));
    props.writer.function.addEnvironment('CANARY_BUCKET', this.bucket.bucketName);
    props.reader.function.addEnvironment('CANARY_BUCKET', this.bucket.bucketName);
    props.reader.function.addEnvironment('CANARY_WRITER_ROLE', props.writer.role.roleName);
  }
}
