import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../../cli/cli-error.ts';
import type { ApplyIo } from '../../../cli/commands/apply-common.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { freshBackendEnv } from '../../helpers/backend-under-test.ts';

/**
 * The apply/destroy commands run in-process against an engine on loopback,
 * configured like any OpenStack through OS_* variables, in a temp project
 * directory. `run` behaves like cli/main.ts: a CliError becomes its exit
 * code and a message on stderr.
 */

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface RunOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliKit {
  readonly cloud: TestCloud;
  /** The project directory (the commands' cwd). */
  readonly dir: string;
  /** OS_* for the engine's admin, HOME in the temp dir (no clouds.yaml anywhere). */
  readonly env: Record<string, string>;
  /** Runs a command in-process; `env` replaces the kit's environment (e.g. none, for the embedded default). */
  run(command: 'apply' | 'destroy' | 'plan', argv: string[], options?: { stdin?: string; tty?: boolean; env?: Record<string, string> }): Promise<RunOutcome>;
  /** Writes files under `dir`; null removes one. */
  write(files: Record<string, string | null>): Promise<void>;
  read(file: string): Promise<string>;
  /** Copies examples/quickstart into `dir`. */
  copyQuickstart(): Promise<void>;
  mark(): number;
  /** Compute/volume/image requests that change something (auth excluded) since `mark`, as `METHOD path`. */
  writesSince(mark: number): string[];
  close(): Promise<void>;
}

const COMMANDS = {
  apply: () => import('../../../cli/commands/apply.ts'),
  destroy: () => import('../../../cli/commands/destroy.ts'),
  plan: () => import('../../../cli/commands/plan.ts'),
};

export async function openCliKit(name: string, engineConfig?: Record<string, unknown>): Promise<CliKit> {
  const cloud = await openTestCloud({ name, engineConfig });
  if (!cloud.engine) throw new Error('the CLI tests read the engine request log: run them against the engine');
  const root = await mkdtemp(join(tmpdir(), `novaform-cli-${name}-`));
  const dir = join(root, 'project');
  await mkdir(dir);
  const admin = cloud.engine.engine.config.users.find((u) => u.name === 'admin')!;
  const env = {
    HOME: root, NO_COLOR: '1', ...await freshBackendEnv(),
    OS_AUTH_URL: cloud.engine.engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: admin.password,
    OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: admin.project, OS_PROJECT_DOMAIN_NAME: 'Default',
  };
  const log = cloud.engine.engine.requestLog;
  return {
    cloud, dir, env,
    async run(command, argv, options = {}) {
      let stdout = '';
      let stderr = '';
      const stdin = Readable.from(options.stdin !== undefined ? [options.stdin] : []) as Readable & { isTTY?: boolean };
      stdin.isTTY = options.tty ?? false;
      const io: ApplyIo = {
        stdout: { write: (t: string) => { stdout += t; return true; }, isTTY: false },
        stderr: { write: (t: string) => { stderr += t; return true; } },
        stdin, env: options.env ?? env, cwd: dir,
      };
      const module = await COMMANDS[command]();
      try {
        const code = await module.run(argv, io);
        return { code, stdout, stderr };
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        return { code: error.exitCode, stdout, stderr: `${stderr}novaform: ${error.message}\n` };
      }
    },
    async write(files) {
      for (const [file, text] of Object.entries(files)) {
        const path = join(dir, file);
        if (text === null) await rm(path, { force: true });
        else {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, text);
        }
      }
    },
    read: (file) => readFile(join(dir, file), 'utf8'),
    copyQuickstart: () => cp(join(REPO, 'examples', 'quickstart'), dir, { recursive: true }),
    mark: () => log.length,
    writesSince(mark) {
      return log.slice(mark)
        .filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && !e.url.startsWith('/v3'))
        .map((e) => `${e.method} ${e.url.split('?')[0]}`);
    },
    async close() {
      await cloud.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A YAML manifest document. */
export function doc(kind: string, name: string, spec: string): string {
  return `apiVersion: novaform/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec.split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n')}\n`;
}
