import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packageVersion } from '../../cli/package-version.ts';

describe('packageVersion', () => {
  it('finds the nearest package.json named novaform above the code, as from a compiled dist/cli/', async () => {
    const root = await mkdtemp(join(tmpdir(), 'novaform-version-'));
    try {
      await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'novaform', version: '9.8.7' }));
      // A package.json of another name on the way up (dist/ may carry one for "type": "module") is passed over.
      await mkdir(join(root, 'dist', 'cli'), { recursive: true });
      await writeFile(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
      assert.equal(packageVersion(pathToFileURL(join(root, 'dist', 'cli', 'package-version.js')).href), '9.8.7');
      assert.equal(packageVersion(join(root, 'dist', 'cli', 'package-version.js')), '9.8.7');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('says so when there is none', async () => {
    const root = await mkdtemp(join(tmpdir(), 'novaform-version-'));
    try {
      assert.throws(() => packageVersion(join(root, 'cli', 'x.js')), /no package.json named novaform above/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
