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
   * This run's write becomes the last; the one before is kept as prior unless it was this run's
   * own (a retried run judges the same write again, not its own).
   */
  async recordWrite(write: CanaryWrite, before: CanaryState): Promise<void> {
    const keepPrior = before.lastWrite !== undefined && before.lastWrite.run !== write.run;
    await this.dynamodb.send(new UpdateItemCommand({
      TableName: this.table, Key: KEY,
      UpdateExpression: keepPrior ? 'SET lastWrite = :write, priorWrite = :prior' : 'SET lastWrite = :write',
      ExpressionAttributeValues: marshall({ ':write': write, ...(keepPrior ? { ':prior': before.lastWrite } : {}) }, { removeUndefinedValues: true }),
    }));
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
