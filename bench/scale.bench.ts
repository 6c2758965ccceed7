/**
 * novaform at scale (issue 15): each row of the README's table at 100,
 * 1,000 and 10,000 servers (plus a volume per ten servers, a flavor per
 * hundred, a keypair), measured on the compiled CLI as an operator runs
 * it, against an engine in this process:
 *
 * - wall, CPU and peak RSS of the novaform process (bench/scale/measured-process.ts);
 * - API calls as the engine counted them, against the floor of one
 *   listing per kind (Nova and Cinder page by 1,000) plus, for an apply,
 *   one request per object created.
 *
 * It prints the table, writes bench/results/scale.json and draws
 * bench/results/scale.svg (the README shows both). Not a test: run with
 * `npm run bench` (it builds first).
 *
 *   npm run bench                          # 100, 1,000, 10,000
 *   npx tsx bench/scale.bench.ts 100 1000  # other sizes (dist/ must be built)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type RunningEngine } from '../engine/server.ts';
import { callsBetween, describeCalls, snapshot, total, writesIn } from './scale/engine-calls.ts';
import { runNovaform, startNovaform, type ProcessCost } from './scale/measured-process.ts';
import { plotScale } from './scale/plot-scale.ts';
import { documentsIn, shapeOf, writeStack, type StackShape } from './scale/scale-stack.ts';

const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100, 1000, 10_000];
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
const PAGE = 1000;
const APPLY_PARALLELISM = 32;

interface Row extends ProcessCost {
  readonly work: string;
  readonly size: number;
  readonly calls: number;
  /** The fewest calls the work needs; undefined where calls are not the point. */
  readonly floor?: number;
  readonly detail: string;
}

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));

/** One listing per kind novaform reads (images resolve `image: cirros`), Nova and Cinder paging by 1,000. */
function listingFloor(shape: StackShape): number {
  return pages(shape.servers) + pages(shape.volumes) + pages(shape.flavors) + /* keypairs */ 1 + /* aggregates */ 1 + /* server groups */ 1 + /* images */ 1;
}

