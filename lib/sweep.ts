import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import type { GuardFunction } from './guard-function';
import type { LedgerTable } from './ledger-table';
import { readStatements } from './read-grants';
import { ACCESS_POINT_READS, BUCKET_LISTINGS, BUCKET_READS, MULTI_REGION_ACCESS_POINT_READS } from '../lambda/core/s3/reads';
import { GROUP_LISTINGS, GROUP_READS } from '../lambda/core/sg/reads';

export interface SweepProps {
  readonly schedule: string;
  readonly key: kms.IKey;
  readonly ledger: LedgerTable;
  readonly findingsTopic: sns.ITopic;
  /** Where a coordinator invocation that keeps failing, or a schedule that cannot invoke it, ends up. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Builds a function with the house defaults, the findings topic and the ledger (exposure-guard.ts). */
  readonly makeFunction: (id: string, handler: string, description: string, statements: iam.PolicyStatement[], timeout?: Duration) => GuardFunction;
  /** Workers at once: the sweep's rate cap on the account's S3 and EC2 APIs. */
  readonly maximumConcurrency: number;
}

/** Seconds a worker may run: a batch of 50 buckets (or 100 groups), with adaptive retries under throttling. */
const WORKER_TIMEOUT = Duration.minutes(5);

/**
 * The scheduled sweep: a coordinator on the schedule (and once right after the first deploy) lists
 * and enqueues; workers behind an event source mapping read, evaluate, remediate and record each
 * batch. A batch that keeps failing is kept in the sweep's own dead-letter queue (alarmed).
 */
export class Sweep extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly coordinator: GuardFunction;
  public readonly worker: GuardFunction;
  public readonly schedule: events.Rule;
  public readonly firstSweep: triggers.Trigger;

  constructor(scope: Construct, id: string, props: SweepProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true, retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Batches', {
      encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true,
      // AWS's advice for a Lambda event source: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    this.worker = props.makeFunction('SweepWorker', 'sweep-worker.ts',
      'Exposure Guard: evaluates one batch of the scheduled sweep (buckets or security groups)',
      readStatements(stack, BUCKET_READS, ACCESS_POINT_READS, MULTI_REGION_ACCESS_POINT_READS, GROUP_READS), WORKER_TIMEOUT);
    props.ledger.grant(this.worker.role, ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    this.worker.function.addEventSourceMapping('Batches', {
      eventSourceArn: this.queue.queueArn,
      batchSize: 5,
      reportBatchItemFailures: true,
      maxConcurrency: props.maximumConcurrency,
    });
    // What the event source mapping calls on the worker's behalf, and the key to read the messages.
    this.worker.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ConsumeSweepBatches',
      actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      resources: [this.queue.queueArn],
    }));
    this.worker.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadSweepBatches', actions: ['kms:Decrypt'], resources: [props.key.keyArn] }));

    this.coordinator = props.makeFunction('SweepCoordinator', 'sweep-coordinator.ts',
      'Exposure Guard: lists every bucket and security group and enqueues the sweep (never evaluates)',
      readStatements(stack, BUCKET_LISTINGS, GROUP_LISTINGS),
      // 1,000,000 buckets: 1,000 list pages and 2,000 queue calls, a few minutes at most.
      Duration.minutes(15));
    this.coordinator.function.addEnvironment('SWEEP_QUEUE_URL', this.queue.queueUrl);
    props.ledger.grant(this.coordinator.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    this.coordinator.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EnqueueSweepBatches', actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    this.coordinator.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteSweepBatches', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }));

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Exposure Guard: the scheduled sweep of every bucket and security group',
      schedule: events.Schedule.expression(props.schedule),
    });
    this.schedule.addTarget(new targets.LambdaFunction(this.coordinator.function, {
      deadLetterQueue: props.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(2),
    }));

    // The baseline on day one, not after the first scheduled run. Invoked asynchronously: the
    // deploy does not wait for the sweep, and a failing sweep does not fail the deploy (its
    // errors alarm like any other run's).
    this.firstSweep = new triggers.Trigger(this, 'FirstSweep', {
      handler: this.coordinator.function as unknown as lambda.Function,
      invocationType: triggers.InvocationType.EVENT,
      executeOnHandlerChange: false,
      executeAfter: [this.worker, this.queue, props.ledger],
    });
    Annotations.of(this.coordinator.function).acknowledgeWarning('@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias',
      'The trigger and the schedule invoke the function itself, unqualified; it has no version or alias.');
  }
}
