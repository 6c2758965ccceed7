/**
 * Startup cost of the compiled CLI: the CPU time (user + sys, every thread
 * of the process) of `node bin/novaform.js --help`, the median of RUNS runs
 * (default 15), against the target of 0.3 s (issue 12). CPU time, not wall
 * time: on a loaded machine the wall clock measures the neighbours. Each
 * run's CPU time comes from the POSIX shell's `times` (the rusage of its
 * finished children, here only node): /bin/sh, not bash, which may read a
 * .bashrc and count what it starts. dist/ must be built
 * (`npm run bench` builds first). Not a test: run with `npm run bench`.
 *
 *   npx tsx bench/startup.bench.ts        # 15 runs
 *   npx tsx bench/startup.bench.ts 50     # 50 runs
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const RUNS = process.argv[2] ? Number(process.argv[2]) : 15;
const TARGET_S = 0.3;
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'novaform.js');
const run = promisify(execFile);

/** `0m0.150s` (`times`' format; dash prints more decimals) in seconds. */
function seconds(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!match) throw new Error(`unexpected \`times\` output: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** One run's CPU seconds: `times`' second line is the children's user and sys time. */
async function cpuOfOneRun(): Promise<number> {
  const script = `"$NODE" "$BIN" --help > /dev/null || exit 1; times`;
  const { stdout } = await run('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH ?? '', NODE: process.execPath, BIN } });
  const children = stdout.trim().split('\n')[1]!.trim().split(/\s+/);
  return seconds(children[0]!) + seconds(children[1]!);
}

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
const samples: number[] = [];
for (let i = 0; i < RUNS; i += 1) samples.push(await cpuOfOneRun());
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)]!;
console.log(`novaform --help (compiled): CPU time median ${median.toFixed(3)} s over ${RUNS} runs (min ${samples[0]!.toFixed(3)} s, max ${samples.at(-1)!.toFixed(3)} s); target ${TARGET_S} s: ${median <= TARGET_S ? 'met' : 'NOT met'}`);
