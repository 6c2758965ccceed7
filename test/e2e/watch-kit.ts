import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ControllerStatus, ResourceStatus } from '../../controller/controller-model.ts';
import { REPO } from '../cli/commands/apply-cli-kit.ts';

/**
 * `novaform watch` as a real child process: started with `--listen :0`,
 * its URL read from its first log lines, its status read over HTTP.
 */

export interface WatchProcess {
  readonly child: ChildProcess;
  /** Every stderr line so far (JSON log lines: stderr is not a terminal). */
  readonly lines: string[];
  /** Resolves with the exit code (null after a kill by signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The status page's base URL, once it serves. */
  url(): Promise<string>;
  status(): Promise<ControllerStatus>;
  /** Polls /status until `check` returns something; fails with the last status and log tail after `timeoutMs`. */
  until<T>(what: string, check: (status: ControllerStatus) => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startWatch(args: string[], options: { cwd: string; env: Record<string, string> }): WatchProcess {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'novaform.js'), 'watch', '--listen', '127.0.0.1:0', ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let resolveUrl: (url: string) => void;
  const urlFound = new Promise<string>((resolve) => { resolveUrl = resolve; });
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (typeof parsed.url === 'string') resolveUrl(parsed.url);
      } catch { /* a non-JSON line: kept for the failure message */ }
    }
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const tail = () => lines.slice(-30).join('\n');
  const url = async () => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`novaform watch did not announce its URL in 60 s:\n${tail()}`)), 60_000).unref());
    const ended = exited.then((e) => { throw new Error(`novaform watch exited (${e.code ?? e.signal}) before serving:\n${tail()}`); });
    return Promise.race([urlFound, timeout, ended]);
  };
  const status = async () => {
    const response = await fetch(`${await url()}/status`);
    if (!response.ok) throw new Error(`GET /status: ${response.status}`);
    return (await response.json()) as ControllerStatus;
  };
  return {
    child, lines, exited, url, status,
    async until(what, check, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ControllerStatus | undefined;
      for (;;) {
        try {
          last = await status();
          const found = check(last);
          if (found !== undefined && found !== false) return found;
        } catch (error) {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`novaform watch exited while waiting for ${what}:\n${tail()}`);
          if (Date.now() > deadline) throw error;
        }
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${what}; last status:\n${JSON.stringify(last?.resources.map((r) => [r.key, r.phase, r.conditions.find((c) => c.type === 'Ready')?.message, r.lastError?.message]), null, 1)}\nmanifests: ${JSON.stringify(last?.manifests)}\nlog tail:\n${tail()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export function resourceOf(status: ControllerStatus, key: string): ResourceStatus | undefined {
  return status.resources.find((r) => r.key === key);
}

/** True when every listed key is Ready. */
export function allReady(status: ControllerStatus, keys: readonly string[]): boolean {
  return keys.every((key) => resourceOf(status, key)?.phase === 'Ready');
}
