import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeCloud, type CloudBinding } from './cloud-binding.ts';
import { fileBackend } from './file-backend.ts';
import type { StateBackend } from './state-backend.ts';

/**
 * The stacks kept under a directory tree: every `.novaform/state/<stack>/`
 * folder (or, with a shared backend, every stack it holds), read-only (read-only-state.ts: no lock, nothing written, so a
 * stack being applied is read as it stands). For `novaform stacks`.
 */

export interface FoundStack {
  readonly stack: string;
  /** The project directory holding `.novaform`, relative to the directory searched ('.' for itself). */
  readonly project: string;
  readonly resources: number;
  /** Per kind, in the order first recorded. */
  readonly kinds: Readonly<Record<string, number>>;
  /** The cloud the state is bound to, in words; null when never applied. */
  readonly cloud: string | null;
  readonly binding: CloudBinding | null;
  /** The latest record update (ISO 8601), or null without records. */
  readonly lastApplied: string | null;
}

/** Folders never searched (dependencies, VCS data); symbolic links are not followed (Dirent.isDirectory is false for them). */
const SKIP = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * @example
 * await findStacks('/repo') // [{ stack: 'quickstart', project: 'examples/quickstart', resources: 4, cloud: 'the embedded engine (.novaform/engine)', … }]
 */
export async function findStacks(root: string, options: { maxDepth?: number } = {}): Promise<FoundStack[]> {
  const maxDepth = options.maxDepth ?? 8;
  const found: FoundStack[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name === '.novaform') {
        found.push(...await stacksIn(root, dir));
        continue;
      }
      if (SKIP.has(entry.name) || depth >= maxDepth) continue;
      await visit(join(dir, entry.name), depth + 1);
    }
  };
  await visit(root, 0);
  return found;
}

async function stacksIn(root: string, projectDir: string): Promise<FoundStack[]> {
  return describeStacks(fileBackend(join(projectDir, '.novaform')), relative(root, projectDir) || '.');
}

/**
 * Every stack of `backend`, read-only, sorted by name; `project` is what the
 * rows say for where they were found.
 *
 * @example
 * await describeStacks(backend, 'postgres://db/novaform') // [{ stack: 'web', project: 'postgres://db/novaform', resources: 3, … }]
 */
export async function describeStacks(backend: StateBackend, project: string): Promise<FoundStack[]> {
  const out: FoundStack[] = [];
  for (const stack of await backend.stacks()) {
    const state = await backend.openReader(stack);
    try {
      const records = state.resources();
      const kinds: Record<string, number> = {};
      for (const r of records) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
      const binding = state.cloud() ?? null;
      const times = records.map((r) => r.updatedAt).sort();
      out.push({
        stack,
        project,
        resources: records.length,
        kinds,
        cloud: binding ? describeCloud(binding) : null,
        binding,
        lastApplied: times.at(-1) ?? null,
      });
    } finally {
      await state.close();
    }
  }
  return out;
}
