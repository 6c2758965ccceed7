/**
 * Load + validate throughput of the manifest loader: generates DOCUMENTS
 * manifests (default 10,000; a realistic mix of every kind, with references
 * between them) across files of 50 documents, then times `loadManifests`
 * and reports peak RSS, in this process (no CLI start-up: the scale
 * bench measures `novaform validate` as a whole). Not a test.
 *
 *   npm run bench:loader              # 10,000 documents
 *   npm run bench:loader -- 50000     # another size
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifests } from '../reconciler/manifests/index.ts';

const DOCUMENTS = Number(process.argv[2] ?? 10_000);
const PER_FILE = 50;
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK bench@novaform';

/** Document `i`: kinds cycle Flavor, Keypair, Volume, Aggregate, Server, Server; servers refer to the group's others. */
function document(i: number): string {
  const group = Math.floor(i / 6);
  const head = (kind: string, name: string) => `apiVersion: novaform/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  labels: {group: g${group}, tier: ${i % 2 ? 'web' : 'db'}}\nspec:\n`;
  switch (i % 6) {
    case 0: return `${head('Flavor', `f${group}`)}  vcpus: 2\n  ram: 4GiB\n  disk: 20\n  extraSpecs:\n    hw:cpu_policy: dedicated\n    hw:numa_nodes: 1\n`;
    case 1: return `${head('Keypair', `k${group}`)}  publicKey: ${PUBLIC_KEY}\n`;
    case 2: return `${head('Volume', `v${group}`)}  size: 10GiB\n  image: cirros\n  metadata: {backup: daily}\n`;
    case 3: return `${head('Aggregate', `a${group}`)}  availabilityZone: az-${group}\n  hosts: [compute-${group % 3 + 1}]\n  metadata: {ssd: "true"}\n`;
    default: {
      const volume = i % 6 === 4 ? `  volumes:\n    - {volume: v${group}, device: /dev/vdb}\n` : '';
      return `${head('Server', `s${i}`)}  flavor: f${group}\n  image: cirros\n  keypair: k${group}\n  availabilityZone: az-${group}\n  networks: none\n  metadata: {role: app, owner: team-${group % 7}}\n  tags: [bench, g${group}]\n${volume}`;
    }
  }
}

async function generate(dir: string): Promise<number> {
  let bytes = 0;
  for (let start = 0, file = 0; start < DOCUMENTS; start += PER_FILE, file += 1) {
    const docs = Array.from({ length: Math.min(PER_FILE, DOCUMENTS - start) }, (_, k) => document(start + k));
    const text = docs.join('---\n');
    const sub = join(dir, `part-${String(Math.floor(file / 20)).padStart(3, '0')}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `m-${String(file).padStart(4, '0')}.yaml`), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const dir = await mkdtemp(join(tmpdir(), 'novaform-bench-'));
try {
  const bytes = await generate(dir);
  const files = Math.ceil(DOCUMENTS / PER_FILE);
  const rssBefore = process.memoryUsage().rss;
  const rows: string[][] = [];
  for (const run of ['cold', 'warm']) {
    const started = performance.now();
    const result = await loadManifests([dir], { limits: { maxTotalBytes: Math.max(bytes * 2, 10 * 1024 * 1024) } });
    const ms = performance.now() - started;
    if (result.errors.length > 0 || result.manifests.length !== DOCUMENTS) throw new Error(`bench input invalid: ${result.errors.length} errors, ${result.manifests.length} manifests`);
    rows.push([run, String(DOCUMENTS), String(files), mib(bytes), ms.toFixed(0), String(Math.round(DOCUMENTS / (ms / 1000))), mib(process.resourceUsage().maxRSS * 1024), mib(process.memoryUsage().heapUsed)]);
  }
  const header = ['run', 'documents', 'files', 'MiB', 'load+validate ms', 'docs/s', 'peak RSS MiB', 'heap used MiB'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  console.log(`novaform manifest loader, node ${process.version}, RSS before loading ${mib(rssBefore)} MiB`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
} finally {
  await rm(dir, { recursive: true, force: true });
}
