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
import { parseConfig, runtimeSettings, type ExposureGuardConfig, type ExposureGuardOptions } from './config';
import { EC2_RULE_EVENT_NAMES, S3_RULE_EVENT_NAMES, S3_RULE_EVENT_SOURCES } from './event-names';
import { GuardFunction } from './guard-function';
import { grantPublishEncrypted } from './kms-grants';
import { Operations } from './operations';
import { readStatements } from './read-grants';
import { ACCESS_POINT_LOOKUPS, ACCESS_POINT_READS, BUCKET_LISTINGS, BUCKET_READS, MULTI_REGION_ACCESS_POINT_READS } from '../lambda/core/s3/reads';
import { GROUP_LOOKUPS, GROUP_READS } from '../lambda/core/sg/reads';
import { LedgerTable } from './ledger-table';
import { Sweep } from './sweep';
import { GuardCanary } from './canary';
import { GuardTrail } from './trail';

export interface ExposureGuardProps {
  /**
   * The configuration, validated here: an unknown key or a wrong type throws a ConfigError naming
   * the key, at synth. The object itself, its JSON text, or an already parsed config.
   * @default {} (every key at its default: notify-only, nothing remediated)
   */
  readonly config?: ExposureGuardOptions | ExposureGuardConfig | string;
}

const HANDLERS = path.join(__dirname, '..', 'lambda', 'handlers');

/** `rate(6 hours)` → 21600; a cron schedule has no fixed interval (undefined). */
export function rateSeconds(schedule: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.trim());
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60 : m[2]!.startsWith('hour') ? 3_600 : 86_400;
  return Number(m[1]) * unit;
}

