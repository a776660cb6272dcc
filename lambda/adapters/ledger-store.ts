/**
 * The findings ledger in DynamoDB: one item per finding (pk = resource key, sk = check id), each
 * write conditional on the version it was decided from, so two invocations deciding on the same
 * finding cannot both win. Closed findings expire after a while (TTL), so "resolved" can say what
 * it was and the table does not grow without end.
 */
import {
  ConditionalCheckFailedException, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry } from '../core/ledger/policy';

/** An entry as stored: the version its next write must still find. */
export type StoredEntry = LedgerEntry & { version: number };

/** How long a closed finding is kept: long enough for "resolved" and for an audit question. */
export const CLOSED_RETENTION_DAYS = 30;

export type WriteOutcome = 'written' | 'conflict';

export class LedgerStore {
  constructor(private readonly dynamodb: DynamoDBClient, private readonly table: string) {}

  /** Every entry of one resource, strongly consistent: a decision never starts from a stale read. */
  async entriesFor(resourceKey: string): Promise<StoredEntry[]> {
    const entries: StoredEntry[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.dynamodb.send(new QueryCommand({
        TableName: this.table, ConsistentRead: true, KeyConditionExpression: 'pk = :k',
        ExpressionAttributeValues: { ':k': { S: resourceKey } }, ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, expiresAt: _ttl, ...entry } = unmarshall(item);
        entries.push(entry as StoredEntry);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /**
   * Writes the decided entry if the item is still at the version it was decided from (absent when
   * `prevVersion` is undefined). With `claim`, the entry carries the unsent message until confirm().
   */
  async write(next: LedgerEntry, prevVersion: number | undefined, claim?: LedgerEntry['unsent']): Promise<WriteOutcome> {
    const { unsent: _previousClaim, ...rest } = next;
    const item = {
      ...rest,
      ...(claim ? { unsent: claim } : {}),
      pk: next.resourceKey, sk: next.checkId, version: (prevVersion ?? 0) + 1,
      ...(next.status === 'closed' && next.closedAt ? { expiresAt: Math.floor(Date.parse(next.closedAt) / 1000) + CLOSED_RETENTION_DAYS * 86_400 } : {}),
    };
    try {
      await this.dynamodb.send(new PutItemCommand({
        TableName: this.table, Item: marshall(item, { removeUndefinedValues: true }),
        ...(prevVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(prevVersion) } } }),
      }));
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return 'conflict';
      throw error;
    }
  }

  /** The claimed message could not be sent: the claimant's retry may send it (policy.ts). */
  async markFailed(next: LedgerEntry, claimId: string): Promise<void> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: { pk: { S: next.resourceKey }, sk: { S: next.checkId } },
        UpdateExpression: 'SET unsent.failed = :t', ConditionExpression: 'unsent.claimId = :c',
        ExpressionAttributeValues: { ':c': { S: claimId }, ':t': { BOOL: true } },
      }));
    } catch (error) {
      // Already re-claimed by someone else after the lease: theirs to send.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** The claimed message went out: clears the claim if it is still this one's. */
  async confirm(next: LedgerEntry, claimId: string): Promise<void> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: { pk: { S: next.resourceKey }, sk: { S: next.checkId } },
        UpdateExpression: 'REMOVE unsent', ConditionExpression: 'unsent.claimId = :c',
        ExpressionAttributeValues: { ':c': { S: claimId } },
      }));
    } catch (error) {
      // Someone re-claimed it after the lease: theirs is the claim now, and the message went out twice at worst.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
