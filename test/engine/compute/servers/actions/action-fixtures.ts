import assert from 'node:assert/strict';
import { uuidFromName } from '../../../../../engine/seed.ts';
import type { EngineOptions } from '../../../../../engine/server.ts';
import { eventually, startTestEngine, type ApiClient, type ApiResponse, type TestEngine } from '../../../../helpers/engine-harness.ts';

/**
 * Shared setup for the server action, metadata, tag and volume attachment
 * tests: an engine with three flavors (seeded through the config, with
 * stable ids) and helpers that go through the real HTTP API.
 */

export const FLAVORS = [
  { id: '1', name: 'm1.small', vcpus: 1, ram: 512, disk: 1 },
  { id: '2', name: 'm1.medium', vcpus: 2, ram: 1024, disk: 10 },
  { id: '3', name: 'm1.large', vcpus: 4, ram: 4096, disk: 20 },
  /** More vCPUs than any default host offers (16 x 4.0): nothing can schedule it. */
  { id: '4', name: 'm1.huge', vcpus: 128, ram: 512, disk: 1 },
];

/** Config-seeded images have name-derived ids (engine/seed.ts). */
export const CIRROS = uuidFromName('image:cirros');
export const DEBIAN = uuidFromName('image:debian-12');
export const UBUNTU = uuidFromName('image:ubuntu-24.04');

/** Quotas out of the way, so a file can boot as many servers and volumes as its tests need; a test may set its own. */
const UNLIMITED = { compute: { instances: -1, cores: -1, ram: -1 }, volume: { volumes: -1, gigabytes: -1 } };

export async function startActionsEngine(options: EngineOptions & { config?: Record<string, any> } = {}): Promise<TestEngine> {
  const quotas = options.config?.quotaDefaults ?? {};
  const quotaDefaults = {
    compute: { ...UNLIMITED.compute, ...quotas.compute },
    volume: { ...UNLIMITED.volume, ...quotas.volume },
  };
  return startTestEngine({ ...options, config: { flavors: FLAVORS, ...options.config, quotaDefaults } });
}

export const serverPath = (id: string, suffix = '') => `/v2.1/servers/${id}${suffix}`;

/** `POST /servers/{id}/action`. */
export function act(client: ApiClient, id: string, body: unknown, microversion?: string): Promise<ApiResponse> {
  return client.post(serverPath(id, '/action'), body, microversion);
}

export async function showServer(client: ApiClient, id: string, microversion = '2.1'): Promise<any> {
  const r = await client.get(serverPath(id), microversion);
  assert.equal(r.status, 200, r.text);
  return r.body.server;
}

/** Polls GET /servers/{id} until its status is `status` (and no task is running); returns the server. */
export async function waitForStatus(client: ApiClient, id: string, status: string, microversion = '2.1'): Promise<any> {
  return eventually(async () => {
    const server = await showServer(client, id, microversion);
    return server.status === status && server['OS-EXT-STS:task_state'] === null ? server : undefined;
  }, 10000);
}

/** Boots a server (no network) and waits until it is ACTIVE. */
export async function createActiveServer(client: ApiClient, server: Record<string, unknown> = {}): Promise<any> {
  const r = await client.post('/v2.1/servers', {
    server: { name: 'vm', imageRef: CIRROS, flavorRef: '1', networks: 'none', ...server },
  }, '2.37');
  assert.equal(r.status, 202, r.text);
  return waitForStatus(client, r.body.server.id, 'ACTIVE');
}

/** Runs an action that must be accepted, then waits for the status it settles in. */
export async function actAndWait(client: ApiClient, id: string, body: unknown, settled: string, microversion?: string): Promise<any> {
  const r = await act(client, id, body, microversion);
  assert.ok(r.status === 202 || r.status === 204, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
  return waitForStatus(client, id, settled);
}

/** Asserts a Nova fault body: status, fault name and exact message. */
export function assertFault(r: ApiResponse, status: number, message: string | RegExp): void {
  const names: Record<number, string> = { 400: 'badRequest', 403: 'forbidden', 404: 'itemNotFound', 409: 'conflictingRequest' };
  assert.equal(r.status, status, r.text);
  const fault = r.body?.[names[status] ?? 'computeFault'];
  assert.ok(fault, `expected a ${names[status]} body, got ${r.text}`);
  assert.equal(fault.code, status);
  if (typeof message === 'string') assert.equal(fault.message, message);
  else assert.match(fault.message, message);
}
