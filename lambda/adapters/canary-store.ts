/**
 * The canary's state, one item in the ledger table (pk `guard#canary`): the sweep's last two
 * writes and the last heartbeat the S3 function recorded. The writes and the heartbeat are
 * separate attributes, so the sweep and the S3 function never overwrite each other's.
 */
import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CanaryHeartbeat, CanaryState, CanaryWrite } from '../core/guard/canary';

const KEY = { pk: { S: 'guard#canary' }, sk: { S: '#state' } };

export class CanaryStore {
  constructor(private readonly dynamodb: DynamoDBClient, private readonly table: string) {}

  async read(): Promise<CanaryState> {
    const out = await this.dynamodb.send(new GetItemCommand({ TableName: this.table, Key: KEY, ConsistentRead: true }));
    if (!out.Item) return {};
    const { lastWrite, priorWrite, lastHeartbeat } = unmarshall(out.Item) as CanaryState;
    return { ...(lastWrite ? { lastWrite } : {}), ...(priorWrite ? { priorWrite } : {}), ...(lastHeartbeat ? { lastHeartbeat } : {}) };
  }

  /**
   * This run's write becomes the last; the one before becomes prior unless it was this run's own
   * (a retried run judges the same write again, not its own). Decided by the table, not by an
   * earlier read, which may have failed or be stale.
   */
  async recordWrite(write: CanaryWrite): Promise<void> {
    const values = marshall({ ':write': write, ':run': write.run }, { removeUndefinedValues: true });
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: KEY,
        UpdateExpression: 'SET priorWrite = lastWrite, lastWrite = :write',
        ConditionExpression: 'attribute_exists(lastWrite) AND lastWrite.#run <> :run',
        ExpressionAttributeNames: { '#run': 'run' },
        ExpressionAttributeValues: values,
      }));
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // The first write ever, or this run's own again: only the last write moves.
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: KEY, UpdateExpression: 'SET lastWrite = :write', ExpressionAttributeValues: marshall({ ':write': write }, { removeUndefinedValues: true }),
      }));
    }
  }

  /** Kept only if newer than the one recorded: a late duplicate delivery does not move it back. */
  async recordHeartbeat(heartbeat: CanaryHeartbeat): Promise<boolean> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.table, Key: KEY,
        UpdateExpression: 'SET lastHeartbeat = :hb',
        ConditionExpression: 'attribute_not_exists(lastHeartbeat) OR lastHeartbeat.eventTime < :t',
        ExpressionAttributeValues: marshall({ ':hb': heartbeat, ':t': heartbeat.eventTime }, { removeUndefinedValues: true }),
      }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
