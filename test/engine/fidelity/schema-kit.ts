import { eventually, startTestEngine, type ApiClient, type ApiResponse, type TestEngine } from '../../helpers/engine-harness.ts';
import { boundaryVersions, compareVersions, SCHEMA_MAX, SCHEMA_MIN, tempestProblems, type Service } from './tempest-schemas.ts';

/**
 * The table-driven tempest schema check: each case names a tempest schema
 * (`module.name`), the request that should answer with it, and the
 * microversion range where the request applies. `runCases` sends the
 * request at every tempest boundary version in range (each folder's version
 * and the one before it, see `boundaryVersions`) and validates the answer
 * against the schema that applies at that version.
 */
export interface SchemaCase<E> {
  /** Tempest's `module.name`, e.g. `servers.get_server`. */
  schema: string;
  /** What the request does, for the test name. */
  title: string;
  /** The request's microversion range (default: the service's whole schema range). */
  min?: string;
  max?: string;
  /** More versions to test at: where the engine's response changes but tempest has no folder. */
  extra?: string[];
  /** Sends the request (and any set-up it needs) at microversion `mv`. */
  run(env: E, mv: string): Promise<ApiResponse>;
  /**
   * A gap in tempest's schema, where real OpenStack answers the same way
   * as the engine (checked on the real cloud): problems matching `pattern`
   * are expected, and MUST occur (so a fixed schema shows up).
   */
  tempestGap?: { pattern: RegExp; why: string; /** The first version the gap shows at (default: every version). */ from?: string };
}

export interface CaseResult {
  versions: string[];
  failures: string[];
}

export async function runCase<E>(service: Service, env: E, c: SchemaCase<E>): Promise<CaseResult> {
  const versions = boundaryVersions(service, c.min ?? SCHEMA_MIN[service], c.max ?? SCHEMA_MAX[service], c.extra);
  const failures: string[] = [];
  for (const mv of versions) {
    let response: ApiResponse;
    try {
      response = await c.run(env, mv);
    } catch (error) {
      failures.push(`${mv}: request failed: ${(error as Error).message}`);
      continue;
    }
    const problems = tempestProblems(service, c.schema, mv, response);
    const gap = c.tempestGap && (!c.tempestGap.from || compareVersions(mv, c.tempestGap.from) >= 0) ? c.tempestGap : undefined;
    if (gap && !problems.some((p) => gap.pattern.test(p))) failures.push(`${mv}: the tempest gap ${gap.pattern} no longer shows: drop it from the case`);
    for (const problem of problems) if (!gap?.pattern.test(problem)) failures.push(`${mv}: ${problem}`);
  }
  return { versions, failures };
}

/** The engine as the real test cloud is set up: hosts compute-1 and compute-2 in zone nova, image cirros. */
export function startFidelityEngine(config: Record<string, unknown> = {}): Promise<TestEngine> {
  return startTestEngine({
    config: {
      hosts: ['compute-1', 'compute-2'],
      quotaDefaults: { compute: { instances: 1000, cores: 4000, ram: -1 }, volume: { volumes: 1000, gigabytes: 100000 } },
      faults: { buildDelayMs: 5 },
      ...config,
    },
  });
}

export const cinderPath = (client: ApiClient, path: string) => `/volume/v3/${client.projectId}${path}`;

let counter = 0;
/** A unique name with `prefix`. */
export const unique = (prefix: string) => `${prefix}-${process.pid.toString(36)}-${(counter++).toString(36)}`;

export async function waitServer(client: ApiClient, id: string, status: string): Promise<any> {
  return eventually(async () => {
    const r = await client.get(`/v2.1/servers/${id}`, '2.1');
    return r.status === 200 && r.body.server.status === status && r.body.server['OS-EXT-STS:task_state'] == null ? r.body.server : undefined;
  }, 10000, 5);
}

export async function waitServerGone(client: ApiClient, id: string): Promise<void> {
  await eventually(async () => ((await client.get(`/v2.1/servers/${id}`)).status === 404 ? true : undefined), 10000, 5);
}

export async function waitVolume(client: ApiClient, id: string, status: string): Promise<any> {
  return eventually(async () => {
    const r = await client.get(cinderPath(client, `/volumes/${id}`));
    return r.body?.volume?.status === status ? r.body.volume : undefined;
  }, 10000, 5);
}

/** `networks` for a create body at `mv`: required ("none") from 2.37, left out before. */
export const networksFor = (mv: string) => (Number(mv.split('.')[1]) >= 37 ? { networks: 'none' } : {});

export function minor(mv: string): number {
  return Number(mv.split('.')[1]);
}

export function assertOk(r: ApiResponse, what: string, statuses: number[] = [200, 201, 202, 204]): ApiResponse {
  if (!statuses.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}
