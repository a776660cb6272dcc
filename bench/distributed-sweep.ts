/**
 * The scheduled sweep as deployed: the coordinator lists and enqueues, workers take batches off the
 * queue (at most `maximumConcurrency` at once, five messages each, failed ones again up to three
 * receives, then the dead-letter queue), every resource through read → evaluate → ledger → notify,
 * the ledger and the run records in a simulated DynamoDB table, all behind real SDK clients against
 * the simulated AWS (25 ms per call, the rate limits of many-resources.ts, 1% transient failures).
 * Two runs: the baseline right after deploy, then the steady state (nothing changed since).
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { LedgerStore } from '../lambda/adapters/ledger-store';
import { SnsNotifier } from '../lambda/adapters/sns-notifier';
import { SweepRuns } from '../lambda/adapters/sweep-runs';
import { startSweep } from '../lambda/app/sweep-coordinator';
import { sweepMessages, type SqsRecord } from '../lambda/app/sweep-worker';
import { resolveSettings } from '../lambda/core/model/settings';
import { ledgerTable } from '../test/helpers/dynamodb-ledger';
import { silentLogger } from './critical-path';
import { SIM } from './many-resources';
import { SimulatedAws, type Answer } from './sim-aws';
import { ACCOUNT, simulatedAccount } from './sim-account';

export interface SweepRunResult {
  wallMs: number;
  buckets: number;
  groups: number;
  batches: number;
  /** Every resource ended evaluated, INCOMPLETE or gone, per the run's digest. */
  accounted: number;
  lost: number;
  deadLetters: number;
  digests: number;
  perResourceMessages: number;
  callsByService: Record<string, number>;
  callsPerBucket: number;
  /** S3 calls per private, unchanged bucket (the issue's ≤ 5), and per exposed one. */
  s3CallsPerPrivateBucket: number;
  s3CallsPerExposedBucket: number;
  dynamoWritesPerBucket: number;
  /** Items the run wrote for findings (not for its own bookkeeping). */
  findingWrites: number;
  runRecordWrites: number;
  throttled: number;
  transientFailures: number;
  /** Invocations of the worker and the time they were busy (what Lambda bills), and the coordinator's run. */
  workerInvocations: number;
  workerBusyMs: number;
  coordinatorMs: number;
  /** DynamoDB calls and SQS requests (sends, receives, deletes) per swept resource. */
  dynamoCallsPerResource: number;
  sqsRequestsPerResource: number;
}

export interface DistributedSweepReport {
  maximumConcurrency: number;
  workerConcurrency: number;
  exposedShare: number;
  baseline: SweepRunResult;
  steadyState: SweepRunResult;
}

const S3_BUCKET_APIS = ['GetBucketPolicy', 'GetBucketAcl', 'GetPublicAccessBlock', 'GetBucketOwnershipControls', 'GetBucketLogging', 'GetBucketWebsite', 'GetBucketTagging', 'PutPublicAccessBlock'];

