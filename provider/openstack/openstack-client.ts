import { loadCloudConfig, type LoadCloudOptions } from './cloud-config.ts';
import type { CloudConfig } from './cloud-settings.ts';
import { CloudConfigError, EndpointNotFoundError } from './errors.ts';
import { HttpClient, type HttpHooks } from './http-client.ts';
import type { HttpLogger } from './http-log.ts';
import { KeystoneSession } from './keystone-auth.ts';
import { COMPUTE_POLICY, VOLUME_POLICY, negotiateMicroversion, type MicroversionPolicy, type NegotiatedVersion } from './microversion.ts';
import { isCancellation, raceContext, type OpContext } from './op-context.ts';
import type { RetryOptions } from './retry-policy.ts';
import { findEndpoint, type CatalogService, type ServiceKind } from './service-catalog.ts';
import { ServiceClient } from './service-client.ts';
import { createDispatcher } from './tls.ts';
import { discoverVersionRange } from './version-discovery.ts';

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

    const compute = endpoint('compute');
    if (!compute.url) throw compute.missing!;
    const computeVersion = negotiateMicroversion(options.computePolicy ?? COMPUTE_POLICY, await discoverVersionRange(http, compute.url, 2, projectId, options.ctx));
    const volume = endpoint('volume');
    const volumeVersion = volume.url
      ? negotiateMicroversion(options.volumePolicy ?? VOLUME_POLICY, await discoverVersionRange(http, volume.url, 3, projectId, options.ctx))
      : undefined;
    const image = endpoint('image');
    const identity = endpoint('identity');
    const identityUrl = identity.url && /\/v3\/?$/.test(identity.url) ? identity.url
      : options.ctx ? await raceContext(session.identityEndpoint(), options.ctx) : await session.identityEndpoint();

    const client = (service: string, found: { url?: string; missing?: EndpointNotFoundError }, version?: NegotiatedVersion) =>
      new ServiceClient({ service, http, auth: session, endpoint: found.url, missing: found.missing, version });
    return {
      compute: client('compute', compute, computeVersion),
      volume: client('volume', volume, volumeVersion),
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
