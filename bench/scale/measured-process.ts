/**
 * Running the compiled `novaform` as an operator does (a child process of
 * `bin/novaform.js`), measured from outside: wall clock from spawn to exit,
 * and the child's own CPU time and peak RSS, written at its exit by
 * usage-preload.mjs (Node reports no rusage of a finished child).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BIN = join(HERE, '..', '..', 'bin', 'novaform.js');
const PRELOAD = join(HERE, 'usage-preload.mjs');

export interface ProcessCost {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakRssMiB: number;
}

export interface Finished extends ProcessCost {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly pid: number;
  /** Resolves at exit with the child's figures. */
  readonly done: Promise<Finished>;
  stop(signal?: NodeJS.Signals): void;
}

/** Starts `novaform ARGS...` in `cwd` with `env`; `done` carries its figures. */
export function startNovaform(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Running {
  const scratch = mkdtempSync(join(tmpdir(), 'novaform-bench-usage-'));
  const usageFile = join(scratch, 'usage.json');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PRELOAD, BIN, ...args], {
    cwd: options.cwd,
    env: { ...options.env, NOVAFORM_BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const wallS = (performance.now() - started) / 1000;
      try {
        const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
        resolve({ code, stdout, stderr, wallS, cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6, peakRssMiB: usage.maxRSS / 1024 });
      } catch (error) {
        reject(new Error(`novaform ${args.join(' ')} exited ${code} without its usage report: ${stderr.slice(-2000)}`, { cause: error }));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
  return { pid: child.pid ?? -1, done, stop: (signal = 'SIGTERM') => { child.kill(signal); } };
}

/** Runs `novaform ARGS...` to its end; an exit code outside `okCodes` is an error carrying its stderr. */
export async function runNovaform(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; okCodes?: readonly number[] }): Promise<Finished> {
  const finished = await startNovaform(args, options).done;
  if (!(options.okCodes ?? [0]).includes(finished.code ?? -1)) {
    throw new Error(`novaform ${args.join(' ')} exited ${finished.code}:\n${finished.stderr.slice(-3000)}\n${finished.stdout.slice(-3000)}`);
  }
  return finished;
}
