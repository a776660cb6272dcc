/** Entry point for the S3 EventBridge rule: bucket and account-level Block Public Access calls. */
import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { LocalClientFactory } from '../adapters/clients';
import { SnsNotifier } from '../adapters/sns-notifier';
import { settingsFromEnv } from '../core/settings';
import { evaluateS3Target } from './evaluate-s3';
import { processEvent, requireEnv, whereFromFunctionArn, type TargetOutcome } from './pipeline';

const settings = settingsFromEnv(process.env);
const topicArn = requireEnv(process.env, 'TOPIC_ARN');
const logger = new Logger({ serviceName: 'exposure-guard' });
const clients = new LocalClientFactory();
const notifier = new SnsNotifier(clients.client(SNSClient, {}), topicArn);

export async function handler(event: unknown, context: Context): Promise<TargetOutcome[]> {
  logger.addContext(context);
  const where = whereFromFunctionArn(context.invokedFunctionArn);
  return processEvent(event, { settings, clients, notifier, logger, defaultAccount: where.account, defaultRegion: where.region }, evaluateS3Target);
}
