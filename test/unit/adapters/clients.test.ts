/** Every AWS client the guard builds has timeouts and retries: a stalled call is an error, never a hang. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { LocalClientFactory, REQUEST_TIMEOUTS, type ClientConfig } from '../../../lambda/adapters/clients';
import { SWEEP_CLIENT_CONFIG } from '../../../lambda/app/sweep';

test('the factory gives every client the request timeouts, the sweep\'s adaptive retry included', () => {
  const seen: ClientConfig[] = [];
  class Recording { constructor(config: ClientConfig) { seen.push(config); } }
  const factory = new LocalClientFactory('eu-west-1');
  factory.client(Recording, {});
  factory.client(Recording, { region: 'us-east-1' }, SWEEP_CLIENT_CONFIG);
  expect(seen).toEqual([
    expect.objectContaining({ region: 'eu-west-1', maxAttempts: 5, requestHandler: REQUEST_TIMEOUTS }),
    expect.objectContaining({ region: 'us-east-1', retryMode: 'adaptive', maxAttempts: 8, requestHandler: REQUEST_TIMEOUTS }),
  ]);
});

test.each([S3Client, EC2Client, SNSClient])('a real %p built by the factory carries them into its HTTP handler', async (cls) => {
  const client = new LocalClientFactory('eu-west-1').client(cls as unknown as new (c: ClientConfig) => S3Client, {});
  const handler = client.config.requestHandler as unknown as { configProvider: Promise<{ connectionTimeout: number; requestTimeout: number }> };
  await expect(handler.configProvider).resolves.toMatchObject(REQUEST_TIMEOUTS);
  client.destroy();
});

test('a client is cached per class, region and configuration: the sweep\'s retry settings never reach the event path\'s client', () => {
  const factory = new LocalClientFactory('eu-west-1');
  class Plain { constructor(readonly config: ClientConfig) {} }
  const event = factory.client(Plain, {}, { followRegionRedirects: true });
  const sweep = factory.client(Plain, {}, { followRegionRedirects: true, ...SWEEP_CLIENT_CONFIG });
  expect(sweep).not.toBe(event);
  expect(factory.client(Plain, {}, { followRegionRedirects: true })).toBe(event);
  expect(event.config).toMatchObject({ maxAttempts: 5, retryMode: 'standard' });
  expect(sweep.config).toMatchObject({ maxAttempts: 8, retryMode: 'adaptive' });
});
