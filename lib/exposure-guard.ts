import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { runtimeSettings, type ExposureGuardConfig } from './config';
import { S3_RULE_EVENT_NAMES } from './event-names';
import { GuardFunction } from './guard-function';
import { grantPublishEncrypted } from './kms-grants';
import { Operations } from './operations';

export interface ExposureGuardProps {
  /** Validated configuration (see `parseConfig`). */
  readonly config: ExposureGuardConfig;
}

const HANDLERS = path.join(__dirname, '..', 'lambda', 'handlers');

/** The exact reads the bucket snapshot reader makes: nothing else. */
export const S3_READ_ACTIONS = [
  's3:GetBucketAcl', 's3:GetBucketLogging', 's3:GetBucketOwnershipControls', 's3:GetBucketPolicy',
  's3:GetBucketPublicAccessBlock', 's3:GetBucketTagging', 's3:GetBucketWebsite',
];

/**
 * Exposure Guard in one construct: EventBridge rules for the API calls that can expose data,
 * the functions that re-evaluate what they touched, the findings topic, and the dead-letter queue.
 */
export class ExposureGuard extends Construct {
  public readonly key: kms.Key;
  public readonly findingsTopic: sns.Topic;
  /** Alarms about the guard itself (lost events, failing functions). */
  public readonly opsTopic: sns.Topic;
  public readonly operations: Operations;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly s3Function: GuardFunction;
  public readonly s3Rule: events.Rule;

  constructor(scope: Construct, id: string, props: ExposureGuardProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'Exposure Guard: findings topic and dead-letter queue',
      enableKeyRotation: true,
    });

    this.findingsTopic = new sns.Topic(this, 'Findings', {
      displayName: 'Exposure Guard findings',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.opsTopic = new sns.Topic(this, 'Ops', {
      displayName: 'Exposure Guard operations',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of config.notificationEmails) {
      this.findingsTopic.addSubscription(new subscriptions.EmailSubscription(email));
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const environment = {
      TOPIC_ARN: this.findingsTopic.topicArn,
      GUARD_SETTINGS: JSON.stringify(runtimeSettings(config)),
    };

    this.s3Function = new GuardFunction(this, 'S3Evaluator', {
      entry: path.join(HANDLERS, 's3-event.ts'),
      description: 'Exposure Guard: re-evaluates S3 buckets and account Block Public Access after CloudTrail API calls',
      environment,
      logRetention: config.logRetentionDays,
      deadLetterQueue: this.deadLetterQueue,
      deadLetterKey: this.key,
    });
    grantPublishEncrypted(this.findingsTopic, this.key, this.s3Function.role);
    this.s3Function.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadBucketExposure',
      actions: S3_READ_ACTIONS,
      // Any bucket in the account may be the one a call touched; S3 offers no narrower ARN.
      resources: [`arn:${Aws.PARTITION}:s3:::*`],
    }));
    this.s3Function.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadAccountBlockPublicAccess',
      actions: ['s3:GetAccountPublicAccessBlock'],
      // s3:GetAccountPublicAccessBlock supports no resource-level permission.
      resources: ['*'],
    }));

    this.s3Rule = new events.Rule(this, 'S3Calls', {
      description: 'Exposure Guard: S3 API calls that can expose a bucket (successful calls only)',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          eventName: S3_RULE_EVENT_NAMES,
          errorCode: [{ exists: false }],
        },
      },
    });
    this.s3Rule.addTarget(this.ruleTarget(this.s3Function));

    // EventBridge writes undeliverable events into the KMS-encrypted queue, CloudWatch publishes
    // alarms to the encrypted ops topic. Naming the exact rule/alarm ARNs here would be a
    // dependency cycle (key → rule → function → role policy → key), so each grant is pinned to
    // this account's rules or alarms in this region.
    this.allowServiceToUseKey('EventBridgeDeadLetters', 'events.amazonaws.com', `arn:${Aws.PARTITION}:events:${stack.region}:${stack.account}:rule/*`);
    this.allowServiceToUseKey('CloudWatchAlarms', 'cloudwatch.amazonaws.com', `arn:${Aws.PARTITION}:cloudwatch:${stack.region}:${stack.account}:alarm:*`);

    this.operations = new Operations(this, 'Operations', {
      opsTopic: this.opsTopic,
      functions: [this.s3Function],
      deadLetterQueue: this.deadLetterQueue,
    });
  }

  private allowServiceToUseKey(sid: string, service: string, sourceArn: string): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': sourceArn } },
    }));
  }

  private ruleTarget(fn: GuardFunction): targets.LambdaFunction {
    return new targets.LambdaFunction(fn.function, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
    });
  }
}
