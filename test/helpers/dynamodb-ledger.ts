/**
 * A DynamoDB table simulated behind aws-sdk-client-mock for the ledger: Query by pk, and the three
 * condition forms the ledger writes, answered with the real ConditionalCheckFailedException.
 */
import {
  ConditionalCheckFailedException, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

const META = { $metadata: { httpStatusCode: 200, requestId: 'EXAMPLE', attempts: 1, totalRetryDelay: 0 } };

export const conflict = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });

export interface SimulatedTable {
  items: Map<string, Record<string, AttributeValue>>;
  /** Successful PutItem writes. */
  puts: () => number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function simulateLedgerTable(dynamodb: AwsStub<any, any, any>): SimulatedTable {
  const items = new Map<string, Record<string, AttributeValue>>();
  let puts = 0;
  dynamodb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, AttributeValue> }) => ({
    ...META, Items: [...items.values()].filter((i) => i.pk?.S === input.ExpressionAttributeValues[':k']?.S),
  }));
  dynamodb.on(PutItemCommand).callsFake((input: { Item: Record<string, AttributeValue>; ConditionExpression: string; ExpressionAttributeValues?: Record<string, AttributeValue> }) => {
    const id = `${input.Item.pk!.S}#${input.Item.sk!.S}`;
    const current = items.get(id);
    const ok = input.ConditionExpression === 'attribute_not_exists(pk)' ? !current : current?.version?.N === input.ExpressionAttributeValues?.[':v']?.N;
    if (!ok) return Promise.reject(conflict());
    puts++;
    items.set(id, input.Item);
    return Promise.resolve({ ...META });
  });
  dynamodb.on(UpdateItemCommand).callsFake((input: { Key: Record<string, AttributeValue>; UpdateExpression: string; ExpressionAttributeValues: Record<string, AttributeValue> }) => {
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
  return { items, puts: () => puts };
}