export async function measureDistributedSweep(opts: { buckets: number; groups: number; maximumConcurrency: number; workerConcurrency: number; exposedEvery: number }): Promise<DistributedSweepReport> {
  const { answers } = simulatedAccount({ buckets: opts.buckets, groups: opts.groups, exposedEvery: opts.exposedEvery });
  const { table, handlers } = ledgerTable();
  const queue: SqsRecord[] = [];
  let queued = 0;
  const perBucket = { private: 0, exposed: 0 };
  const counted: Record<string, Answer> = {};
  for (const api of S3_BUCKET_APIS) {
    const answer = answers[api]!;
    counted[`S3:${api}`] = (input) => {
      const i = Number(String(input.Bucket).slice('acme-bucket-'.length));
      perBucket[i % opts.exposedEvery === 0 ? 'exposed' : 'private'] += 1;
      return answer(input);
    };
  }
  let messages = { digests: 0, other: 0 };
  const sim = new SimulatedAws({ ...SIM, record: false }, {
    ...answers, ...counted,
    ...Object.fromEntries(Object.entries(handlers).map(([api, h]) => [`DynamoDB:${api}`, h as Answer])),
    'SQS:SendMessageBatch': (input) => {
      const entries = input.Entries as { Id: string; MessageBody: string }[];
      for (const e of entries) queue.push({ messageId: `msg-${++queued}`, body: e.MessageBody });
      // The SDK checks each body's MD5, as it does against SQS.
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: `msg-${queued}`, MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') })), Failed: [] };
    },
    'SNS:Publish': (input) => {
      const attrs = input.MessageAttributes as Record<string, { StringValue?: string }> | undefined;
      if (attrs?.resourceType?.StringValue === 'sweep-digest') messages.digests += 1;
      else messages.other += 1;
      return { MessageId: `m-${messages.digests + messages.other}` };
    },
  });
  const clients = sim.factory();
  const dynamodb = clients.client(DynamoDBClient, {});
  const base = {
    settings: resolveSettings(), clients, logger: silentLogger,
    notifier: new SnsNotifier(clients.client(SNSClient, {}), 'arn:aws:sns:eu-west-1:111122223333:findings'),
    defaultAccount: ACCOUNT, defaultRegion: 'eu-west-1',
    runs: new SweepRuns(dynamodb, 'ledger'), store: new LedgerStore(dynamodb, 'ledger'),
    queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/batches', now: () => new Date(), concurrency: opts.workerConcurrency,
  };

  async function sweep(run: string): Promise<SweepRunResult> {
    messages = { digests: 0, other: 0 };
    perBucket.private = 0;
    perBucket.exposed = 0;
    const calls0 = { ...sim.callsByService };
    const throttled0 = sim.throttled;
    const transient0 = sim.transient;
    const writes0 = table.writes();
    const t0 = performance.now();
    const started = await startSweep(run, base);
    const coordinatorMs = performance.now() - t0;
    let workerInvocations = 0;
    let workerBusyMs = 0;
    const receives = new Map<string, number>();
    let deadLetters = 0;
    // The event source mapping: up to maximumConcurrency invocations, each with up to five messages.
    const worker = async () => {
      for (;;) {
        const records = queue.splice(0, 5);
        if (records.length === 0) return;
        const w0 = performance.now();
        const { batchItemFailures } = await sweepMessages(records, base);
        workerInvocations += 1;
        workerBusyMs += performance.now() - w0;
        for (const f of batchItemFailures) {
          const record = records.find((r) => r.messageId === f.itemIdentifier)!;
          const n = (receives.get(record.messageId) ?? 1) + 1;
          receives.set(record.messageId, n);
          if (n > 3) deadLetters += 1;
          else queue.push(record);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.maximumConcurrency }, worker));
    const wallMs = performance.now() - t0;
    const runItem = table.items.get(`sweep#${run}##run`);
    const tallies = [...table.items.entries()].filter(([k]) => k.startsWith(`sweep#${run}#batch#`)).map(([, v]) => JSON.parse(v.tally!.S!) as { counts: Record<string, number> });
    const accounted = tallies.reduce((n, t) => n + t.counts.evaluated! + t.counts.incomplete! + t.counts.gone!, 0);
    const callsByService = Object.fromEntries(Object.entries(sim.callsByService).map(([svc, n]) => [svc, n - (calls0[svc] ?? 0)]));
    const allCalls = Object.values(callsByService).reduce((a, b) => a + b, 0);
    const exposedBuckets = Math.ceil(opts.buckets / opts.exposedEvery);
    const writes = table.writes() - writes0;
    const batches = Number(runItem?.batches?.N ?? 0);
    // run + latest, and per batch its tally and its count
    const runRecordWrites = 2 + 2 * batches;
    return {
      wallMs: Math.round(wallMs), buckets: started.buckets, groups: started.groups, batches, accounted,
      lost: opts.buckets + opts.groups - accounted, deadLetters, digests: messages.digests, perResourceMessages: messages.other,
      callsByService, callsPerBucket: Number((allCalls / opts.buckets).toFixed(3)),
      s3CallsPerPrivateBucket: Number((perBucket.private / (opts.buckets - exposedBuckets)).toFixed(3)),
      s3CallsPerExposedBucket: Number((perBucket.exposed / exposedBuckets).toFixed(3)),
      dynamoWritesPerBucket: Number((writes / opts.buckets).toFixed(4)),
      findingWrites: writes - runRecordWrites, runRecordWrites,
      throttled: sim.throttled - throttled0, transientFailures: sim.transient - transient0,
      workerInvocations, workerBusyMs: Math.round(workerBusyMs), coordinatorMs: Math.round(coordinatorMs),
      dynamoCallsPerResource: Number(((callsByService.DynamoDB ?? 0) / (opts.buckets + opts.groups)).toFixed(4)),
      // each batch message is sent (batched ten to a call), received and deleted: about 2.1 requests per message
      sqsRequestsPerResource: Number((((callsByService.SQS ?? 0) + 2 * batches) / (opts.buckets + opts.groups)).toFixed(4)),
    };
  }

  const baseline = await sweep('run-baseline');
  const steadyState = await sweep('run-steady');
  return { maximumConcurrency: opts.maximumConcurrency, workerConcurrency: opts.workerConcurrency, exposedShare: 1 / opts.exposedEvery, baseline, steadyState };
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 100_000);
  void measureDistributedSweep({ buckets: n, groups: Math.round(n / 50), maximumConcurrency: 10, workerConcurrency: 10, exposedEvery: 50 })
    .then((r) => console.log(JSON.stringify(r, null, 2)));
}
