import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * A bare HTTP client for the differential test: Keystone password auth,
 * endpoints from the catalog, and requests sent exactly as given (no
 * retries, no microversion negotiation, no paging), so the engine and a real
 * cloud see byte-for-byte the same requests.
 */

export type ServiceName = 'compute' | 'volume' | 'identity';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON). */
  rawBody?: string;
  /** `OpenStack-API-Version: <service> <mv>`. */
  mv?: string;
  headers?: Record<string, string>;
  /** Send without the session's token. */
  anonymous?: boolean;
}

export interface Session {
  readonly token: string;
  readonly projectId: string;
  readonly userId: string;
  /** Service base URLs from the catalog, without a trailing slash: compute `.../v2.1`, volume `.../v3/{project}`, identity `.../v3`. */
  readonly endpoints: Record<ServiceName, string>;
  /** `path` is relative to the service's base URL; an absolute URL is used as is. */
  request(service: ServiceName, method: string, path: string, options?: RequestOptions): Promise<RawResponse>;
}

export interface Credentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
}

export async function send(url: string, method: string, options: RequestOptions & { token?: string; service?: ServiceName } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.token && !options.anonymous) headers['X-Auth-Token'] = options.token;
  if (options.mv && options.service && options.service !== 'identity') headers['OpenStack-API-Version'] = `${options.service} ${options.mv}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { method, headers, body, redirect: 'manual' });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    } catch (error) {
      // uwsgi closes every connection (Connection: close); a reused socket can be reset. Only a transport error is retried.
      if (attempt >= 2) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const SERVICE_TYPES: Record<ServiceName, string[]> = {
  compute: ['compute'],
  volume: ['block-storage', 'volumev3'],
  identity: ['identity'],
};

export async function login(credentials: Credentials): Promise<Session> {
  const authUrl = credentials.authUrl.replace(/\/$/, '');
  const response = await send(`${authUrl}/auth/tokens`, 'POST', {
    body: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: credentials.username, domain: { name: credentials.userDomainName ?? 'Default' }, password: credentials.password } } },
        scope: { project: { name: credentials.projectName, domain: { name: credentials.projectDomainName ?? 'Default' } } },
      },
    },
  });
  if (response.status !== 201) throw new Error(`login ${credentials.username} at ${authUrl}: ${response.status} ${response.text.slice(0, 300)}`);
  const token = response.headers.get('x-subject-token')!;
  const catalog = response.body.token.catalog as { type: string; endpoints: { interface: string; url: string }[] }[];
  const endpointOf = (service: ServiceName): string => {
    for (const type of SERVICE_TYPES[service]) {
      const entry = catalog.find((c) => c.type === type);
      const endpoint = entry?.endpoints.find((e) => e.interface === 'public') ?? entry?.endpoints[0];
      if (endpoint) return endpoint.url.replace(/\/$/, '');
    }
    if (service === 'identity') return authUrl;
    throw new Error(`no ${service} endpoint in the catalog of ${authUrl}`);
  };
  const endpoints = { compute: endpointOf('compute'), volume: endpointOf('volume'), identity: endpointOf('identity') };
  return {
    token,
    projectId: response.body.token.project.id,
    userId: response.body.token.user.id,
    endpoints,
    request: (service, method, path, options = {}) =>
      send(/^https?:/.test(path) ? path : `${endpoints[service]}${path}`, method, { ...options, token, service }),
  };
}

/** Credentials of clouds.yaml entry `cloud` (OS_CLIENT_CONFIG_FILE, else ./clouds.yaml). */
export function cloudCredentials(cloud: string, file = process.env.OS_CLIENT_CONFIG_FILE ?? 'clouds.yaml'): Credentials {
  const parsed = parseYaml(readFileSync(file, 'utf8')) as { clouds: Record<string, { auth: Record<string, string> }> };
  const auth = parsed.clouds[cloud]?.auth;
  if (!auth) throw new Error(`no cloud ${cloud} in ${file}`);
  return {
    authUrl: auth.auth_url!, username: auth.username!, password: auth.password!, projectName: auth.project_name!,
    userDomainName: auth.user_domain_name, projectDomainName: auth.project_domain_name,
  };
}
