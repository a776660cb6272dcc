/**
 * What the sweep's coordinator puts on the queue and its workers take off it: one message per
 * batch of resources, numbered within the run so a retried coordinator enqueues the same batches
 * and a retried batch is counted once. The message id `run:seq` is also the ledger's claim id, so a
 * batch retried after a failed publish sends what it claimed, and nothing twice.
 */

/** Buckets per message: about 50 × 5 calls at 25 ms, 10 at once, is a few seconds of work. */
export const BUCKETS_PER_BATCH = 50;
/** Groups per message: one filtered read per 100 groups (EC2 takes 200 filter values). */
export const GROUPS_PER_BATCH = 100;

interface BatchBase {
  run: string;
  seq: number;
}

export type SweepBatch =
  | BatchBase & { kind: 'account' }
  // The account-level Block Public Access is read by the worker, once per batch (sweep-worker.ts).
  | BatchBase & { kind: 'buckets'; buckets: { name: string; region?: string }[] }
  | BatchBase & { kind: 'groups'; groupIds: string[] };

export const batchId = (b: Pick<SweepBatch, 'run' | 'seq'>) => `${b.run}:${b.seq}`;

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The message body as a batch, or why it is not one (it then fails to the DLQ, where someone sees it). */
export function parseSweepBatch(body: string): SweepBatch | { invalid: string } {
  let m: unknown;
  try {
    m = JSON.parse(body);
  } catch {
    return { invalid: 'the message body is not JSON' };
  }
  if (typeof m !== 'object' || m === null) return { invalid: 'the message body is not an object' };
  const b = m as Record<string, unknown>;
  if (!isString(b.run) || !Number.isInteger(b.seq)) return { invalid: 'the message names no run and sequence number' };
  if (b.kind === 'account') return { run: b.run, seq: b.seq as number, kind: 'account' };
  if (b.kind === 'buckets') {
    const buckets = b.buckets;
    if (!Array.isArray(buckets) || !buckets.every((x) => typeof x === 'object' && x !== null && isString((x as { name?: unknown }).name))) {
      return { invalid: 'a buckets message without a list of bucket names' };
    }
    return { run: b.run, seq: b.seq as number, kind: 'buckets', buckets: buckets as { name: string; region?: string }[] };
  }
  if (b.kind === 'groups') {
    if (!Array.isArray(b.groupIds) || !b.groupIds.every(isString) || b.groupIds.length > 200) return { invalid: 'a groups message without a list of at most 200 group ids' };
    return { run: b.run, seq: b.seq as number, kind: 'groups', groupIds: b.groupIds };
  }
  return { invalid: `unknown batch kind ${JSON.stringify(b.kind)}` };
}
