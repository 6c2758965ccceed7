import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestEngine } from '../../helpers/engine-harness.ts';

/** OS_* variables for a seeded engine user. */
export function engineEnv(t: TestEngine, user = 'admin'): Record<string, string> {
  const seed = t.engine.config.users.find((u) => u.name === user)!;
  return {
    OS_AUTH_URL: t.engine.authUrl, OS_USERNAME: user, OS_PASSWORD: seed.password,
    OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: seed.project, OS_PROJECT_DOMAIN_NAME: 'Default',
  };
}

/** A temp tree with cwd/, home/ and etc/ for config searches; nothing outside it is read. */
export interface ConfigTree {
  root: string;
  cwd: string;
  homeDir: string;
  systemDir: string;
  /** Writes `text` at `relative` under root, creating directories. */
  write(relative: string, text: string): Promise<string>;
  locations(env?: Record<string, string | undefined>): { env: Record<string, string | undefined>; cwd: string; homeDir: string; systemDir: string };
  remove(): Promise<void>;
}

export async function configTree(): Promise<ConfigTree> {
  const root = await mkdtemp(join(tmpdir(), 'novaform-config-'));
  const cwd = join(root, 'cwd');
  const homeDir = join(root, 'home');
  const systemDir = join(root, 'etc', 'openstack');
  await Promise.all([cwd, homeDir, systemDir].map((d) => mkdir(d, { recursive: true })));
  return {
    root, cwd, homeDir, systemDir,
    async write(relative, text) {
      const path = join(root, relative);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    locations: (env = {}) => ({ env, cwd, homeDir, systemDir }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export interface FakeServer {
  url: string;
  /** Every request seen, in order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1, port 0, for behaviour the engine cannot produce. */
export async function fakeServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void,
  tls?: { key: string; cert: string },
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body, requests.length - 1);
    });
  };
  const server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Test HTTP settings: fast backoff so retries do not slow the suite. */
export const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50 };

export interface FakeCloudOptions {
  /** The compute version document's `version` (max) and `min_version`. */
  computeMax?: string;
  computeMin?: string;
  /** Catalog service types to advertise besides compute (default: none). */
  extraServices?: Array<{ type: string; path: string }>;
  region?: string;
  /** Issue tokens without a project (a user with no default project). */
  unscoped?: boolean;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

/**
 * A minimal cloud: Keystone token issue with a catalog pointing back at this
 * server, and a Nova version document with the given range. Compute calls
 * answer `{"servers": []}`.
 */
export async function fakeCloud(options: FakeCloudOptions = {}): Promise<FakeServer> {
  let base = '';
  const server = await fakeServer((req, res) => {
    const endpoint = (type: string, path: string) => ({
      type, endpoints: ['public', 'internal'].map((iface) => ({ interface: iface, region: options.region ?? 'RegionOne', region_id: options.region ?? 'RegionOne', url: `${base}${path}` })),
    });
    if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': 'fake-token' });
      res.end(JSON.stringify({ token: {
        expires_at: new Date(Date.now() + 3600_000).toISOString(), issued_at: new Date().toISOString(),
        user: { id: 'u1', name: 'fake' }, ...(options.unscoped ? {} : { project: { id: 'p1', name: 'fake' } }), roles: [{ name: 'member' }],
        catalog: [endpoint('compute', '/compute/v2.1'), ...(options.extraServices ?? []).map((s) => endpoint(s.type, s.path))],
      } }));
    } else if (req.url === '/compute/v2.1/' || req.url === '/compute/v2.1') {
      sendJson(res, 200, { version: { id: 'v2.1', status: 'CURRENT', version: options.computeMax ?? '2.93', min_version: options.computeMin ?? '2.1' } });
    } else if (req.url?.startsWith('/compute/v2.1/servers')) {
      sendJson(res, 200, { servers: [] });
    } else sendJson(res, 404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
  }, options.tls);
  base = server.url;
  return server;
}
