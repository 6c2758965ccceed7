import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How novaform finds its own files at run time. The same modules run from
 * the sources (the tests, through tsx: `schemas/index.ts`) and compiled
 * (the bins and the installed package: `dist/schemas/index.js`), so a path
 * relative to a module's own location is right in one of the two only.
 *
 * - Code MUST locate a file of the package (schemas/*.json, package.json)
 *   with `packageFile` / `readPackageJson`: a path from the package root,
 *   the directory of novaform's package.json. It MUST NOT use its own
 *   module's location (`import.meta.url`) or a JSON import (`with { type:
 *   'json' }`): tsc copies an imported JSON file into dist/, and a
 *   dist/package.json would become the package scope of the compiled code.
 * - The build copies nothing but what tsc emits: a file read at run time
 *   ships at its place in the package (package.json's `files`).
 *
 * This lives in schemas/ because every part of novaform, the engine
 * included, may import schemas/ (it depends on nothing else).
 * test/package/package-files.test.ts enforces the first rule.
 */

let root: string | undefined;

/**
 * The package root: the nearest directory above this module whose
 * package.json is novaform's.
 *
 * @example
 * packageRoot() // '/usr/lib/node_modules/novaform' (installed) or the checkout
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'novaform') {
      root = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`novaform cannot find its own package.json above ${start}`);
  }
}

/**
 * The absolute path of a file of the package, from the package root.
 *
 * @example
 * packageFile('schemas/server.schema.json') // '<root>/schemas/server.schema.json'
 */
export function packageFile(path: string): string {
  return join(packageRoot(), path);
}

/**
 * A JSON file of the package, parsed (read synchronously: these are read
 * once, while modules load).
 *
 * @example
 * readPackageJson<{ version: string }>('package.json').version // '0.1.0'
 */
export function readPackageJson<T>(path: string): T {
  return JSON.parse(readFileSync(packageFile(path), 'utf8')) as T;
}

/**
 * novaform's version, from its package.json.
 *
 * @example
 * packageVersion() // '0.1.0'
 */
export function packageVersion(): string {
  return readPackageJson<{ version: string }>('package.json').version;
}
