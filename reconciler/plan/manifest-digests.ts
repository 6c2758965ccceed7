import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * `path -> sha256:<hex>` of every manifest file a plan was made from, as
 * the loader names them (its `files`, relative to `cwd`). Saved in the plan
 * so `apply FILE` can refuse when a manifest changed in between.
 *
 * @example
 * await manifestDigests(loaded.files, process.cwd()) // { 'stack/servers.yaml': 'sha256:9f2c…' }
 */
export async function manifestDigests(files: readonly string[], cwd: string): Promise<Record<string, string>> {
  const entries = await Promise.all(files.map(async (file) => {
    const bytes = await readFile(resolve(cwd, file));
    return [file, `sha256:${createHash('sha256').update(bytes).digest('hex')}`] as const;
  }));
  return Object.fromEntries(entries);
}
