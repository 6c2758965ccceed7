/**
 * Plan cost at scale: RESOURCES manifests (default 1,000: 10% flavors, 10%
 * keypairs, 30% volumes, 50% servers) against the engine in this process,
 * half of them created beforehand and a tenth of those changed since, so
 * the plan has creates, updates and noops. Reports the plan's wall time and
 * its API calls from the engine's request log (the point: a handful of
 * listings, not one GET per object). Not a test: run with `npm run bench`.
 *
 *   npm run bench                      # this (1,000), then the loader's bench
 *   npx tsx bench/plan.bench.ts 4000   # another size (`npm run bench -- N` sizes the loader's)
 */
import { ensureCompleted } from '../provider/resources/ensure.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '../provider/openstack/openstack-client.ts';
import { startEngine } from '../engine/server.ts';
import { loadManifests } from '../reconciler/manifests/index.ts';
import type { PlannedStep, RefResolver } from '../reconciler/plan/executable-plan.ts';
import { planStack } from '../reconciler/plan/plan-stack.ts';
import { stateOf } from '../reconciler/plan/state-view.ts';
import type { ResourceRecord } from '../reconciler/state/state-model.ts';

const RESOURCES = Number(process.argv[2] ?? 1000);
const STACK = 'bench';
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK bench@novaform';
const CONCURRENCY = 32;

const counts = { Flavor: RESOURCES / 10, Keypair: RESOURCES / 10, Volume: (RESOURCES * 3) / 10, Server: RESOURCES / 2 };

/** Manifest `i` of `kind`; `changed` alters a field that updates in place. */
function manifest(kind: keyof typeof counts, i: number, changed: boolean): string {
  const head = `apiVersion: novaform/v1\nkind: ${kind}\nmetadata:\n  name: ${kind.toLowerCase()}-${i}\nspec:\n`;
  switch (kind) {
    case 'Flavor': return `${head}  vcpus: 1\n  ram: 256\n  disk: 1\n  extraSpecs: {tier: "${changed ? 'gold' : 'std'}"}\n`;
    case 'Keypair': return `${head}  publicKey: ${PUBLIC_KEY}\n`;
    case 'Volume': return `${head}  size: ${changed ? 2 : 1}\n  metadata: {n: "${i}"}\n`;
    case 'Server': {
      const group = i % counts.Flavor;
      return `${head}  flavor: flavor-${group}\n  image: cirros\n  keypair: keypair-${group}\n  networks: none\n  metadata: {role: "${changed ? 'api' : 'web'}"}\n`;
    }
  }
}

/** Every manifest; `half` limits to the even-numbered ones (those created first); `changes` alters every tenth of those. */
function manifests(half: boolean, changes: boolean): string {
  const docs: string[] = [];
  for (const [kind, n] of Object.entries(counts) as Array<[keyof typeof counts, number]>) {
    for (let i = 0; i < n; i += 1) {
      if (half && i % 2 === 1) continue;
      // A server's flavor and keypair are created first, so only servers of even groups exist in the first half.
      docs.push(manifest(kind, i, changes && i % 2 === 0 && i % 20 === 0));
    }
  }
  return docs.join('---\n');
}

async function pool<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

const engine = await startEngine({
  port: 0,
  config: {
    hosts: Array.from({ length: 10 }, (_, i) => ({ name: `compute-${i + 1}`, vcpus: 512, memoryMb: 1_048_576, diskGb: 100_000 })),
    quotaDefaults: {
      compute: { instances: 10 * RESOURCES, cores: 10 * RESOURCES, ram: 1024 * RESOURCES, key_pairs: 10 * RESOURCES },
      volume: { volumes: 10 * RESOURCES, gigabytes: 10 * RESOURCES },
    },
    faults: { buildDelayMs: 5 },
  },
});
const admin = engine.config.users.find((u) => u.name === 'admin')!;
const clients = await connect({
  cwd: '/nonexistent', homeDir: '/nonexistent', systemDir: '/nonexistent',
  env: { OS_AUTH_URL: engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: admin.password, OS_PROJECT_NAME: admin.project, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default' },
});
const dir = await mkdtemp(join(tmpdir(), 'novaform-plan-bench-'));
const records = new Map<string, ResourceRecord>();

async function load() {
  const loaded = await loadManifests([dir]);
  if (loaded.errors.length > 0) throw new Error(`bench manifests are invalid: ${loaded.errors[0]!.message}`);
  return loaded;
}

/** Times planStack alone: the manifests are loaded before the clock starts (bench/validate.bench.ts times loading). */
function plan(loaded: Awaited<ReturnType<typeof load>>) {
  return planStack({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: STACK, clients, state: stateOf([...records.values()]), cloudName: 'bench' });
}

try {
  // Half the stack, created through the handlers as an apply would (kinds in order, each kind concurrently).
  await writeFile(join(dir, 'stack.yaml'), manifests(true, false));
  const first = await plan(await load());
  const setupStarted = performance.now();
  const ids = new Map<string, string>();
  const resolve: RefResolver = (kind, name) => ({ id: ids.get(`${kind}/${name}`), name });
  for (const kind of ['Flavor', 'Keypair', 'Volume', 'Server'] as const) {
    await pool(first.steps.filter((s) => s.resource.kind === kind), async (step: PlannedStep) => {
      const spec = step.buildSpec!(resolve);
      const created = await step.handler.create(clients, step.owner, spec);
      // As the executor does: stamp and converge what the create request could not carry (a flavor's extra specs).
      // Servers are left building: the bench measures plans, not builds.
      if (kind !== 'Server') await ensureCompleted(step.handler, clients, step.owner, spec, created.observed ?? (await step.handler.read(clients, created.id)));
      const key = `${kind}/${step.resource.name}`;
      ids.set(key, created.id);
      records.set(key, { id: key, kind, name: step.resource.name, cloudId: created.id, lastApplied: spec, deletionPolicy: 'Delete', updatedAt: '' });
    });
  }
  const setupMs = performance.now() - setupStarted;

  await writeFile(join(dir, 'stack.yaml'), manifests(false, true));
  const rows: string[][] = [];
  let calls: string[] = [];
  const loaded = await load();
  for (const run of ['cold', 'warm']) {
    const mark = engine.requestLog.length;
    const started = performance.now();
    const executable = await plan(loaded);
    const ms = performance.now() - started;
    calls = engine.requestLog.slice(mark).map((e) => `${e.method} ${e.url.split('?')[0]}`).filter((c) => !c.includes('/v3/auth'));
    const s = executable.plan.summary;
    rows.push([run, `${ms.toFixed(0)} ms`, String(executable.plan.actions.length), `${s.create} create, ${s.update} update, ${s.noop} noop`, String(calls.length)]);
  }
  const widths = [4, 9, 9, 34, 9];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`plan of ${RESOURCES} resources (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}); setup: ${records.size} created in ${(setupMs / 1000).toFixed(1)} s`);
  console.log(line(['run', 'time', 'resources', 'actions', 'API calls']));
  for (const row of rows) console.log(line(row));
  const byPath = new Map<string, number>();
  for (const call of calls) byPath.set(call.replace(/[0-9a-f]{32}/, '{project}'), (byPath.get(call.replace(/[0-9a-f]{32}/, '{project}')) ?? 0) + 1);
  console.log(`calls: ${[...byPath].map(([c, n]) => `${c}${n > 1 ? ` x${n}` : ''}`).join(', ')}`);
} finally {
  await clients.close();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
}
