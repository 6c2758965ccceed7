import { basename, extname, relative, sep } from 'node:path';
import { MANIFEST_EXTENSIONS, PROJECT_FILE_NAMES } from '../../reconciler/manifests/discover-files.ts';

/**
 * Which paths under the watched roots are manifests, by the same rules as
 * `discoverFiles` (reconciler/manifests/discover-files.ts), so a change is
 * reported exactly when it can change what a pass loads:
 * - a root named explicitly is a manifest whatever its extension, except
 *   the project file `novaform.yaml` / `novaform.yml`;
 * - below a root: `.yaml`, `.yml`, `.json` files, skipping every hidden
 *   entry (`.git/`, `.novaform/`, `.#lock`), `node_modules/` and the project file;
 * - editor temporaries are never manifests: `*.swp` / `*.swo` / `*.swx`,
 *   `*~`, `.#*`, `#*#` and vim's write probe `4913`.
 *
 * Roots MUST be absolute and normalized (`path.resolve`).
 */

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * True for the files editors write beside the one being saved.
 *
 * @example
 * isEditorTemporary('.servers.yaml.swp') // → true
 */
export function isEditorTemporary(name: string): boolean {
  return name === '4913' || name.endsWith('~') || name.startsWith('.#') || /^#.*#$/.test(name) || /\.sw[opx]$/.test(name);
}

const skippedBelowRoot = (name: string) => name.startsWith('.') || name === 'node_modules' || isEditorTemporary(name);

/**
 * True when `path` is `root` or inside it.
 *
 * @example
 * isWithin('/infra', '/infra/web/a.yaml') // → true
 * isWithin('/infra', '/infra-b/a.yaml')   // → false
 */
export function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The deepest root `path` is at or below, or undefined. */
function rootOf(path: string, roots: readonly string[]): string | undefined {
  let found: string | undefined;
  for (const root of roots) if (isWithin(root, path) && (found === undefined || root.length > found.length)) found = root;
  return found;
}

/**
 * True when the watcher need not even look at `path`: a skipped entry below
 * a root (hidden, `node_modules`, an editor temporary), or a file below a
 * root that is not a manifest. A root, and a directory leading to a root,
 * is never ignored (`/infra/.config/x.yaml` may be a root inside the root `/infra`).
 *
 * @example
 * isIgnoredPath('/infra/.novaform/state.db', ['/infra']) // → true
 * isIgnoredPath('/infra/web', ['/infra'])                // → false
 */
export function isIgnoredPath(path: string, roots: readonly string[], isFile?: boolean): boolean {
  if (roots.some((root) => isWithin(path, root))) return false;
  const root = rootOf(path, roots);
  if (root === undefined) return false; // chokidar's own walk to a root's parent; events there are filtered by isManifestPath
  if (relative(root, path).split(sep).some(skippedBelowRoot)) return true;
  return isFile === true && !isManifestPath(path, roots);
}

/**
 * True when a file event at `path` concerns a manifest.
 *
 * @example
 * isManifestPath('/infra/web/servers.yaml', ['/infra']) // → true
 * isManifestPath('/infra/notes.txt', ['/infra'])        // → false
 * isManifestPath('/etc/infra.conf', ['/etc/infra.conf']) // → true (named explicitly)
 */
export function isManifestPath(path: string, roots: readonly string[]): boolean {
  const root = rootOf(path, roots);
  if (root === undefined || PROJECT_FILE_NAMES.includes(basename(path))) return false;
  if (root === path) return true;
  if (relative(root, path).split(sep).some(skippedBelowRoot)) return false;
  return MANIFEST_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * Paths deduplicated and sorted by UTF-16 code unit (as discoverFiles orders names).
 *
 * @example
 * sortedUnique(['/b', '/a', '/b']) // → ['/a', '/b']
 */
export function sortedUnique(paths: Iterable<string>): string[] {
  return [...new Set(paths)].sort(byCodeUnit);
}
