/** Entry point for the sweep schedule and the first sweep after deploy: lists and enqueues, never evaluates. */
import type { Context } from 'aws-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { CanaryStore } from '../adapters/canary-store';
import { SnsNotifier } from '../adapters/sns-notifier';
import { SweepRuns } from '../adapters/sweep-runs';
import { requireEnv, whereFromFunctionArn } from '../app/pipeline';
import { startSweep } from '../app/sweep-coordinator';
import { baseDeps } from './entry';

const base = baseDeps();
const queueUrl = requireEnv(process.env, 'SWEEP_QUEUE_URL');
if (!base.dynamodb || !base.table || !base.store) throw new Error('environment variable LEDGER_TABLE is required');
const runs = new SweepRuns(base.dynamodb, base.table);
const ledgerStore = base.store;
const health = {
  canaryWriter: { store: new CanaryStore(base.dynamodb, base.table), bucket: requireEnv(process.env, 'CANARY_BUCKET') },
  opsNotifier: new SnsNotifier(base.clients.client(SNSClient, {}), requireEnv(process.env, 'OPS_TOPIC_ARN')),
};

export const handler = async (event: { id?: string } | undefined, context: Context) => {
  base.logger.addContext(context);
  const where = whereFromFunctionArn(context.invokedFunctionArn);
  // The schedule's event id, or (the first sweep, invoked with no payload) the request id: both stay
  // the same when Lambda retries the invocation, so a retry resumes the same run.
  const run = typeof event?.id === 'string' && event.id ? event.id : context.awsRequestId;
  try {
    const now = () => new Date();
    return await startSweep(run, { ...base, runs, queueUrl, health, now, ledger: { store: ledgerStore, now }, defaultAccount: where.account, defaultRegion: where.region });
  } finally {
    base.metrics.flush();
  }
};
