/**
 * What every Lambda entry point shares: settings and clients built once per container (at
 * init, failing fast on bad configuration), then one pipeline run per event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { LocalClientFactory } from '../adapters/clients';
import { EmfMetricsSink } from '../adapters/metrics';
import { SnsNotifier } from '../adapters/sns-notifier';
import { settingsFromEnv } from '../core/model/settings';
import { processEvent, requireEnv, whereFromFunctionArn, type Evaluator, type Expander, type TargetOutcome } from '../app/pipeline';

export function createEventHandler(evaluate: Evaluator, expand?: Expander): (event: unknown, context: Context) => Promise<TargetOutcome[]> {
  const settings = settingsFromEnv(process.env);
  const topicArn = requireEnv(process.env, 'TOPIC_ARN');
  const logger = new Logger({ serviceName: 'exposure-guard' });
  const clients = new LocalClientFactory();
  const notifier = new SnsNotifier(clients.client(SNSClient, {}), topicArn);
  const metrics = new EmfMetricsSink();
  const ownRoleName = process.env.GUARD_ROLE_NAME;
  return async (event, context) => {
    logger.addContext(context);
    const where = whereFromFunctionArn(context.invokedFunctionArn);
    return processEvent(event, {
      settings, clients, notifier, logger, metrics, ownRoleName, defaultAccount: where.account, defaultRegion: where.region,
      // Long work stops taking new items 45 s before Lambda would stop it (a bucket in flight can take
      // ~30 s of retried, time-limited calls), to report what it did not reach.
      deadline: Date.now() + (context.getRemainingTimeInMillis?.() ?? 60_000) - 45_000,
    }, evaluate, expand);
  };
}
