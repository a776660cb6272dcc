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
  /** NodeHttpHandler options; the SDK builds the handler from them. */
  requestHandler?: { connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean };
}

export type ClientClass<T> = new (config: ClientConfig) => T;

export interface ClientFactory {
  client<T>(cls: ClientClass<T>, where: Where, extra?: ClientConfig): T;
}

/**
 * Timeouts on every call: the SDK has none by default, so one stalled connection would hold the
 * function until Lambda kills it, with no record of which call hung. 2 s to connect, 5 s for an
 * answer; each is retried like any other transient failure: one stalled call costs at most about
 * 27 s over 5 attempts, well under the function timeout (GuardFunction: 120 s, for the few
 * sequential rounds of an evaluation), so the error is ours to report, not a timeout's.
 * `throwOnRequestTimeout`: without it the SDK's HTTP handler (@smithy/node-http-handler 4.x) only
 * logs a warning when requestTimeout passes and keeps waiting.
 */
export const REQUEST_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true } as const;

/** Standard retry mode with a few more attempts than the default: reads are cheap, losing one is not. */
export const RETRY: ClientConfig = { maxAttempts: 5, retryMode: 'standard', requestHandler: REQUEST_TIMEOUTS };

/**
 * Single-account factory: ignores the account, caches one client per class, region and extra
 * configuration for the container's life (the sweep's adaptive retry must not leak into the
 * event path's clients, nor the other way round).
 */
export class LocalClientFactory implements ClientFactory {
  private readonly cache = new Map<unknown, Map<string, unknown>>();

  constructor(private readonly defaultRegion: string | undefined = process.env.AWS_REGION) {}

  client<T>(cls: ClientClass<T>, where: Where, extra: ClientConfig = {}): T {
    const region = where.region ?? this.defaultRegion;
    let byRegion = this.cache.get(cls);
    if (!byRegion) this.cache.set(cls, (byRegion = new Map()));
    const key = `${region ?? ''}\u0000${JSON.stringify(extra)}`;
    let client = byRegion.get(key) as T | undefined;
    if (!client) {
      client = new cls({ region, ...RETRY, ...extra });
      byRegion.set(key, client);
    }
    return client;
  }
}
