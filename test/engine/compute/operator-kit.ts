import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isIPv4, isIPv6 } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import { tempestAvailable } from './servers/server-test-kit.ts';
import type { ApiClient, ApiResponse } from '../../helpers/engine-harness.ts';

/**
 * Shared by the operator API tests (services, hypervisors, hosts,
 * migrations, moves, topology): tempest's response schemas for any compute
 * module, and small assertions.
 */

export { tempestAvailable };

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uri', (v: string) => URL.canParse(v));
ajv.addFormat('ipv4', (v: string) => isIPv4(v));
ajv.addFormat('ipv6', (v: string) => isIPv6(v));
ajv.addFormat('iso8601-date-time', (v: string) => !Number.isNaN(Date.parse(v)));
ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)));
ajv.addFormat('uuid', /^[0-9a-f-]{32,36}$/i);
const cache = new Map<string, ValidateFunction>();

/**
 * Asserts `body` matches tempest's `response_body` schema `name` of
 * `tempest.lib.api_schema.response.compute.<version>.<module>` (skipped
 * when python3-tempest is not installed).
 */
export function assertTempest(version: string, module: string, name: string, body: unknown): void {
  if (!tempestAvailable) return;
  const key = `${version}.${module}.${name}`;
  let fn = cache.get(key);
  if (!fn) {
    const script = `import json\nfrom tempest.lib.api_schema.response.compute.${version} import ${module} as m\nprint(json.dumps(m.${name}['response_body']))`;
    fn = ajv.compile(JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' })));
    cache.set(key, fn);
  }
  assert.ok(fn(body), `${key}: ${ajv.errorsText(fn.errors, { separator: '\n' })}\n${JSON.stringify(body)}`);
}

/** Nova's fault body for a policy rule a member does not satisfy. */
export function assertPolicy403(r: ApiResponse, rule: string): void {
  assert.equal(r.status, 403, r.text);
  assert.deepEqual(r.body, { forbidden: { code: 403, message: `Policy doesn't allow ${rule} to be performed.` } });
}

/** A Nova fault body: status, fault name and exact message. */
export function assertNovaFault(r: ApiResponse, status: number, message: string | RegExp): void {
  const names: Record<number, string> = { 400: 'badRequest', 403: 'forbidden', 404: 'itemNotFound', 409: 'conflictingRequest', 501: 'notImplemented' };
  assert.equal(r.status, status, r.text);
  const fault = r.body?.[names[status] ?? 'computeFault'];
  assert.ok(fault, `expected a ${names[status]} body, got ${r.text}`);
  assert.equal(fault.code, status);
  if (typeof message === 'string') assert.equal(fault.message, message);
  else assert.match(fault.message, message);
}

/** The compute services of the engine at `microversion`, by host. */
export async function servicesByHost(admin: ApiClient, microversion = '2.53'): Promise<Map<string, any>> {
  const r = await admin.get('/v2.1/os-services?binary=nova-compute', microversion);
  assert.equal(r.status, 200, r.text);
  return new Map(r.body.services.map((s: any) => [s.host, s]));
}

/** Sets the topology `down` flag of a host through the engine's admin API. */
export async function setDown(admin: ApiClient, host: string, down: boolean): Promise<any> {
  const r = await admin.put(`/novaform/v1/hosts/${host}`, { down });
  assert.equal(r.status, 200, r.text);
  return r.body.host;
}
