import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, normalize, relative, resolve } from 'node:path';

/**
 * Which files a set of paths means. Order is deterministic: paths in the
 * order given; inside a directory, entries sorted by name (by UTF-16 code
 * unit, not locale) and subdirectories walked where they sort, depth
 * first. Directory walks take `.yaml`, `.yml` and `.json` files and skip
 * hidden entries (`.git`, `.novaform`), `node_modules`, and the project file
 * `novaform.yaml` / `novaform.yml` (it configures the stack; it is not a
 * manifest). A file named explicitly is always read, whatever its
 * extension (except the project file). A file reached twice is read once.
 */

export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];
export const PROJECT_FILE_NAMES: readonly string[] = ['novaform.yaml', 'novaform.yml'];

/** A path that does not exist or is neither file nor directory: a usage error, not a manifest error. */
export class ManifestPathError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'ManifestPathError';
  }
}

export interface ManifestFile {
  /** Absolute path, for reading. */
  readonly path: string;
  /** The path as the user wrote it joined with the walk (`examples/quickstart/servers.yaml`), for diagnostics. */
  readonly display: string;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const skippedInWalk = (name: string) => name.startsWith('.') || name === 'node_modules';

/**
 * The manifest files under `paths`, relative paths resolved against `cwd`.
 * MUST throw ManifestPathError for a path that does not exist.
 *
 * @example
 * await discoverFiles(['examples/quickstart'], process.cwd())
 * // → [{ path: '/…/examples/quickstart/flavors.yaml', display: 'examples/quickstart/flavors.yaml' }, …]
 */
export async function discoverFiles(paths: readonly string[], cwd: string): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const add = async (path: string, display: string) => {
    const real = await realpath(path);
    if (seenFiles.has(real) || PROJECT_FILE_NAMES.includes(basename(path))) return;
    seenFiles.add(real);
    files.push({ path, display });
  };
  const walk = async (dir: string, display: string): Promise<void> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return; // a symlink loop or a directory given twice
    seenDirs.add(real);
    const names = (await readdir(dir)).filter((name) => !skippedInWalk(name)).sort(byCodeUnit);
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined); // a dangling symlink is not a manifest
      if (info?.isDirectory()) await walk(path, join(display, name));
      else if (info?.isFile() && MANIFEST_EXTENSIONS.includes(extname(name).toLowerCase())) await add(path, join(display, name));
    }
  };
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) throw new ManifestPathError(given, `${given}: ${info.code === 'ENOENT' ? 'no such file or directory' : info.message}`);
    const display = isAbsolute(given) ? path : normalize(relative(cwd, path) || '.');
    if (info.isDirectory()) await walk(path, display);
    else if (info.isFile()) await add(path, display);
    else throw new ManifestPathError(given, `${given}: neither a file nor a directory`);
  }
  return files;
}
