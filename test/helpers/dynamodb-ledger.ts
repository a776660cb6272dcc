/**
 * A DynamoDB table simulated behind aws-sdk-client-mock for the ledger: Query by pk, TransactWriteItems
 * all-or-nothing with the conditions the ledger writes (answered with the real
 * TransactionCanceledException and its CancellationReasons), and the claim updates (answered with
 * the real ConditionalCheckFailedException). `beforeCommit` lets a test interleave two writers.
 * It also knows the sweep's run bookkeeping (adapters/sweep-runs.ts): GetItem, the run and batch
 * writes, the digest claim, and the canary's state (adapters/canary-store.ts). An expression it does
 * not know fails the test, so drift shows.
 */
import {
  BatchGetItemCommand, ConditionalCheckFailedException, GetItemCommand, QueryCommand, ScanCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateItemCommand,
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
  /** The next call of this command fails with this error (throttling, say), then the table answers again. */
  failNext: (command: 'BatchGetItem' | 'Query' | 'GetItem' | 'TransactWriteItems' | 'UpdateItem' | 'Scan', error: Error) => void;
}

const idOf = (i: Item) => `${i.pk!.S}#${i.sk!.S}`;

function holds(current: Item | undefined, condition: string | undefined, values: Item | undefined): boolean {
  if (!condition) return true;
  if (condition === 'attribute_not_exists(pk)') return !current;
  if (condition === 'attribute_exists(pk)') return !!current;
  if (condition === 'version = :v') return current?.version?.N === values?.[':v']?.N;
  if (condition === 'unsent.claimId = :c') return current?.unsent?.M?.claimId?.S === values?.[':c']?.S;
  if (condition === 'attribute_not_exists(digestSentAt) AND (attribute_not_exists(digestClaimId) OR digestClaimId = :c OR digestClaimedAt < :stale)') {
    return !!current && !current.digestSentAt
      && (!current.digestClaimId || current.digestClaimId.S === values?.[':c']?.S || (current.digestClaimedAt?.S ?? '') < (values?.[':stale']?.S ?? ''));
  }
  if (condition === 'attribute_exists(lastWrite) AND lastWrite.#run <> :run') {
    return !!current?.lastWrite && current.lastWrite.M?.run?.S !== values?.[':run']?.S;
  }
  if (condition === 'attribute_not_exists(lastHeartbeat) OR lastHeartbeat.eventTime < :t') {
    return !current?.lastHeartbeat || (current.lastHeartbeat.M?.eventTime?.S ?? '') < (values?.[':t']?.S ?? '');
  }
  throw new Error(`the simulated table does not know the condition ${condition}`);
}

