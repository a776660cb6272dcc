import { LocalClientFactory, type ClientClass, type ClientConfig, type ClientFactory, type Where } from '../../lambda/adapters/clients';

/** Every client with one attempt: a throttled or failing call is the test's to answer, not the SDK's to wait on. */
export class OneAttempt implements ClientFactory {
  private readonly inner = new LocalClientFactory('eu-west-1');
  client<T>(cls: ClientClass<T>, where: Where, extra: ClientConfig = {}): T {
    return this.inner.client(cls, where, { ...extra, maxAttempts: 1 });
  }
}
