import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EncryptedQueueDestination } from './kms-grants';

export interface GuardFunctionProps {
  /** Path of the handler's TypeScript entry file. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Merged over the house defaults (source maps, Powertools service name). */
  readonly environment?: Record<string, string>;
  /** Retention of the function's audit log group. */
  readonly logRetention: logs.RetentionDays;
  /** Where failed asynchronous invocations go after Lambda's retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The key that encrypts the dead-letter queue. */
  readonly deadLetterKey: kms.IKey;
  /** @default Duration.seconds(120): several sequential rounds of calls, each bounded by the SDK timeouts */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
}

/**
 * One Lambda function with the house defaults: current Node.js runtime on arm64, bundled by the
 * local esbuild, its own log group with retention, a role that can write only to that log group
 * (no AWSLambdaBasicExecutionRole), async retries and an on-failure destination.
 */
export class GuardFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GuardFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // The audit trail outlives the stack: auditors query it after an incident.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (least privilege)`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(120),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new EncryptedQueueDestination(props.deadLetterQueue, props.deadLetterKey),
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        format: nodejs.OutputFormat.CJS,
        // The SDK's ES modules let esbuild drop the commands we never send: a third of the bytes
        // and of the init time (docs/benchmarks.md). Output stays CommonJS.
        mainFields: ['module', 'main'],
        // The SDK is bundled: the deployed code runs the exact SDK version the tests ran.
        externalModules: [],
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'exposure-guard',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
  }
}
