import { loadCloudConfig, type LoadCloudOptions } from './cloud-config.ts';
import type { CloudConfig } from './cloud-settings.ts';
import { CloudConfigError, EndpointNotFoundError, MicroversionError, type OpenStackError } from './errors.ts';
import { HttpClient, type HttpHooks } from './http-client.ts';
import type { HttpLogger } from './http-log.ts';
import { KeystoneSession } from './keystone-auth.ts';
import { COMPUTE_POLICY, VOLUME_POLICY, negotiateMicroversion, type MicroversionPolicy, type NegotiatedVersion, type VersionRange } from './microversion.ts';
import { isCancellation, raceContext, type OpContext } from './op-context.ts';
import type { RetryOptions } from './retry-policy.ts';
import { findEndpoint, type CatalogService, type ServiceKind } from './service-catalog.ts';
import { ServiceClient } from './service-client.ts';
import { createDispatcher } from './tls.ts';
import { discoverVersionRange, versionDocumentUrl } from './version-discovery.ts';
import { DiscoveryCache } from './discovery-cache.ts';

export interface ConnectOptions extends LoadCloudOptions {
  /** Use this configuration instead of loading one. */
  config?: CloudConfig;
  logger?: HttpLogger;
  /** Rate limit and call accounting for every attempt (http-client.ts HttpHooks). */
  hooks?: HttpHooks;
  /** Per request; clouds.yaml `api_timeout` wins, default 60 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  refreshMarginMs?: number;
  /** Narrow or widen the microversion policies (tests; a handler pinned to a version). */
  computePolicy?: MicroversionPolicy;
  volumePolicy?: MicroversionPolicy;
  /**
   * Version discovery cached on disk across processes (discovery-cache.ts),
   * in `$XDG_CACHE_HOME/novaform` or `<homeDir>/.cache/novaform`, read from
   * this object's `env` and `homeDir` (LoadCloudOptions; default the real
   * process's), also when `config` is given. `false`, or NOVAFORM_NO_CACHE
   * set in `env`, turns it off. `ttlMs` and `now` are for tests.
   */
  discoveryCache?: false | { ttlMs?: number; now?: () => number };
  /**
   * Bounds connecting (authentication, version discovery): its end rejects
   * `connect` with a cancellation and frees the pool. It is not bound to the
   * returned clients; use `bindContext` for that.
   */
  ctx?: OpContext;
}

/** Authenticated clients for one cloud, project and region. */
export interface Clients {
  readonly compute: ServiceClient;
  /** Block storage v3; `available` is false when the catalog has none (calls then throw EndpointNotFoundError). */
  readonly volume: ServiceClient;
  /** Glance v2 (the base URL ends in /v2). */
  readonly image: ServiceClient;
  /** Keystone v3. */
  readonly identity: ServiceClient;
  readonly computeVersion: NegotiatedVersion;
  /** Undefined when the cloud has no block storage service. */
  readonly volumeVersion?: NegotiatedVersion;
  readonly projectId: string;
  readonly userId: string;
  readonly cloud: CloudConfig;
  readonly session: KeystoneSession;
  /** The context `bindContext` attached to these clients; undefined for the clients `connect` returns. */
  readonly ctx?: OpContext;
  /**
   * Releases the connection pool. Tokens are not revoked (other tools may
   * share them through the cache). On a view from `bindContext` it does
   * nothing: the pool belongs to the clients `connect` returned.
   */
  close(): Promise<void>;
}

function lookup(catalog: CatalogService[], config: CloudConfig, service: ServiceKind, projectId: string): { url?: string; missing?: EndpointNotFoundError } {
  try {
    return { url: findEndpoint(catalog, { service, interface: config.interface, region: config.regionName }, projectId) };
  } catch (error) {
    if (error instanceof EndpointNotFoundError) return { missing: error };
    throw error;
  }
}

/** Glance's catalog entry is unversioned; the API lives under /v2. */
function imageBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v2(\.\d+)?$/.test(trimmed) ? trimmed : `${trimmed}/v2`;
}

interface DiscoveredVersion {
  version: NegotiatedVersion;
  /** Set when the range came from the disk cache: what a 406 turns into. */
  notAcceptable?: (error: OpenStackError, sent: string) => Promise<Error>;
}

interface DiscoverInput {
  http: HttpClient;
  cache: DiscoveryCache | undefined;
  url: string;
  major: number;
  policy: MicroversionPolicy;
  projectId: string;
  ctx: OpContext | undefined;
  token: string;
}

/**
 * The negotiated version of one service: from the cached range when the
 * cache has a fresh one, else from the cloud (then cached, but only once
 * negotiation succeeded, so a cloud that is too old is asked again next
 * time instead of being refused from the cache for an hour).
 *
 * A 406 to a version negotiated from the cache means the cloud changed
 * within the TTL (downgraded). The request was refused before acting (Nova
 * and Cinder check the version before dispatching), but re-negotiating in
 * the middle of a run would change the version under handlers that already
 * chose request shapes with `atLeast`, so the entry is dropped and the run
 * stops with one line asking to run again; the next run rediscovers.
 */
