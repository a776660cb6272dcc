/**
 * A simulated AWS behind real SDK v3 clients. A middleware at the deserialize step answers each
 * command after a fixed latency, so everything above it runs for real: serialisation, endpoint
 * resolution, signing, and the SDK's retry strategy (which sees throttling and transient errors
 * with the names and status codes AWS uses). Every call's start and end are recorded.
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { S3ControlServiceException } from '@aws-sdk/client-s3-control';
import { SNSServiceException } from '@aws-sdk/client-sns';
import type { ClientClass, ClientConfig, ClientFactory, Where } from '../lambda/adapters/clients';
import { RETRY } from '../lambda/adapters/clients';

export type Answer = (input: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface SimOptions {
  latencyMs: number;
  /** Per-API token bucket by service (S3, S3Control, EC2, SNS): requests per second and burst. Above it the call is throttled. */
  rates?: Record<string, { rate: number; burst: number }>;
  /** Fraction of calls answered with a transient 5xx; chosen by hashing the call, not by timing. */
  transientFailureRate?: number;
  /** Keep each call's start/end (for round trips); off for large runs. */
  record?: boolean;
}

export interface CallRecord {
  api: string;
  start: number;
  end: number;
  error?: string;
}

const THROTTLE: Record<string, [string, number]> = {
  S3: ['SlowDown', 503], EC2: ['RequestLimitExceeded', 503], SNS: ['Throttling', 400], S3Control: ['SlowDown', 503],
};
const TRANSIENT: [string, number] = ['InternalError', 500];
const EXCEPTIONS: Record<string, typeof S3ServiceException> = {
  S3: S3ServiceException, EC2: EC2ServiceException, SNS: SNSServiceException, S3Control: S3ControlServiceException,
};

/** FNV-1a: the same call (API, input, attempt) fails or not in every run, whatever the interleaving. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly rate: number, private readonly burst: number) { this.tokens = burst; }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class SimulatedAws {
  readonly records: CallRecord[] = [];
  calls = 0;
  readonly callsByService: Record<string, number> = {};
  throttled = 0;
  transient = 0;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly options: SimOptions, private readonly answers: Record<string, Answer>) {}

  /** The service's own exception class, as its deserialiser would build it. */
  private error(service: string, [name, status]: [string, number], message: string): Error {
    const Exception = EXCEPTIONS[service] ?? S3ServiceException;
    return new Exception({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'SIM' }, message });
  }

  private async answer(service: string, api: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const start = performance.now();
    this.calls += 1;
    this.callsByService[service] = (this.callsByService[service] ?? 0) + 1;
    let failure: Error | undefined;
    const { transientFailureRate = 0 } = this.options;
    const limit = this.options.rates?.[service];
    if (limit) {
      let bucket = this.buckets.get(`${service}:${api}`);
      if (!bucket) this.buckets.set(`${service}:${api}`, (bucket = new TokenBucket(limit.rate, limit.burst)));
      if (!bucket.take()) {
        failure = this.error(service, THROTTLE[service] ?? ['ThrottlingException', 400], 'Rate exceeded');
        this.throttled += 1;
      }
    }
    if (!failure && transientFailureRate > 0) {
      // Only calls that failed are remembered (to fail their retry differently), so the
      // simulation's memory does not grow with the number of calls.
      const key = `${api}:${JSON.stringify(input)}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      if (hash(`${key}#${attempt}`) % 10_000 < transientFailureRate * 10_000) {
        failure = this.error(service, TRANSIENT, 'We encountered an internal error. Please try again.');
        this.transient += 1;
        this.attempts.set(key, attempt);
      } else if (attempt > 1) {
        this.attempts.delete(key);
      }
    }
    await new Promise((r) => setTimeout(r, this.options.latencyMs));
    let errorName: string | undefined;
    try {
      if (failure) throw failure;
      const handler = this.answers[`${service}:${api}`] ?? this.answers[api];
      if (!handler) throw new Error(`simulated AWS has no answer for ${api}`);
      return { ...(await handler(input)), $metadata: { httpStatusCode: 200, requestId: 'SIM', attempts: 1, totalRetryDelay: 0 } };
    } catch (error) {
      errorName = (error as Error).name;
      throw error;
    } finally {
      if (this.options.record) this.records.push({ api, start, end: performance.now(), ...(errorName ? { error: errorName } : {}) });
    }
  }

  /** A ClientFactory handing out real clients wired to this simulation. */
  factory(defaults: ClientConfig = {}): ClientFactory {
    const cache = new Map<string, unknown>();
    return {
      client: <T>(cls: ClientClass<T>, where: Where, extra: ClientConfig = {}): T => {
        const key = `${cls.name}:${where.region ?? ''}:${JSON.stringify(extra)}`;
        let client = cache.get(key) as T | undefined;
        if (!client) {
          client = new cls({
            region: where.region ?? 'eu-west-1', ...RETRY, ...defaults, ...extra,
            credentials: { accessKeyId: 'AKIASIMULATED', secretAccessKey: 'simulated' },
          } as ClientConfig);
          this.attach(client, cls.name.replace(/Client$/, ''));
          cache.set(key, client);
        }
        return client;
      },
    };
  }

  /** Answers at the deserialize step: the retry middleware (finalizeRequest) wraps it, as it wraps HTTP. */
  private attach(client: unknown, service: string): void {
    type Next = (args: unknown) => Promise<unknown>;
    const stack = (client as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack;
    stack.add(
      (_next: Next, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => ({
        output: await this.answer(service, (context.commandName ?? 'unknown').replace(/Command$/, ''), args.input),
        response: { statusCode: 200, headers: {} },
      }),
      { step: 'deserialize', name: 'simulatedAws', priority: 'high' },
    );
  }
}

/**
 * Sequential round trips: the longest chain of calls each of which started only after the
 * previous one ended. Parallel reads overlap, so they count once.
 */
export function roundTrips(records: readonly CallRecord[]): number {
  return Math.max(0, ...callDepths(records).map((c) => c.depth));
}

/** Each call with its position in the longest chain that leads to it (1 = needed nothing before it). */
export function callDepths(records: readonly CallRecord[]): (CallRecord & { depth: number })[] {
  const sorted = [...records].sort((a, b) => a.start - b.start);
  const out: (CallRecord & { depth: number })[] = [];
  sorted.forEach((c, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= c.start) d = Math.max(d, out[j]!.depth + 1);
    out.push({ ...c, depth: d });
  });
  return out;
}
