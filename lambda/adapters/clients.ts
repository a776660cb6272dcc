/**
 * Clients keyed by account and region rather than module-global ones bound to one account, so
 * a hub can later hand out clients built on an assumed spoke role. Each handler names the client
 * classes it uses, so esbuild bundles only those SDK packages.
 */

export interface Where {
  account?: string;
  region?: string;
}

export interface ClientConfig {
  region?: string;
  maxAttempts?: number;
  retryMode?: string;
  followRegionRedirects?: boolean;
}

export type ClientClass<T> = new (config: ClientConfig) => T;

export interface ClientFactory {
  client<T>(cls: ClientClass<T>, where: Where, extra?: ClientConfig): T;
}

/** Standard retry mode with a few more attempts than the default: reads are cheap, losing one is not. */
export const RETRY: ClientConfig = { maxAttempts: 5, retryMode: 'standard' };

/** Single-account factory: ignores the account, caches one client per class and region for the container's life. */
export class LocalClientFactory implements ClientFactory {
  private readonly cache = new Map<unknown, Map<string, unknown>>();

  constructor(private readonly defaultRegion: string | undefined = process.env.AWS_REGION) {}

  client<T>(cls: ClientClass<T>, where: Where, extra: ClientConfig = {}): T {
    const region = where.region ?? this.defaultRegion;
    let byRegion = this.cache.get(cls);
    if (!byRegion) this.cache.set(cls, (byRegion = new Map()));
    const key = region ?? '';
    let client = byRegion.get(key) as T | undefined;
    if (!client) {
      client = new cls({ region, ...RETRY, ...extra });
      byRegion.set(key, client);
    }
    return client;
  }
}
