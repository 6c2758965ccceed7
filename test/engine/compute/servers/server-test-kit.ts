import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import type { EngineOptions } from '../../../../engine/server.ts';
import { eventually, startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

/** Flavors most server tests use (no flavor API exists in these tests: seeded through the config). */
export const TEST_FLAVORS = [
  { id: 'small', name: 'm1.small', vcpus: 1, ram: 512, disk: 1 },
  { id: 'medium', name: 'm1.medium', vcpus: 2, ram: 2048, disk: 20 },
  { id: 'huge', name: 'm1.huge', vcpus: 4, ram: 400000, disk: 20 },
  { id: 'nodisk', name: 'm1.nodisk', vcpus: 1, ram: 512, disk: 0 },
];

/** An engine with the test flavors and two hosts; `config` entries override. */
export function startServersEngine(options: EngineOptions & { config?: Record<string, unknown> } = {}): Promise<TestEngine> {
  return startTestEngine({ ...options, config: { flavors: TEST_FLAVORS, hosts: ['compute-1', 'compute-2'], ...options.config } });
}

export function imageId(t: TestEngine, name: string): string {
  const image = t.engine.context.store.images.find((i) => i.name === name);
  if (!image) throw new Error(`no image ${name}`);
  return image.id;
}

/** A minimal valid create body at 2.37+ (networks required). */
export function serverBody(t: TestEngine, overrides: Record<string, unknown> = {}): { server: Record<string, unknown> } {
  return { server: { name: 'vm', flavorRef: 'small', imageRef: imageId(t, 'cirros'), networks: 'auto', ...overrides } };
}

export async function createServer(client: ApiClient, body: unknown, microversion = '2.37'): Promise<string> {
  const r = await client.post('/v2.1/servers', body, microversion);
  if (r.status !== 202) throw new Error(`create failed: ${r.status} ${r.text}`);
  return r.body.server.id;
}

/** Polls GET /servers/{id} until its status is `status`; returns the server view. */
export function waitForStatus(client: ApiClient, id: string, status: string, microversion = '2.1'): Promise<any> {
  return eventually(async () => {
    const r = await client.get(`/v2.1/servers/${id}`, microversion);
    return r.status === 200 && r.body.server.status === status ? r.body.server : undefined;
  });
}

/** Polls until GET /servers/{id} answers 404. */
export function waitForGone(client: ApiClient, id: string): Promise<true> {
  return eventually(async () => ((await client.get(`/v2.1/servers/${id}`)).status === 404 ? true : undefined));
}

/** Puts a keypair for `client`'s user straight into the store (keypairs are per user). */
export async function seedKeypair(t: TestEngine, client: ApiClient, name: string): Promise<void> {
  await t.engine.context.store.keypairs.put({
    id: `${client.userId}/${name}`, numericId: 1, name, userId: client.userId, type: 'ssh',
    publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx test', fingerprint: '00:11', createdAt: new Date().toISOString(),
  });
}

// ---- Tempest response schemas (python3-tempest), when installed ----

const PYTHON = '/usr/bin/python3';
const schemaCache = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uri', (v: string) => URL.canParse(v));
ajv.addFormat('ipv4', (v: string) => isIPv4(v));
ajv.addFormat('ipv6', (v: string) => isIPv6(v));
ajv.addFormat('iso8601-date-time', (v: string) => !Number.isNaN(Date.parse(v)));
ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)));
ajv.addFormat('uuid', /^[0-9a-f-]{32,36}$/i);

/** True when Debian's tempest response schemas can be loaded. */
export const tempestAvailable = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import tempest.lib.api_schema.response.compute.v2_1.servers'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The `response_body` schema `name` of tempest's compute module `v2_X/servers.py`. */
export function tempestSchema(version: string, name: string): ValidateFunction {
  const key = `${version}/${name}`;
  let fn = schemaCache.get(key);
  if (!fn) {
    const script = `import json\nfrom tempest.lib.api_schema.response.compute.${version} import servers\nprint(json.dumps(servers.${name}['response_body']))`;
    fn = ajv.compile(JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' })));
    schemaCache.set(key, fn);
  }
  return fn;
}

/** Validates `body` against a tempest schema; the error text lists every violation. */
export function tempestErrors(version: string, name: string, body: unknown): string | null {
  const fn = tempestSchema(version, name);
  return fn(body) ? null : ajv.errorsText(fn.errors, { separator: '\n' });
}