async function discoverVersion(input: DiscoverInput): Promise<DiscoveredVersion> {
  const { cache, major, policy } = input;
  const key = versionDocumentUrl(input.url, input.projectId);
  const cached = await cache?.get(key, major);
  if (cached) {
    try {
      const version = negotiateMicroversion(policy, cached);
      return {
        version,
        notAcceptable: async (error, sent) => {
          await cache!.forget(key, major);
          return new MicroversionError(`the cloud no longer accepts ${policy.service} microversion ${sent}, which novaform negotiated from its version `
            + `document cached in ${cache!.path} (the cloud changed within the hour); the request was refused before acting and the cached entry is `
            + 'dropped: run the command again', { cause: error });
        },
      };
    } catch {
      // A cached range novaform cannot use: ask the cloud, which has the last word.
    }
  }
  const range: VersionRange = await discoverVersionRange(input.http, input.url, major, input.projectId, input.ctx, input.token);
  const version = negotiateMicroversion(policy, range);
  await cache?.put(key, major, range);
  return { version };
}

/**
 * Connects to the configured cloud: loads clouds.yaml / OS_* (see
 * cloud-config.ts), authenticates against Keystone v3, finds the endpoints
 * and negotiates the compute and volume microversions.
 *
 * @example
 * const clients = await connect({ cloud: 'lab' });
 * try {
 *   for await (const server of clients.compute.list(SERVERS)) console.log(server.name);
 *   if (clients.computeVersion.atLeast(2, 55)) { ... }
 * } finally {
 *   await clients.close();
 * }
 */
export async function connect(options: ConnectOptions = {}): Promise<Clients> {
  const config = options.config ?? await loadCloudConfig(options);
  const dispatcher = await createDispatcher(config.tls);
  try {
    const http = new HttpClient({ dispatcher, logger: options.logger, hooks: options.hooks, retry: options.retry, timeoutMs: config.apiTimeoutMs ?? options.timeoutMs });
    const session = new KeystoneSession(config.auth, http, { refreshMarginMs: options.refreshMarginMs });
    const access = options.ctx ? await raceContext(session.access(), options.ctx) : await session.access();
    if (!access.projectId) {
      throw new CloudConfigError(`cloud '${config.name}': the token is not scoped to a project (the user has no default project): set project_name or project_id`);
    }
    const projectId = access.projectId;
    const endpoint = (service: ServiceKind) => lookup(access.catalog, config, service, projectId);

    const cache = options.discoveryCache === false ? undefined
      : DiscoveryCache.open({ env: options.env, homeDir: options.homeDir, ...options.discoveryCache });
    const discover = (url: string, major: number, policy: MicroversionPolicy) =>
      discoverVersion({ http, cache, url, major, policy, projectId, ctx: options.ctx, token: access.token });

    const compute = endpoint('compute');
    if (!compute.url) throw compute.missing!;
    const computeFound = await discover(compute.url, 2, options.computePolicy ?? COMPUTE_POLICY);
    const volume = endpoint('volume');
    const volumeFound = volume.url ? await discover(volume.url, 3, options.volumePolicy ?? VOLUME_POLICY) : undefined;
    const computeVersion = computeFound.version;
    const volumeVersion = volumeFound?.version;
    const image = endpoint('image');
    const identity = endpoint('identity');
    const identityUrl = identity.url && /\/v3\/?$/.test(identity.url) ? identity.url
      : options.ctx ? await raceContext(session.identityEndpoint(), options.ctx) : await session.identityEndpoint();

    const client = (service: string, found: { url?: string; missing?: EndpointNotFoundError }, discovered?: DiscoveredVersion) =>
      new ServiceClient({ service, http, auth: session, endpoint: found.url, missing: found.missing, version: discovered?.version, notAcceptable: discovered?.notAcceptable });
    return {
      compute: client('compute', compute, computeFound),
      volume: client('volume', volume, volumeFound),
      image: client('image', { url: image.url && imageBase(image.url), missing: image.missing }),
      identity: client('identity', { url: identityUrl }),
      computeVersion,
      volumeVersion,
      projectId,
      userId: access.userId,
      cloud: config,
      session,
      close: () => dispatcher.close(),
    };
  } catch (error) {
    // close() lets requests in flight finish (up to their timeout); a cancelled connect must not wait for them.
    await (isCancellation(error) ? dispatcher.destroy() : dispatcher.close());
    throw error;
  }
}

/**
 * A view of `clients` whose compute, volume, image and identity services
 * attach `ctx` to every request that passes none, so code that takes a
 * `Clients` (the kind handlers) is cancelled and deadline-bound without
 * threading `ctx` through each call. It shares the connection pool, the
 * Keystone session (token) and the negotiated versions: binding opens no
 * connection and authenticates nothing. `ctx` replaces a context bound
 * earlier; derive it from `clients.ctx` to keep both.
 *
 * `close()` on the view MUST NOT and does not close the shared pool; close
 * the clients `connect` returned, once, when every view is done.
 *
 * @example
 * const step = withTimeout(run, 15 * 60_000);
 * try {
 *   await handler.create(bindContext(clients, step), spec);
 * } finally {
 *   step.cancel();
 * }
 */
export function bindContext(clients: Clients, ctx: OpContext): Clients {
  return {
    ...clients,
    compute: clients.compute.withContext(ctx),
    volume: clients.volume.withContext(ctx),
    image: clients.image.withContext(ctx),
    identity: clients.identity.withContext(ctx),
    ctx,
    close: async () => {},
  };
}
