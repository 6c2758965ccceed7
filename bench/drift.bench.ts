/**
 * Drift check cost at scale: a stack of N servers (default 1,000 and
 * 10,000) on one flavor, created through the compute API of an engine in
 * this process (generous quota and hosts), one in a hundred then changed
 * behind novaform's back (a metadata key). Times `detectDrift` and counts
 * its API calls in the engine's request log: the point is one paged
 * listing per kind (Nova pages servers by 1,000), never one GET per
 * server, and no write at all. Not a test: run with `npm run bench`.
 *
 *   npx tsx bench/drift.bench.ts           # 1,000 then 10,000
 *   npx tsx bench/drift.bench.ts 4000      # one size
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEngine } from '../engine/server.ts';
import { connect } from '../provider/openstack/openstack-client.ts';
import { ownerMetadata } from '../provider/resources/types.ts';
import { detectDrift } from '../reconciler/drift/detect-drift.ts';
import { loadManifests } from '../reconciler/manifests/index.ts';
import { EMPTY_STATE } from '../reconciler/plan/state-view.ts';

const SIZES = process.argv[2] ? [Number(process.argv[2])] : [1000, 10_000];
const STACK = 'bench';
const CONCURRENCY = 64;

async function pool(count: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await run(next++);
  }));
}

async function bench(servers: number): Promise<string> {
  const engine = await startEngine({
    port: 0,
    config: {
      hosts: Array.from({ length: 20 }, (_, i) => ({ name: `compute-${i + 1}`, vcpus: 4096, memoryMb: 8_388_608, diskGb: 1_000_000 })),
      quotaDefaults: { compute: { instances: 2 * servers, cores: 2 * servers, ram: 512 * 2 * servers }, volume: {} },
      faults: { buildDelayMs: 0 },
    },
  });
  const admin = engine.config.users.find((u) => u.name === 'admin')!;
  const clients = await connect({
    cwd: '/nonexistent', homeDir: '/nonexistent', systemDir: '/nonexistent',
    env: { OS_AUTH_URL: engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: admin.password, OS_PROJECT_NAME: admin.project, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default' },
  });
  const dir = await mkdtemp(join(tmpdir(), 'novaform-drift-bench-'));
  try {
    const setup = performance.now();
    const flavor = (await clients.compute.post('/flavors', { flavor: { name: 'bench-small', vcpus: 1, ram: 512, disk: 1 } })).body.flavor;
    // Stamped as the stack's, as novaform stamps the flavors it creates: an unstamped one would be "not ours".
    await clients.compute.post(`/flavors/${flavor.id}/os-extra_specs`, { extra_specs: ownerMetadata({ stack: STACK, kind: 'Flavor', name: 'bench-small' }) });
    const image = (await clients.image.get('/images', { query: { name: 'cirros' } })).body.images[0];
    const ids: string[] = [];
    await pool(servers, async (i) => {
      const name = `server-${i}`;
      const metadata = { role: 'web', ...ownerMetadata({ stack: STACK, kind: 'Server', name }), ...(i % 100 === 0 ? { owner: 'someone-else' } : {}) };
      const body = (await clients.compute.post('/servers', { server: { name, flavorRef: flavor.id, imageRef: image.id, networks: 'none', metadata } })).body;
      ids[i] = body.server.id;
    });
    const docs = [`apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: bench-small\nspec:\n  vcpus: 1\n  ram: 512\n  disk: 1\n`];
    for (let i = 0; i < servers; i += 1) docs.push(`apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: server-${i}\nspec:\n  flavor: bench-small\n  image: cirros\n  networks: none\n  metadata: {role: web}\n`);
    // Files of 1,000 documents: the loader limits a manifest file to 1 MiB.
    for (let at = 0; at < docs.length; at += 1000) await writeFile(join(dir, `stack-${at / 1000}.yaml`), docs.slice(at, at + 1000).join('---\n'));
    const loaded = await loadManifests([dir]);
    if (loaded.errors.length > 0) throw new Error(`bench manifests are invalid: ${loaded.errors[0]!.message}`);
    // Let every build settle, so the check compares servers, not transitions.
    for (;;) {
      const building = (await clients.compute.get('/servers/detail', { query: { status: 'BUILD', limit: 1 } })).body.servers.length;
      if (building === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const setupS = (performance.now() - setup) / 1000;

    // The engine keeps the last 10,000 requests: empty it, so the setup cannot push the check's calls out.
    engine.requestLog.splice(0);
    const mark = 0;
    const started = performance.now();
    const report = await detectDrift({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: STACK, clients, state: EMPTY_STATE });
    const ms = performance.now() - started;
    const calls = engine.requestLog.slice(mark).filter((e) => !e.url.startsWith('/v3/auth'));
    const writes = calls.filter((e) => e.method !== 'GET');
    const byPath = new Map<string, number>();
    for (const c of calls) {
      const key = `${c.method} ${c.url.split('?')[0]!.replace(/[0-9a-f]{32}/, '{project}')}`;
      byPath.set(key, (byPath.get(key) ?? 0) + 1);
    }
    return [
      `drift of ${servers} servers (setup ${setupS.toFixed(1)} s): ${ms.toFixed(0)} ms, ${calls.length} API calls, ${writes.length} writes; ` +
        `changed ${report.summary.changed}, in sync ${report.checked.length}`,
      `  calls: ${[...byPath].map(([c, n]) => `${c}${n > 1 ? ` x${n}` : ''}`).join(', ')}`,
    ].join('\n');
  } finally {
    await clients.close();
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

for (const size of SIZES) console.log(await bench(size));
