/**
 * A stalled call during `scan`: the SDK's request timeout ends each attempt, the attempts are
 * bounded, and the scan ends with an INCOMPLETE row that says it timed out, everything else
 * reported. EC2 answers through a request handler that never responds and honours only the
 * timeout the client configures (as @smithy/node-http-handler does); time is jest's fake clock,
 * so nothing here waits on the wall clock.
 */
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory, type ClientClass, type ClientConfig, type ClientFactory, type Where } from '../../lambda/adapters/clients';
import { runScanCommand, type CliIo } from '../../bin/cli';
import { ALL_ON, META, mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const sts = mockClient(STSClient);

/** An HTTP handler whose requests never get an answer: each ends only when the configured requestTimeout passes. */
class StalledHandler {
  attempts = 0;
  constructor(private readonly config: ClientConfig['requestHandler']) {}
  handle(_request: unknown, options: { abortSignal?: AbortSignal; requestTimeout?: number } = {}): Promise<never> {
    this.attempts += 1;
    const ms = options.requestTimeout ?? this.config?.requestTimeout;
    return new Promise((_resolve, reject) => {
      // Without a timeout the real handler would wait forever: fail the test instead of hanging it.
      if (!ms || this.config?.throwOnRequestTimeout !== true) {
        reject(new Error('no request timeout that throws is configured: a stalled call would hang'));
        return;
      }
      const timer = setTimeout(() => reject(Object.assign(new Error(`@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${ms} ms requestTimeout.`), { name: 'TimeoutError', code: 'ETIMEDOUT' })), ms);
      options.abortSignal?.addEventListener('abort', () => { clearTimeout(timer); reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })); });
    });
  }
  updateHttpClientConfig(): void { /* nothing to update */ }
  httpHandlerConfigs(): Record<string, never> { return {}; }
  destroy(): void { /* no sockets */ }
}

/** The CLI's clients, except EC2, which gets the stalled handler with the timeouts the CLI asked for. */
class StalledEc2Factory implements ClientFactory {
  readonly handlers: StalledHandler[] = [];
  private readonly local = new LocalClientFactory('eu-west-1');
  client<T>(cls: ClientClass<T>, where: Where, extra: ClientConfig = {}): T {
    if ((cls as unknown) !== EC2Client) return this.local.client(cls, where, extra);
    const handler = new StalledHandler(extra.requestHandler);
    this.handlers.push(handler);
    return new EC2Client({
      region: where.region ?? 'eu-west-1', ...extra, requestHandler: handler as never,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test-only' },
    } as never) as T;
  }
}

beforeEach(() => {
  jest.useFakeTimers();
  for (const m of [s3, s3control, sts]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ ...META, Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDAEXAMPLE' });
  s3.on(ListBucketsCommand).resolves({ ...META, Buckets: [{ Name: 'acme-site', BucketRegion: 'eu-west-1' }] });
  mockBucketAccount({ s3, s3control }, { accountPublicAccessBlock: { PublicAccessBlockConfiguration: ALL_ON } });
});

afterEach(() => {
  jest.useRealTimers();
});

test('a DescribeSecurityGroups that never answers: bounded attempts, then an INCOMPLETE row that says it timed out; the buckets are still reported', async () => {
  const clients = new StalledEc2Factory();
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readFile: () => '', readStdin: () => '' };
  let code: number | undefined;
  void runScanCommand(['--json', '--region', 'eu-west-1'], io, clients).then((c) => { code = c; });
  // Simulated seconds, one at a time, until the scan ends (or a generous bound that would mean it hangs).
  for (let second = 0; code === undefined && second < 300; second++) await jest.advanceTimersByTimeAsync(1_000);

  expect(code).toBe(0);
  expect(clients.handlers).toHaveLength(1);
  // the CLI's bound: three attempts of the SDK's request timeout, not the sweep's eight
  expect(clients.handlers[0]!.attempts).toBe(3);
  const results = JSON.parse(out) as { resource: { type: string; id: string }; status: string; unknownReasons?: Record<string, string> }[];
  const row = results.find((r) => r.resource.type === 'security-group');
  expect(row).toMatchObject({ resource: { id: '*' }, status: 'INCOMPLETE' });
  expect(row?.unknownReasons?.securityGroups).toMatch(/^ec2:DescribeSecurityGroups: timed out: no answer from ec2\.eu-west-1\.amazonaws\.com .*\(TimeoutError\)/);
  expect(results.map((r) => `${r.resource.type}:${r.resource.id}`)).toContain('s3-bucket:acme-site');
  expect(err).toContain('security groups of eu-west-1: not listed (ec2:DescribeSecurityGroups: timed out');
});
