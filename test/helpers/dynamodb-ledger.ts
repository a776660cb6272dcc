/**
 * A DynamoDB table simulated behind aws-sdk-client-mock for the ledger: Query by pk, TransactWriteItems
 * all-or-nothing with the conditions the ledger writes (answered with the real
 * TransactionCanceledException and its CancellationReasons), and the claim updates (answered with
 * the real ConditionalCheckFailedException). `beforeCommit` lets a test interleave two writers.
 */
import {
  ConditionalCheckFailedException, QueryCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateItemCommand,
  type AttributeValue, type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

const META = { $metadata: { httpStatusCode: 200, requestId: 'EXAMPLE', attempts: 1, totalRetryDelay: 0 } };

export const conflict = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });

export const cancelled = (codes: string[]) => new TransactionCanceledException({
  message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  $metadata: { httpStatusCode: 400 },
  CancellationReasons: codes.map((Code) => ({ Code, ...(Code === 'ConditionalCheckFailed' ? { Message: 'The conditional request failed' } : {}) })),
});

type Item = Record<string, AttributeValue>;

export interface SimulatedTable {
  items: Map<string, Item>;
  /** Committed transactions. */
  commits: () => number;
  /** Items written by committed transactions. */
  writes: () => number;
  /** Awaited before each transaction is checked: a test parks one writer here while another goes. */
  beforeCommit?: () => Promise<void>;
}

const idOf = (i: Item) => `${i.pk!.S}#${i.sk!.S}`;

function holds(current: Item | undefined, put: NonNullable<TransactWriteItem['Put']>): boolean {
  if (!put.ConditionExpression) return true;
  if (put.ConditionExpression === 'attribute_not_exists(pk)') return !current;
  if (put.ConditionExpression === 'version = :v') return current?.version?.N === put.ExpressionAttributeValues?.[':v']?.N;
  throw new Error(`the simulated table does not know the condition ${put.ConditionExpression}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function simulateLedgerTable(dynamodb: AwsStub<any, any, any>): SimulatedTable {
  const items = new Map<string, Item>();
  let commits = 0;
  let writes = 0;
  const table: SimulatedTable = { items, commits: () => commits, writes: () => writes };
  dynamodb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Item }) => ({
    ...META, Items: [...items.values()].filter((i) => i.pk?.S === input.ExpressionAttributeValues[':k']?.S).map((i) => structuredClone(i)),
  }));
  dynamodb.on(TransactWriteItemsCommand).callsFake(async (input: { TransactItems: TransactWriteItem[] }) => {
    await table.beforeCommit?.();
    const puts = input.TransactItems.map((t) => {
      if (!t.Put) throw new Error('the simulated table only knows Put in a transaction');
      return t.Put;
    });
    const codes = puts.map((p) => (holds(items.get(idOf(p.Item!)), p) ? 'None' : 'ConditionalCheckFailed'));
    if (codes.some((c) => c !== 'None')) throw cancelled(codes);
    for (const p of puts) items.set(idOf(p.Item!), structuredClone(p.Item!));
    commits++;
    writes += puts.length;
    return { ...META };
  });
  dynamodb.on(UpdateItemCommand).callsFake((input: { Key: Item; UpdateExpression: string; ExpressionAttributeValues: Item }) => {
    const id = `${input.Key.pk!.S}#${input.Key.sk!.S}`;
    const current = items.get(id);
    if (!current || current.unsent?.M?.claimId?.S !== input.ExpressionAttributeValues[':c']?.S) return Promise.reject(conflict());
    if (input.UpdateExpression === 'REMOVE unsent') {
      const { unsent: _unsent, ...rest } = current;
      items.set(id, rest);
    } else if (input.UpdateExpression === 'SET unsent.failed = :t') {
      items.set(id, { ...current, unsent: { M: { ...current.unsent!.M!, failed: input.ExpressionAttributeValues[':t']! } } });
    } else {
      return Promise.reject(new Error(`the simulated table does not know ${input.UpdateExpression}`));
    }
    return Promise.resolve({ ...META });
  });
  return table;
}
