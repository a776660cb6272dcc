/** Entry point for the sweep queue: each message a batch of buckets or groups, failures reported per message. */
import type { Context } from 'aws-lambda';
import { SweepRuns } from '../adapters/sweep-runs';
import { whereFromFunctionArn } from '../app/pipeline';
import { sweepMessages, type SqsRecord } from '../app/sweep-worker';
import { baseDeps } from './entry';

const base = baseDeps();
if (!base.dynamodb || !base.table || !base.store) throw new Error('environment variable LEDGER_TABLE is required');
const runs = new SweepRuns(base.dynamodb, base.table);
const store = base.store;
const runFacts: Parameters<typeof sweepMessages>[2] = new Map();

export const handler = async (event: { Records?: SqsRecord[] }, context: Context) => {
  base.logger.addContext(context);
  const where = whereFromFunctionArn(context.invokedFunctionArn);
  return sweepMessages(event.Records ?? [], {
    ...base, runs, store, now: () => new Date(), concurrency: 10, defaultAccount: where.account, defaultRegion: where.region,
  }, runFacts);
};