/** An apply from nothing: one create per object, an extra-specs request per flavor, and the plan's listings. */
function applyFloor(shape: StackShape): number {
  return shape.servers + shape.volumes + 2 * shape.flavors + shape.keypairs + listingFloor(shape);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Waits until `check` holds, polling every 200 ms, for at most `timeoutS`. */
async function until(check: () => Promise<boolean>, timeoutS: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * One no-op resync pass of `novaform watch`, measured by the controller's
 * own /metrics (pass duration, process CPU) and the engine's call counts:
 * the first resync after the start-up pass is the sample.
 */
async function resyncPass(engine: RunningEngine, dir: string, env: NodeJS.ProcessEnv): Promise<Omit<Row, 'work' | 'size' | 'floor' | 'detail'> & { detail: string }> {
  const port = await freePort();
  const metrics = `http://127.0.0.1:${port}/metrics`;
  const watch = startNovaform(['watch', 'manifests', '--resync', '5s', '--listen', `127.0.0.1:${port}`], { cwd: dir, env });
  try {
    const resyncs = () => metric(metrics, 'novaform_passes_total', '{trigger="resync",result="ok"}');
    await until(async () => (await resyncs()) >= 1, 600, 'the first resync');
    const before = { calls: snapshot(engine.requestCounts), cpu: await metric(metrics, 'novaform_process_cpu_seconds_total'), took: await metric(metrics, 'novaform_pass_duration_seconds_sum', '{trigger="resync"}') };
    await until(async () => (await resyncs()) >= 2, 600, 'the second resync');
    const calls = callsBetween(before.calls, engine.requestCounts);
    const cpuS = (await metric(metrics, 'novaform_process_cpu_seconds_total')) - before.cpu;
    const wallS = (await metric(metrics, 'novaform_pass_duration_seconds_sum', '{trigger="resync"}')) - before.took;
    watch.stop('SIGTERM');
    const finished = await watch.done;
    return { wallS, cpuS, peakRssMiB: finished.peakRssMiB, calls: total(calls), detail: describeCalls(calls) };
  } finally {
    watch.stop('SIGKILL');
  }
}

async function measureSize(servers: number): Promise<Row[]> {
  const shape = shapeOf(servers);
  const engine = await startEngine({
    port: 0,
    config: {
      hosts: Array.from({ length: 20 }, (_, i) => ({ name: `compute-${i + 1}`, vcpus: 4096, memoryMb: 8_388_608, diskGb: 1_000_000 })),
      quotaDefaults: {
        compute: { instances: 2 * servers, cores: 2 * servers, ram: 512 * 2 * servers, key_pairs: 100 },
        volume: { volumes: 2 * shape.volumes, gigabytes: 2 * shape.volumes },
      },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), `novaform-scale-${servers}-`));
  const admin = engine.config.users.find((u) => u.name === 'admin')!;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: dir, NO_COLOR: '1',
    OS_AUTH_URL: engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: admin.password, OS_PROJECT_NAME: admin.project,
    OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default',
  };
  const rows: Row[] = [];
  const documents = await writeStack(dir, shape);
  const measure = async (work: string, args: string[], floor?: number, okCodes?: number[]) => {
    const before = snapshot(engine.requestCounts);
    const run = await runNovaform(args, { cwd: dir, env, okCodes });
    const calls = callsBetween(before, engine.requestCounts);
    rows.push({ work, size: servers, wallS: run.wallS, cpuS: run.cpuS, peakRssMiB: run.peakRssMiB, calls: total(calls), floor, detail: describeCalls(calls) });
    process.stderr.write(`  ${servers} ${work}: ${run.wallS.toFixed(1)} s, ${total(calls)} calls (${writesIn(calls)} writes)\n`);
    return run;
  };
  try {
    await measure(`validate ${documents} documents`, ['validate', 'manifests']);
    await measure('apply (create all)', ['apply', 'manifests', '--yes', '--parallelism', String(APPLY_PARALLELISM)], applyFloor(shape));
    const plan = await measure('no-op plan', ['plan', 'manifests'], listingFloor(shape));
    if (!/No changes/i.test(plan.stdout)) throw new Error(`the plan after the apply is not empty:\n${plan.stdout.slice(0, 2000)}`);
    await measure('drift', ['drift', 'manifests'], listingFloor(shape));
    await measure('no-op apply', ['apply', 'manifests', '--yes'], listingFloor(shape));
    const resync = await resyncPass(engine, dir, env);
    rows.push({ work: 'controller no-op resync', size: servers, floor: listingFloor(shape), ...resync });
    return rows;
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits: number) => n.toFixed(digits);

function table(rows: readonly Row[]): string {
  const header = ['work', 'servers', 'wall s', 'CPU s', 'peak RSS MiB', 'API calls', 'floor', 'calls/floor'];
  const cells = rows.map((r) => [r.work, String(r.size), fmt(r.wallS, 2), fmt(r.cpuS, 2), fmt(r.peakRssMiB, 0), String(r.calls), r.floor === undefined ? '' : String(r.floor), r.floor ? fmt(r.calls / r.floor, 2) : '']);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.map(line)].join('\n');
}

const rows: Row[] = [];
// Start-up: the median of 9 runs (one run is at the mercy of the machine's other work).
const helps = [];
for (let i = 0; i < 9; i += 1) helps.push(await runNovaform(['--help'], { cwd: tmpdir(), env: { PATH: process.env.PATH } }));
const help = helps.sort((a, b) => a.cpuS - b.cpuS)[4]!;
rows.push({ work: '`novaform --help` (median of 9)', size: 0, wallS: help.wallS, cpuS: help.cpuS, peakRssMiB: help.peakRssMiB, calls: 0, detail: '' });
for (const size of SIZES) {
  process.stderr.write(`${size} servers:\n`);
  rows.push(...(await measureSize(size)));
}
console.log(`novaform at scale, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(table(rows));
for (const row of rows.filter((r) => r.detail)) console.log(`- ${row.size} ${row.work}: ${row.detail}`);
await mkdir(RESULTS, { recursive: true });
await writeFile(join(RESULTS, 'scale.json'), `${JSON.stringify(rows, null, 2)}\n`);
await writeFile(join(RESULTS, 'scale.svg'), await plotScale(rows));
console.log(`wrote ${join('bench', 'results', 'scale.json')} and ${join('bench', 'results', 'scale.svg')}`);
