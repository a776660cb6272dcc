/**
 * The findings ledger in DynamoDB: one item per finding (pk = resource key, sk = check id) and one
 * head item per resource (sk = '#head') whose version every write of that resource moves on. A
 * resource's decisions are written in one transaction conditional on the head: two invocations
 * deciding on the same resource cannot both win, not even on different findings (a message names
 * the whole resource, so a claim must too). Closed findings expire after a while (TTL), so
 * "resolved" can say what it was and the table does not grow without end.
 */
import {
  BatchGetItemCommand, TransactionCanceledException, TransactWriteItemsCommand, QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue,
  type DynamoDBClient, type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry } from '../core/ledger/policy';

const HEAD = '#head';

/** What the ledger holds for one resource, and the head version a write must still find. */
export interface ResourceLedger {
  entries: LedgerEntry[];
  version: number | undefined;
  /** When the read behind the last write began: an evaluation that read earlier is out of order. */
  observedAt?: string;
}

/** How long a closed finding is kept: long enough for "resolved" and for an audit question. */
export const CLOSED_RETENTION_DAYS = 30;

/** A resource's writes at most: the head and one per check (TransactWriteItems takes 100). */
const MAX_WRITES = 99;

export type WriteOutcome = 'written' | 'conflict';

export interface EntryWrite {
  next: LedgerEntry;
  /** With a claim, the entry carries the unsent message until confirm(). */
  claim?: LedgerEntry['unsent'];
}

const expiry = (iso: string) => Math.floor(Date.parse(iso) / 1000) + CLOSED_RETENTION_DAYS * 86_400;

/** A transaction cancelled because another writer got there first (not throttling, not a fault). */
function lostTheRace(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException) && (error as Error).name !== 'TransactionCanceledException') return false;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  const codes = reasons.map((r) => r.Code).filter((c) => c && c !== 'None');
  return codes.length > 0 && codes.every((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict');
}

export class LedgerStore {
  constructor(private readonly dynamodb: DynamoDBClient, private readonly table: string) {}

  /** Every entry of one resource, strongly consistent: a decision never starts from a stale read. */
  async read(resourceKey: string): Promise<ResourceLedger> {
    const entries: LedgerEntry[] = [];
    let version: number | undefined;
    let observedAt: string | undefined;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.dynamodb.send(new QueryCommand({
        TableName: this.table, ConsistentRead: true, KeyConditionExpression: 'pk = :k',
        ExpressionAttributeValues: { ':k': { S: resourceKey } }, ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk, expiresAt: _ttl, version: v, ...entry } = unmarshall(item);
        if (sk === HEAD) {
          version = Number(v);
          if (typeof entry.observedAt === 'string') observedAt = entry.observedAt;
        }
        else entries.push(entry as LedgerEntry);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return { entries, version, ...(observedAt ? { observedAt } : {}) };
  }

  /**
   * Which of these resources the ledger knows at all (has a head), in BatchGetItem calls of 100:
   * a sweep batch of buckets that never had a finding then costs one call, not one Query each.
   * Unprocessed keys are asked again; after a few tries the error propagates (the batch is retried).
   */
  async known(resourceKeys: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < resourceKeys.length; i += 100) {
      let keys: Record<string, AttributeValue>[] = resourceKeys.slice(i, i + 100).map((k) => ({ pk: { S: k }, sk: { S: HEAD } }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > 5) throw new Error(`the ledger left ${keys.length} keys unprocessed after ${attempt - 1} BatchGetItem calls`);
        const out = await this.dynamodb.send(new BatchGetItemCommand({
          RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk' } },
        }));
        for (const item of out.Responses?.[this.table] ?? []) if (item.pk?.S) known.add(item.pk.S);
        keys = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return known;
  }

  /**
   * The open findings that name an access point (LedgerEntry.accessPaths): after its deletion
   * nothing else can say which bucket it stood on. A Scan, filtered: the ledger holds open
   * findings and 30 days of closed ones, and deleting an access point is rare.
   */
  async openFindingsNaming(accessPath: string): Promise<LedgerEntry[]> {
    const found: LedgerEntry[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.dynamodb.send(new ScanCommand({
        TableName: this.table, ConsistentRead: true, ExclusiveStartKey: start,
        FilterExpression: '#status = :open AND contains(accessPaths.#names, :path)',
        ExpressionAttributeNames: { '#status': 'status', '#names': 'names' },
        ExpressionAttributeValues: { ':open': { S: 'open' }, ':path': { S: accessPath } },
      }));
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, expiresAt: _ttl, ...entry } = unmarshall(item);
        found.push(entry as LedgerEntry);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  /**
   * Writes a resource's decided entries at once, if its head is still at `version` (absent when
   * undefined); 'conflict' when another invocation wrote the resource since it was read.
   * `open`: whether the resource still has open findings afterwards (else the head expires too).
   */
  async commit(resourceKey: string, version: number | undefined, writes: EntryWrite[], open: boolean, now: Date, observedAt?: Date): Promise<WriteOutcome> {
    if (writes.length > MAX_WRITES) throw new Error(`${resourceKey}: ${writes.length} ledger writes exceed one transaction`);
    const head = {
      pk: resourceKey, sk: HEAD, version: (version ?? 0) + 1, updatedAt: now.toISOString(), ...(observedAt ? { observedAt: observedAt.toISOString() } : {}),
      ...(open ? {} : { expiresAt: expiry(now.toISOString()) }),
    };
    const items: TransactWriteItem[] = [{
      Put: {
        TableName: this.table, Item: marshall(head),
        ...(version === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(version) } } }),
      },
    }];
    for (const { next, claim } of writes) {
      const { unsent: _previousClaim, ...rest } = next;
      const item = {
        ...rest, ...(claim ? { unsent: claim } : {}), pk: next.resourceKey, sk: next.checkId,
        ...(next.status === 'closed' && next.closedAt ? { expiresAt: expiry(next.closedAt) } : {}),
      };
      items.push({ Put: { TableName: this.table, Item: marshall(item, { removeUndefinedValues: true }) } });
    }
    try {
      await this.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (lostTheRace(error)) return 'conflict';
      throw error;
    }
  }

  /** The claimed message could not be sent: the claimant's retry may send it (policy.ts). */
  async markFailed(next: LedgerEntry, claimId: string): Promise<void> {
    await this.ifStillClaimed(next, claimId, 'SET unsent.failed = :t', { ':t': { BOOL: true } });
  }

  /** The claimed message went out: clears the claim if it is still this one's. */
  async confirm(next: LedgerEntry, claimId: string): Promise<void> {
    await this.ifStillClaimed(next, claimId, 'REMOVE unsent');
  }

  private async ifStillClaimed(next: LedgerEntry, claimId: string, update: string, values: Record<string, AttributeValue> = {}): Promise<void> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: { pk: { S: next.resourceKey }, sk: { S: next.checkId } },
        UpdateExpression: update, ConditionExpression: 'unsent.claimId = :c',
        ExpressionAttributeValues: { ':c': { S: claimId }, ...values },
      }));
    } catch (error) {
      // Taken over by a later claim (a real change, or after the lease): theirs to send and settle.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