/** The update expressions the guard writes, applied to a copy of the item. */
function applyUpdate(current: Item | undefined, key: Item, update: string, values: Item): Item {
  const item: Item = { ...(current ?? key) };
  switch (update) {
    case 'REMOVE unsent': {
      const { unsent: _unsent, ...rest } = item;
      return rest;
    }
    case 'SET unsent.failed = :t':
      return { ...item, unsent: { M: { ...item.unsent!.M!, failed: values[':t']! } } };
    case 'ADD done :one':
      return { ...item, done: { N: String(Number(item.done?.N ?? '0') + Number(values[':one']!.N)) } };
    case 'SET batches = :n':
      return { ...item, batches: values[':n']! };
    case 'SET digestClaimId = :c, digestClaimedAt = :now':
      return { ...item, digestClaimId: values[':c']!, digestClaimedAt: values[':now']! };
    case 'SET digestSentAt = :now, digestMessageId = :m':
      return { ...item, digestSentAt: values[':now']!, digestMessageId: values[':m']! };
    case 'SET lastWrite = :write':
      return { ...item, lastWrite: values[':write']! };
    case 'SET priorWrite = lastWrite, lastWrite = :write':
      return { ...item, priorWrite: item.lastWrite!, lastWrite: values[':write']! };
    case 'SET lastHeartbeat = :hb':
      return { ...item, lastHeartbeat: values[':hb']! };
    default:
      throw new Error(`the simulated table does not know ${update}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (input: any) => unknown;

/** The table and its four calls as plain handlers (input → output), for a stub or the benchmark's simulated AWS. */
export function ledgerTable(): { table: SimulatedTable; handlers: Record<'BatchGetItem' | 'Query' | 'GetItem' | 'TransactWriteItems' | 'UpdateItem' | 'Scan', Handler> } {
  const items = new Map<string, Item>();
  let commits = 0;
  let writes = 0;
  const failures = new Map<string, Error>();
  const table: SimulatedTable = { items, commits: () => commits, writes: () => writes, failNext: (command, error) => { failures.set(command, error); } };
  const handlers = {} as Record<'BatchGetItem' | 'Query' | 'GetItem' | 'TransactWriteItems' | 'UpdateItem' | 'Scan', Handler>;
  const failing = (command: string) => {
    const error = failures.get(command);
    failures.delete(command);
    return error;
  };
  handlers.Query = ((input: { KeyConditionExpression: string; ExpressionAttributeValues: Item }) => {
    const error = failing('Query');
    if (error) return Promise.reject(error);
    const pk = input.ExpressionAttributeValues[':k']?.S;
    const prefix = input.KeyConditionExpression === 'pk = :k AND begins_with(sk, :b)' ? input.ExpressionAttributeValues[':b']?.S ?? '' : '';
    if (input.KeyConditionExpression !== 'pk = :k' && !prefix) throw new Error(`the simulated table does not know ${input.KeyConditionExpression}`);
    const found = [...items.values()].filter((i) => i.pk?.S === pk && (i.sk?.S ?? '').startsWith(prefix)).sort((a, b) => (a.sk!.S! < b.sk!.S! ? -1 : 1));
    return { ...META, Items: found.map((i) => structuredClone(i)), Count: found.length, ScannedCount: found.length };
  }) as Handler;
  handlers.BatchGetItem = ((input: { RequestItems: Record<string, { Keys: Item[]; ProjectionExpression?: string }> }) => {
    const error = failing('BatchGetItem');
    if (error) return Promise.reject(error);
    const [[name, request]] = Object.entries(input.RequestItems) as [[string, { Keys: Item[]; ProjectionExpression?: string }]];
    if (request.Keys.length > 100) return Promise.reject(new Error('Too many items requested for the BatchGetItem call'));
    const found = request.Keys.map((k) => items.get(idOf(k))).filter((i): i is Item => !!i).map((i) => (request.ProjectionExpression === 'pk' ? { pk: i.pk! } : structuredClone(i)));
    return Promise.resolve({ ...META, Responses: { [name]: found }, UnprocessedKeys: {} });
  }) as Handler;
  handlers.GetItem = ((input: { Key: Item }) => {
    const error = failing('GetItem');
    if (error) return Promise.reject(error);
    const item = items.get(idOf(input.Key));
    return { ...META, ...(item ? { Item: structuredClone(item) } : {}) };
  }) as Handler;
  handlers.TransactWriteItems = (async (input: { TransactItems: TransactWriteItem[] }) => {
    await table.beforeCommit?.();
    const error = failing('TransactWriteItems');
    if (error) throw error;
    const steps = input.TransactItems.map((t) => {
      if (t.Put) {
        const p = t.Put;
        return { id: idOf(p.Item!), ok: holds(items.get(idOf(p.Item!)), p.ConditionExpression, p.ExpressionAttributeValues), next: () => structuredClone(p.Item!) };
      }
      if (t.Update) {
        const u = t.Update;
        const current = items.get(idOf(u.Key!));
        return { id: idOf(u.Key!), ok: holds(current, u.ConditionExpression, u.ExpressionAttributeValues), next: () => applyUpdate(current, u.Key!, u.UpdateExpression!, u.ExpressionAttributeValues ?? {}) };
      }
      throw new Error('the simulated table only knows Put and Update in a transaction');
    });
    if (steps.some((st) => !st.ok)) throw cancelled(steps.map((st) => (st.ok ? 'None' : 'ConditionalCheckFailed')));
    for (const st of steps) items.set(st.id, st.next());
    commits++;
    writes += steps.length;
    return { ...META };
  }) as Handler;
  // The one Scan the guard makes: open findings naming an access point (LedgerStore.openFindingsNaming), in pages of 2.
  handlers.Scan = ((input: { FilterExpression: string; ExpressionAttributeValues: Item; ExclusiveStartKey?: Item }) => {
    const error = failing('Scan');
    if (error) return Promise.reject(error);
    if (input.FilterExpression !== '#status = :open AND contains(accessPaths.#names, :path)') {
      return Promise.reject(new Error(`the simulated table does not know the filter ${input.FilterExpression}`));
    }
    const all = [...items.entries()].sort(([a], [b]) => a.localeCompare(b));
    const from = input.ExclusiveStartKey ? all.findIndex(([id]) => id === idOf(input.ExclusiveStartKey!)) + 1 : 0;
    const page = all.slice(from, from + 2);
    const path = input.ExpressionAttributeValues[':path']?.S;
    const matching = page.map(([, i]) => i).filter((i) => i.status?.S === input.ExpressionAttributeValues[':open']?.S
      && (i.accessPaths?.M?.names?.L ?? []).some((n) => n.S === path));
    const last = page.length === 2 && from + 2 < all.length ? page[1]![1] : undefined;
    return Promise.resolve({ ...META, Items: structuredClone(matching), ...(last ? { LastEvaluatedKey: { pk: last.pk!, sk: last.sk! } } : {}) });
  }) as Handler;
  handlers.UpdateItem = ((input: { Key: Item; UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeValues: Item; ReturnValues?: string }) => {
    const error = failing('UpdateItem');
    if (error) return Promise.reject(error);
    const id = idOf(input.Key);
    const current = items.get(id);
    if (!holds(current, input.ConditionExpression, input.ExpressionAttributeValues)) return Promise.reject(conflict());
    const next = applyUpdate(current, input.Key, input.UpdateExpression, input.ExpressionAttributeValues ?? {});
    items.set(id, next);
    return Promise.resolve({ ...META, ...(input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(next) } : {}) });
  }) as Handler;
  return { table, handlers };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function simulateLedgerTable(dynamodb: AwsStub<any, any, any>): SimulatedTable {
  const { table, handlers } = ledgerTable();
  dynamodb.on(QueryCommand).callsFake(handlers.Query);
  dynamodb.on(GetItemCommand).callsFake(handlers.GetItem);
  dynamodb.on(BatchGetItemCommand).callsFake(handlers.BatchGetItem);
  dynamodb.on(TransactWriteItemsCommand).callsFake(handlers.TransactWriteItems);
  dynamodb.on(UpdateItemCommand).callsFake(handlers.UpdateItem);
  dynamodb.on(ScanCommand).callsFake(handlers.Scan);
  return table;
}
