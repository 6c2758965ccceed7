import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { changedKeys, isPaused, loadDesiredState } from '../../controller/desired-state.ts';

const flavor = (name: string, ram: number, annotations = '') =>
  `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: ${name}\n${annotations}spec:\n  vcpus: 1\n  ram: ${ram}\n  disk: 1\n`;

describe('loadDesiredState', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'novaform-desired-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('digests each document, and tells which keys changed, appeared or went', async () => {
    await writeFile(join(dir, 'a.yaml'), `${flavor('a', 256)}---\n${flavor('b', 256)}`);
    const first = await loadDesiredState([dir], dir);
    assert.ok(first.ok);
    assert.match(first.desired.digests.get('Flavor/a')!, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(changedKeys(undefined, first.desired), ['Flavor/a', 'Flavor/b']);
    await writeFile(join(dir, 'a.yaml'), `${flavor('a', 512)}---\n${flavor('c', 256)}`);
    const second = await loadDesiredState([dir], dir);
    assert.ok(second.ok);
    assert.deepEqual(changedKeys(first.desired, second.desired), ['Flavor/a', 'Flavor/b', 'Flavor/c']);
    assert.deepEqual(changedKeys(second.desired, second.desired), []);
  });

  it('an invalid file is errors with file:line:column, never a desired state', async () => {
    await writeFile(join(dir, 'a.yaml'), `${flavor('a', 256)}  ram: [oops\n`);
    const load = await loadDesiredState([dir], dir);
    assert.equal(load.ok, false);
    assert.match(!load.ok ? load.errors.join('\n') : '', /a\.yaml:\d+:\d+: error/);
    const missing = await loadDesiredState([join(dir, 'nope')], dir);
    assert.equal(missing.ok, false);
  });

  it('reads the paused annotation', async () => {
    await writeFile(join(dir, 'a.yaml'), flavor('a', 256, '  annotations:\n    novaform.io/reconcile: paused\n'));
    const load = await loadDesiredState([dir], dir);
    assert.ok(load.ok);
    assert.equal(isPaused(load.desired.byKey.get('Flavor/a')), true);
    assert.equal(isPaused(undefined), false);
  });
});