/** Sweep workers at once (the event source mapping's maximumConcurrency, 2 to 1000): the sweep's cap on the account's API rates. */
export const SWEEP_MAXIMUM_CONCURRENCY = 10;

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
  public readonly securityGroupFunction: GuardFunction;
  public readonly securityGroupRule: events.Rule;
  public readonly ledger: LedgerTable;
  public readonly sweep: Sweep;
  public readonly canary: GuardCanary;
  /** The trail `createTrail` adds, if set. */
  public readonly trail?: GuardTrail;

  constructor(scope: Construct, id: string, props: ExposureGuardProps = {}) {
    super(scope, id);
    const config = parseConfig(props.config ?? {});
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'Exposure Guard: findings and operations topics, queues, findings ledger',
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
    // enforceSSL gives each topic a policy of its own, which replaces SNS's default one: without
    // this statement CloudWatch could not publish, and every alarm about the guard would be lost.
    this.opsTopic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.opsTopic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }));
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

    this.ledger = new LedgerTable(this, 'Ledger', this.key);
    const environment = {
      TOPIC_ARN: this.findingsTopic.topicArn,
      GUARD_SETTINGS: JSON.stringify(runtimeSettings(config)),
      LEDGER_TABLE: this.ledger.table.tableName,
    };
    const evaluator = (id: string, handler: string, description: string, statements: iam.PolicyStatement[], timeout?: Duration) => {
      const fn = new GuardFunction(this, id, {
        entry: path.join(HANDLERS, handler),
        description,
        environment,
        logRetention: config.logRetentionDays,
        deadLetterQueue: this.deadLetterQueue,
        deadLetterKey: this.key,
        ...(timeout ? { timeout } : {}),
      });
      grantPublishEncrypted(this.findingsTopic, this.key, fn.role);
      // Lets the function recognise its own remediation calls when CloudTrail hands them back.
      fn.function.addEnvironment('GUARD_ROLE_NAME', fn.role.roleName);
      for (const statement of statements) fn.role.addToPrincipalPolicy(statement);
      return fn;
    };

    this.s3Function = evaluator('S3Evaluator', 's3-event.ts',
      'Exposure Guard: re-evaluates S3 buckets and account Block Public Access after CloudTrail API calls',
      readStatements(stack, BUCKET_READS, ACCESS_POINT_READS, MULTI_REGION_ACCESS_POINT_READS, ACCESS_POINT_LOOKUPS, BUCKET_LISTINGS));
    this.s3Rule = this.apiCallRule('S3Calls', 'Exposure Guard: S3 API calls that can expose a bucket (successful calls only)',
      'aws.s3', S3_RULE_EVENT_SOURCES, S3_RULE_EVENT_NAMES, this.s3Function);

    this.securityGroupFunction = evaluator('SecurityGroupEvaluator', 'sg-event.ts',
      'Exposure Guard: re-evaluates security groups after CloudTrail rule and attachment calls',
      readStatements(stack, GROUP_READS, GROUP_LOOKUPS));
    // A deleted access point cannot name its bucket: the S3 function finds the open findings that name it by a Scan.
    this.ledger.grant(this.s3Function.role, ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
    this.ledger.grant(this.securityGroupFunction.role, ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);

    this.sweep = new Sweep(this, 'Sweep', {
      schedule: config.sweepSchedule, key: this.key, ledger: this.ledger, findingsTopic: this.findingsTopic,
      deadLetterQueue: this.deadLetterQueue, makeFunction: evaluator, maximumConcurrency: SWEEP_MAXIMUM_CONCURRENCY,
    });
    this.grantRemediation(config);
    this.canary = new GuardCanary(this, 'Canary', { writer: this.sweep.coordinator, reader: this.s3Function });
    this.sweep.coordinator.function.addEnvironment('OPS_TOPIC_ARN', this.opsTopic.topicArn);
    grantPublishEncrypted(this.opsTopic, this.key, this.sweep.coordinator.role);
    if (config.createTrail) this.trail = new GuardTrail(this, 'Trail', { retentionDays: config.logRetentionDays });

    this.securityGroupRule = this.apiCallRule('Ec2Calls',
      'Exposure Guard: EC2 calls that change security-group ingress or attach groups (successful calls only)',
      'aws.ec2', ['ec2.amazonaws.com'], EC2_RULE_EVENT_NAMES, this.securityGroupFunction);
    // The first sweep writes the first canary: the path it must come back through (the trail, the
    // S3 rule and its function) exists before it runs, or the next run would call it silent.
    this.sweep.firstSweep.executeAfter(this.s3Rule, this.s3Function, this.canary, ...(this.trail ? [this.trail] : []));

    // EventBridge writes undeliverable events into the KMS-encrypted queue, CloudWatch publishes
    // alarms to the encrypted ops topic. Naming the exact rule/alarm ARNs here would be a
    // dependency cycle (key → rule → function → role policy → key), so each grant is pinned to
    // this account's rules or alarms in this region.
    this.allowServiceToUseKey('EventBridgeDeadLetters', 'events.amazonaws.com', `arn:${Aws.PARTITION}:events:${stack.region}:${stack.account}:rule/*`);
    // CloudWatch's documented key policy for alarms on an encrypted topic has no source conditions
    // (it is not known to send aws:SourceArn to KMS); a condition it does not send would silence
    // every alarm. The key only serves this stack's topics and queue, which CloudWatch can reach
    // only through our own alarms.
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }));

    this.operations = new Operations(this, 'Operations', {
      opsTopic: this.opsTopic,
      functions: [this.s3Function, this.securityGroupFunction, this.sweep.coordinator, this.sweep.worker],
      deadLetterQueues: [
        { id: 'DeadLetters', queue: this.deadLetterQueue, what: 'an event or invocation reached the dead-letter queue, so a change went unevaluated' },
        { id: 'SweepDeadLetters', queue: this.sweep.deadLetterQueue, what: 'a sweep batch failed three times and is kept in the sweep\'s dead-letter queue, so its resources were not swept and the run sends no digest' },
      ],
      ...(rateSeconds(config.sweepSchedule) !== undefined ? { sweepIntervalSeconds: rateSeconds(config.sweepSchedule) } : {}),
    });
  }

  /**
   * Write permissions exist only for `enforce` modes (dry-run writes nothing), each the one action
   * its remediation calls, scoped as far as the service allows.
   */
  private grantRemediation(config: ExposureGuardConfig): void {
    const { remediation } = config;
    // The sweep's worker remediates what it finds, like the event path.
    const s3Roles = [this.s3Function.role, this.sweep.worker.role];
    const sgRoles = [this.securityGroupFunction.role, this.sweep.worker.role];
    if (remediation.s3BucketPublicAccess === 'enforce') {
      for (const role of s3Roles) role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'RemediateBucketPublicAccess',
        actions: ['s3:PutBucketPublicAccessBlock'],
        resources: [`arn:${Aws.PARTITION}:s3:::*`],
        conditions: { StringEquals: { 's3:ResourceAccount': Stack.of(this).account } },
      }));
      // Defence in depth: exempt buckets whose patterns IAM can express are denied the write outright.
      const iamPatterns = config.exemptBuckets.filter((p) => /^[A-Za-z0-9._*?-]+$/.test(p));
      if (iamPatterns.length > 0) {
        for (const role of s3Roles) role.addToPrincipalPolicy(new iam.PolicyStatement({
          sid: 'NeverRemediateExemptBuckets',
          effect: iam.Effect.DENY,
          actions: ['s3:PutBucketPublicAccessBlock'],
          resources: iamPatterns.map((p) => `arn:${Aws.PARTITION}:s3:::${p}`),
        }));
      }
    }
    if (remediation.s3AccountPublicAccess === 'enforce') {
      for (const role of s3Roles) role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'RemediateAccountPublicAccess',
        actions: ['s3:PutAccountPublicAccessBlock'],
        // s3:PutAccountPublicAccessBlock supports no resource-level permission.
        resources: ['*'],
      }));
    }
    if (remediation.securityGroupIngress === 'enforce') {
      const stack = Stack.of(this);
      for (const role of sgRoles) role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'RevokeWorldOpenIngress',
        actions: ['ec2:RevokeSecurityGroupIngress'],
        // Revoking by SecurityGroupRuleIds may also be authorised against the rules themselves.
        resources: [
          `arn:${Aws.PARTITION}:ec2:${stack.region}:${stack.account}:security-group/*`,
          `arn:${Aws.PARTITION}:ec2:${stack.region}:${stack.account}:security-group-rule/*`,
        ],
      }));
    }
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

  /** CloudTrail API calls of one service, failed calls filtered out, delivered with retries and a DLQ. */
  private apiCallRule(id: string, description: string, source: string, eventSources: string[], eventNames: string[], fn: GuardFunction): events.Rule {
    const rule = new events.Rule(this, id, {
      description,
      eventPattern: {
        source: [source],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: eventSources, eventName: eventNames, errorCode: [{ exists: false }] },
      },
    });
    rule.addTarget(new targets.LambdaFunction(fn.function, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
    }));
    return rule;
  }
}
