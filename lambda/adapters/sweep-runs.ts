/**
 * A sweep run's bookkeeping, in the ledger table beside the findings (pk `sweep#<run>`): the run
 * item counts batches listed and batches done, each batch's tally is an item of its own, and the
 * digest is claimed once, by whoever sees the last batch done (a worker, or the coordinator if the
 * workers finished first). A batch retried after it was counted is not counted again. Everything
 * expires after the retention: the audit log keeps every record for good.
 */
import {
  GetItemCommand, QueryCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { BatchTally } from '../core/sweep/tally';
import { CLOSED_RETENTION_DAYS } from './ledger-store';

export interface RunState {
  run: string;
  account: string;
  region: string;
  startedAt: string;
  baseline: boolean;
  /** Set once the coordinator has enqueued everything. */
  batches?: number;
  done: number;
  digestSentAt?: string;
  /** Why the run before this one is not finished, told in this run's digest. */
  previousUnfinished?: string;
  /** That run, whose recorded sends this run's digest tells as well (it sent no digest of its own). */
  previousUnfinishedRun?: string;
}

/** A digest claimed but not confirmed is taken over after this (longer than a worker's run). */
const DIGEST_LEASE_MS = 15 * 60_000;

const LATEST = { pk: { S: 'sweep' }, sk: { S: '#latest' } };
const runKey = (run: string) => ({ pk: { S: `sweep#${run}` }, sk: { S: '#run' } });
const expires = (now: Date) => Math.floor(now.getTime() / 1000) + CLOSED_RETENTION_DAYS * 86_400;
const isConditionFailure = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

export const isComplete = (s: RunState) => s.batches !== undefined && s.done >= s.batches;

function stateOf(item: Record<string, AttributeValue> | undefined): RunState | undefined {
  if (!item) return undefined;
  const { pk, sk: _sk, expiresAt: _ttl, ...rest } = unmarshall(item) as Record<string, unknown>;
  return { ...(rest as Omit<RunState, 'run'>), run: String(pk).slice('sweep#'.length), done: Number(rest.done ?? 0) };
}

/** Attempts of a batch's count against concurrent workers' counts. */
const CONFLICT_ATTEMPTS = 8;

export class SweepRuns {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
    /** Tests pass one that does not wait. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The last run started, if any: none means the next one is the baseline. */
  async latest(): Promise<RunState | undefined> {
    const out = await this.dynamodb.send(new GetItemCommand({ TableName: this.table, Key: LATEST, ConsistentRead: true }));
    const run = out.Item?.run?.S;
    return run ? this.state(run) : undefined;
  }

  async state(run: string): Promise<RunState | undefined> {
    const out = await this.dynamodb.send(new GetItemCommand({ TableName: this.table, Key: runKey(run), ConsistentRead: true }));
    return stateOf(out.Item);
  }

  /** Starts the run, or returns it as it stands when this is a retry of the same run. */
  async begin(meta: Omit<RunState, 'done' | 'batches' | 'digestSentAt'>, now: Date): Promise<RunState> {
    // The run id is the key (stateOf reads it back from there), not an attribute.
    const { run: _run, ...attributes } = meta;
    const item = { ...attributes, done: 0, expiresAt: expires(now) };
    try {
      await this.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...runKey(meta.run), ...marshall(item, { removeUndefinedValues: true }) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.table, Item: { ...LATEST, ...marshall({ run: meta.run, startedAt: meta.startedAt }) } } },
        ],
      }));
      return { ...meta, done: 0 };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) && (error as Error).name !== 'TransactionCanceledException') throw error;
      const existing = await this.state(meta.run);
      if (!existing) throw error;
      return existing;
    }
  }

  /**
   * Every worker's count lands on the one run item in a transaction. Two transactions on it at once
   * cancel one (reason TransactionConflict); a plain update that lands during one fails with
   * TransactionConflictException. The SDK retries neither: try again, spread out.
   */
  private async onRunItem<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        const reasons = ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code);
        const conflict = (error as Error).name === 'TransactionConflictException' || reasons.includes('TransactionConflict');
        if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
        await this.sleep(Math.random() * 50 * 2 ** attempt);
      }
    }
  }

  /** Everything is on the queue: the run is complete once `done` reaches `batches`. */
  async listed(run: string, batches: number): Promise<RunState> {
    const out = await this.onRunItem(() => this.dynamodb.send(new UpdateItemCommand({
      TableName: this.table, Key: runKey(run), UpdateExpression: 'SET batches = :n', ExpressionAttributeValues: { ':n': { N: String(batches) } },
      ReturnValues: 'ALL_NEW',
    })));
    return stateOf(out.Attributes)!;
  }

  /** Keeps the batch's tally and counts it, once however often the batch is retried; the run as it now stands. */
  async batchDone(run: string, seq: number, tally: BatchTally, now: Date): Promise<RunState | undefined> {
    await this.onRunItem(() => this.countBatch(run, seq, tally, now));
    return this.state(run);
  }

  private async countBatch(run: string, seq: number, tally: BatchTally, now: Date): Promise<void> {
    try {
      await this.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table, ConditionExpression: 'attribute_not_exists(pk)',
              Item: { pk: { S: `sweep#${run}` }, sk: { S: `batch#${String(seq).padStart(8, '0')}` }, tally: { S: JSON.stringify(tally) }, expiresAt: { N: String(expires(now)) } },
            },
          },
          { Update: { TableName: this.table, Key: runKey(run), UpdateExpression: 'ADD done :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': { N: '1' } } } },
        ],
      }));
    } catch (error) {
      const reasons = (error as TransactionCanceledException).CancellationReasons;
      // Counted by an earlier delivery of this batch: nothing to add.
      if (!(reasons?.[0]?.Code === 'ConditionalCheckFailed' && reasons[1]?.Code !== 'ConditionalCheckFailed')) throw error;
    }
  }

  /** Every batch tally of the run, page by page. */
  async *tallies(run: string): AsyncGenerator<BatchTally> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.dynamodb.send(new QueryCommand({
        TableName: this.table, ConsistentRead: true, KeyConditionExpression: 'pk = :k AND begins_with(sk, :b)',
        ExpressionAttributeValues: { ':k': { S: `sweep#${run}` }, ':b': { S: 'batch#' } }, ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      for (const item of out.Items ?? []) if (item.tally?.S) yield JSON.parse(item.tally.S) as BatchTally;
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** Claims the run's digest: false when it went out, or someone else is sending it now. */
  async claimDigest(run: string, claimId: string, now: Date): Promise<boolean> {
    try {
      await this.onRunItem(() => this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: runKey(run),
        UpdateExpression: 'SET digestClaimId = :c, digestClaimedAt = :now',
        ConditionExpression: 'attribute_not_exists(digestSentAt) AND (attribute_not_exists(digestClaimId) OR digestClaimId = :c OR digestClaimedAt < :stale)',
        ExpressionAttributeValues: {
          ':c': { S: claimId }, ':now': { S: now.toISOString() }, ':stale': { S: new Date(now.getTime() - DIGEST_LEASE_MS).toISOString() },
        },
      })));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async digestSent(run: string, messageId: string, now: Date): Promise<void> {
    await this.onRunItem(() => this.dynamodb.send(new UpdateItemCommand({
      TableName: this.table, Key: runKey(run), UpdateExpression: 'SET digestSentAt = :now, digestMessageId = :m',
      ExpressionAttributeValues: { ':now': { S: now.toISOString() }, ':m': { S: messageId } },
    })));
  }
}

