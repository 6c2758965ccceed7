/**
 * schemas/package-files.ts's rule: code finds the package's own files from
 * the package root, so the same module works from the sources (tsx) and
 * compiled in dist/. Checked on the sources (no module locates a file next
 * to itself or imports JSON) and on both copies of the module.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { packageFile, packageRoot, packageVersion, readPackageJson } from '../../schemas/package-files.ts';
import { REPO } from '../cli/commands/apply-cli-kit.ts';

const run = promisify(execFile);
const SOURCES = ['engine', 'cli', 'controller', 'provider', 'pulumi', 'reconciler', 'schemas'];

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('no product module locates a file next to itself or imports JSON: package-files.ts is the one place', async () => {
  const offenders: string[] = [];
  for (const folder of SOURCES) {
    for (const path of await sourceFiles(join(REPO, folder))) {
      const name = relative(REPO, path);
      if (name === join('schemas', 'package-files.ts')) continue;
      const text = await readFile(path, 'utf8');
      if (text.includes('import.meta.url') || text.includes('import.meta.dirname') || text.includes('import.meta.filename')) offenders.push(`${name}: import.meta location`);
      if (/\b(with|assert)\s*\{\s*type\s*:\s*['"]json['"]/.test(text)) offenders.push(`${name}: JSON import`);
    }
  }
  assert.deepEqual(offenders, [], 'use packageFile / readPackageJson (schemas/package-files.ts)');
});

test('from the sources, the package root is the checkout and its files are read from there', async () => {
  assert.equal(packageRoot(), REPO);
  assert.equal(packageFile('schemas/server.schema.json'), join(REPO, 'schemas', 'server.schema.json'));
  const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  assert.equal(packageVersion(), manifest.version);
  assert.equal(readPackageJson<{ $id: string }>('schemas/server.schema.json').$id, 'https://novaform.dev/schemas/v1/server.schema.json');
});

test('compiled in dist/, the same module finds the same root (the build copies no file beside the JavaScript)', async () => {
  const compiled = join(REPO, 'dist', 'schemas', 'package-files.js');
  assert.ok(await stat(compiled).catch(() => undefined), 'dist/ is not built: run `npm run build` (npm test does)');
  await assert.rejects(stat(join(REPO, 'dist', 'package.json')), 'dist/package.json would become the package scope of the compiled code');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(compiled).href)}); console.log(JSON.stringify([m.packageRoot(), m.packageVersion()]));`]);
  assert.deepEqual(JSON.parse(stdout), [REPO, packageVersion()]);
});
