/**
 * What every Lambda entry point shares: settings and clients built once per container (at
 * init, failing fast on bad configuration), then one pipeline run per event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { LocalClientFactory } from '../adapters/clients';
import { CanaryStore } from '../adapters/canary-store';
import { LedgerStore } from '../adapters/ledger-store';
import { EmfMetricsSink } from '../adapters/metrics';
import { SnsNotifier } from '../adapters/sns-notifier';
import { settingsFromEnv } from '../core/model/settings';
import { processEvent, requireEnv, whereFromFunctionArn, type Evaluator, type Expander, type PipelineDeps, type TargetOutcome } from '../app/pipeline';

/** The container's shared parts: every entry point builds them the same way. */
export function baseDeps() {
  const settings = settingsFromEnv(process.env);
  const topicArn = requireEnv(process.env, 'TOPIC_ARN');
  const logger = new Logger({ serviceName: 'exposure-guard' });
  const clients = new LocalClientFactory();
  const notifier = new SnsNotifier(clients.client(SNSClient, {}), topicArn);
  const metrics = new EmfMetricsSink();
  const table = process.env.LEDGER_TABLE;
  const dynamodb = table ? clients.client(DynamoDBClient, {}) : undefined;
  const store = table && dynamodb ? new LedgerStore(dynamodb, table) : undefined;
  return { settings, logger, clients, notifier, metrics, table, dynamodb, store, ownRoleName: process.env.GUARD_ROLE_NAME, auditLogGroup: process.env.AWS_LAMBDA_LOG_GROUP_NAME };
}

/** The S3 function's view of the sweep's canary: which bucket, written by which role. */
function canaryFromEnv(dynamodb: DynamoDBClient | undefined, table: string | undefined): PipelineDeps['canary'] {
  const bucket = process.env.CANARY_BUCKET;
  const writerRole = process.env.CANARY_WRITER_ROLE;
  if (!bucket || !writerRole || !dynamodb || !table) return undefined;
  return { bucket, writerRole, store: new CanaryStore(dynamodb, table) };
}

export function createEventHandler(evaluate: Evaluator, expand?: Expander): (event: unknown, context: Context) => Promise<TargetOutcome[]> {
  const { settings, logger, clients, notifier, metrics, store, ownRoleName, auditLogGroup, dynamodb, table } = baseDeps();
  const canary = canaryFromEnv(dynamodb, table);
  return async (event, context) => {
    const receivedAt = new Date();
    logger.addContext(context);
    const where = whereFromFunctionArn(context.invokedFunctionArn);
    const deps: PipelineDeps = {
      settings, clients, notifier, logger, metrics, ownRoleName, auditLogGroup, defaultAccount: where.account, defaultRegion: where.region, receivedAt,
      ...(canary ? { canary } : {}),
      // Long work stops taking new items 45 s before Lambda would stop it (a bucket in flight can take
      // ~30 s of retried, time-limited calls), to report what it did not reach.
      deadline: Date.now() + (context.getRemainingTimeInMillis?.() ?? 60_000) - 45_000,
      ...(store ? { ledger: { store, now: () => new Date() } } : {}),
    };
    return processEvent(event, deps, evaluate, expand);
  };
}
