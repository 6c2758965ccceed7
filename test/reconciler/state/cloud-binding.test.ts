import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkBinding, CloudMismatchError, describeCloud, sameCloud, type CloudIdentity } from '../../../reconciler/state/cloud-binding.ts';
import { openStateReadOnly } from '../../../reconciler/state/read-only-state.ts';
import { openState } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

const lab: CloudIdentity = { type: 'openstack', name: 'lab', authUrl: 'http://10.0.0.5:5000/v3', projectId: '4f2c9a0e1b2c4d5e' };
const embedded: CloudIdentity = { type: 'embedded', dataDir: '.novaform/engine' };

describe('cloud identity', () => {
  const rows: Array<[string, CloudIdentity, CloudIdentity, boolean]> = [
    ['one cloud under two names, URL spelled differently', lab, { ...lab, name: 'production', authUrl: 'HTTP://10.0.0.5:5000/v3/' }, true],
    ['auth URL with and without /v3', lab, { ...lab, authUrl: 'http://10.0.0.5:5000' }, true],
    ['another project on the same Keystone', lab, { ...lab, projectId: 'other' }, false],
    ['another Keystone', lab, { ...lab, authUrl: 'http://10.0.0.6:5000/v3' }, false],
    ['the embedded engine vs a cloud', embedded, lab, false],
    ['the embedded engine, every run on a new port', embedded, { type: 'embedded', dataDir: '.novaform/engine' }, true],
    ['another engine data directory', embedded, { type: 'embedded', dataDir: 'other/engine' }, false],
  ];
  for (const [what, a, b, same] of rows) {
    it(`${what}: ${same ? 'same' : 'different'}`, () => {
      assert.equal(sameCloud(a, b), same);
      assert.equal(sameCloud(b, a), same);
    });
  }

  it('a mismatch is one line naming both clouds and the ways out', () => {
    assert.doesNotThrow(() => checkBinding('quickstart', undefined, embedded), 'an unbound state passes');
    const error = (() => { try { checkBinding('quickstart', lab, embedded); } catch (e) { return e; } })();
    assert.ok(error instanceof CloudMismatchError);
    assert.equal(error.message, "stack 'quickstart' was applied to cloud 'lab' (http://10.0.0.5:5000/v3, project 4f2c9a0e…); "
      + 'this command targets the embedded engine (.novaform/engine). To work where it was applied, pass --os-cloud lab; '
      + 'to move the stack to this cloud on purpose, pass --rebind (see README, "State bound to its cloud")');
    assert.ok(!error.message.includes('\n'));
    assert.match(new CloudMismatchError('s', embedded, lab).message, /pass --os-cloud embedded/);
    assert.match(new CloudMismatchError('s', { ...lab, name: 'envvars' }, embedded).message, /set the OS_\* variables for http:\/\/10\.0\.0\.5:5000\/v3/);
    assert.equal(describeCloud(embedded), 'the embedded engine (.novaform/engine)');
  });
});

describe('state store: the cloud binding', () => {
  it('is kept across a reopen and read by the read-only open; a move forgets the old cloud\'s records and unfinished calls', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'novaform-binding-'));
    dirs.push(dir);
    const state = await openState(dir, 'web');
    assert.equal(state.cloud(), undefined);
    await state.put({ kind: 'Server', name: 'web-1', cloudId: 's-1', lastApplied: {}, deletionPolicy: 'Delete' });
    await state.journalStart({ kind: 'Server', name: 'web-2', operation: 'create' });
    const bound = await state.bind(lab);
    assert.deepEqual({ ...bound, boundAt: '' }, { ...lab, boundAt: '' });
    assert.equal(state.resources().length, 1, 'binding alone forgets nothing');
    await state.close();

    const reader = await openStateReadOnly(dir, 'web');
    assert.equal(sameCloud(reader.cloud()!, lab), true);
    await reader.close();

    const again = await openState(dir, 'web');
    assert.equal(sameCloud(again.cloud()!, lab), true);
    await again.bind(embedded, { forget: true });
    assert.deepEqual(again.resources(), []);
    assert.deepEqual(again.unfinished(), []);
    assert.equal(again.cloud()?.type, 'embedded');
    const moved = again.events().at(-1)!;
    assert.equal(moved.type, 'Rebound');
    assert.match(moved.message, /moved from cloud 'lab' .* to the embedded engine/);
    await again.close();
  });
});
