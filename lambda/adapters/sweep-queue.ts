/**
 * Puts sweep batches on the queue, ten to a SendMessageBatch call. SendMessageBatch answers 200
 * even when some entries failed: those are sent again, and after a few tries the coordinator fails
 * (Lambda retries it; the run's numbering makes that safe), so no batch is dropped unseen.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { batchId, type SweepBatch } from '../core/sweep/batches';

/** SQS takes at most 10 entries per SendMessageBatch. */
const PER_CALL = 10;
const TRIES = 4;

export class SweepQueueError extends Error {
  override name = 'SweepQueueError';
}

export class SweepQueue {
  private pending: SweepBatch[] = [];
  sent = 0;

  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async add(batch: SweepBatch): Promise<void> {
    this.pending.push(batch);
    if (this.pending.length >= PER_CALL) await this.flush();
  }

  async flush(): Promise<void> {
    let batches = this.pending;
    this.pending = [];
    for (let attempt = 1; batches.length > 0; attempt++) {
      const byId = new Map(batches.map((b, i) => [`b${i}`, b]));
      const out = await this.sqs.send(new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: [...byId].map(([Id, b]) => ({ Id, MessageBody: JSON.stringify(b) })),
      }));
      this.sent += out.Successful?.length ?? 0;
      const failed = out.Failed ?? [];
      batches = failed.map((f) => byId.get(f.Id ?? '')).filter((b): b is SweepBatch => b !== undefined);
      if (batches.length > 0 && (attempt >= TRIES || failed.some((f) => f.SenderFault))) {
        const first = failed[0];
        throw new SweepQueueError(`${batches.length} sweep batches could not be queued (${batches.map(batchId).join(', ')}): ${first?.Code ?? 'unknown'}: ${first?.Message ?? ''}`);
      }
    }
  }
}
