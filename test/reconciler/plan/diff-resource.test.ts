import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeServerSpec, type ServerSpec } from '../../../provider/resources/server/server-spec.ts';
import type { Manifest } from '../../../reconciler/manifests/manifest-types.ts';
import { diffResource, lastAppliedForDiff } from '../../../reconciler/plan/diff-resource.ts';
import { DEFAULT_HANDLERS } from '../../../reconciler/plan/handlers.ts';
import { secretDigest } from '../../../reconciler/state/state-redact.ts';
import { manifest, owned, server, volume } from './fixtures.ts';

const web = manifest('Server', 'web', { flavor: 'm1', image: 'img' }, ['spec.userData']);
const spec = (extra: Partial<ServerSpec> = {}) => normalizeServerSpec({ name: 'web', flavor: { id: 'f1', name: 'm1' }, image: 'img', networks: 'none', ...extra });
const all = () => true;
/** The stamp diffs compare with: these fixtures carry none, so objects are given one where a test is not about stamps. */
const ownerOf = (m: Manifest) => ({ stack: 's', kind: m.kind, name: m.metadata.name });

describe('lastAppliedForDiff', () => {
  it('a stored user-data digest that matches the manifest means unchanged: the diff gets the text', () => {
    assert.deepEqual(lastAppliedForDiff({ userData: secretDigest('#!x'), metadata: {} }, spec({ userData: '#!x' })), { userData: '#!x', metadata: {} });
  });
  it('any other digest stays (and differs), as does everything for other kinds', () => {
    const stored = { userData: secretDigest('#!old') };
    assert.equal(lastAppliedForDiff(stored, spec({ userData: '#!new' })), stored);
    assert.equal(lastAppliedForDiff(stored, {}), stored);
  });
  it('so a non-admin (who cannot see user data) gets no change for the same text, and a rebuild for another', () => {
    const observed = server('s1', owned('s', 'web'), { name: 'web', flavor: { name: 'm1' }, imageId: 'img' }); // no userData: the cloud hides it
    const input = { manifest: web, handler: DEFAULT_HANDLERS.Server, observed, computeAtLeast: all, owner: ownerOf(web) };
    const same = diffResource({ ...input, spec: spec({ userData: '#!x' }), lastApplied: { userData: secretDigest('#!x'), networks: 'none' } });
    assert.deepEqual('action' in same && same.action, 'noop');
    const other = diffResource({ ...input, spec: spec({ userData: '#!y' }), lastApplied: { userData: secretDigest('#!x'), networks: 'none' } });
    assert.deepEqual('action' in other && [other.action, other.changes.map((c) => c.path)], ['rebuild', ['spec.userData']]);
  });
});

describe('diffResource', () => {
  it('no cloud object: a create', () => {
    assert.deepEqual(diffResource({ manifest: web, handler: DEFAULT_HANDLERS.Server, spec: spec(), computeAtLeast: all, owner: ownerOf(web) }), { action: 'create', changes: [], dataLoss: false, warnings: [] });
  });

  it('a shrink is a plan error at the path, with the cloud\'s reason', () => {
    const data = manifest('Volume', 'data', { size: 1 }, ['spec.size']);
    const outcome = diffResource({ manifest: data, handler: DEFAULT_HANDLERS.Volume, spec: { name: 'data', size: 1, metadata: {} }, observed: volume('v1', 'data', owned('s', 'data'), { size: 5 }), computeAtLeast: all, owner: ownerOf(data) });
    assert.ok('code' in outcome);
    assert.deepEqual([outcome.code, outcome.path, outcome.line, outcome.kind, outcome.name], ['unsupported-change', 'spec.size', 2, 'Volume', 'data']);
    assert.match(outcome.message, /cannot shrink from 5 GiB to 1 GiB/);
  });

  it('a key that is not a key is an invalid-spec error at the document', () => {
    const ops = manifest('Keypair', 'ops', { publicKey: 'nonsense' });
    const outcome = diffResource({ manifest: ops, handler: DEFAULT_HANDLERS.Keypair, spec: { name: 'ops', publicKey: 'nonsense', type: 'ssh' }, observed: { id: 'ops', name: 'ops', type: 'ssh', fingerprint: 'aa', publicKey: 'x' } as { id: string }, computeAtLeast: all, owner: ownerOf(ops) });
    assert.ok('code' in outcome && outcome.code === 'invalid-spec' && outcome.line === 1);
  });

  const broken = server('s1', owned('s', 'web'), { name: 'web', status: 'ERROR', fault: { code: 500, message: 'No valid host was found.' }, flavor: { name: 'm1' }, imageId: 'img' });
  const table: Array<[ServerSpec['onError'], string, string[]]> = [
    ['recreate', 'replace', []],
    ['keep', 'noop', ['server s1 failed: No valid host was found.; kept as it is (onError: keep)']],
    ['fail', 'noop', ['server s1 failed: No valid host was found.; apply will stop at it']],
  ];
  for (const [onError, action, warnings] of table) {
    it(`a server in ERROR with onError ${onError}: ${action}`, () => {
      const outcome = diffResource({ manifest: web, handler: DEFAULT_HANDLERS.Server, spec: spec({ onError }), observed: broken, computeAtLeast: all, owner: ownerOf(web) });
      assert.ok('action' in outcome);
      assert.equal(outcome.action, action);
      if (action === 'replace') {
        assert.deepEqual(outcome.changes, [{ path: 'status', from: 'ERROR', to: 'ready', apply: 'replace', dataLoss: true }]);
        assert.deepEqual(outcome.warnings, ['data loss: Server web is deleted and created again; what it holds is lost (status)']);
      } else assert.deepEqual(outcome.warnings, warnings);
    });
  }

  it('a server an operator paused is reported, never recreated', () => {
    const paused = { ...broken, status: 'PAUSED', fault: undefined };
    const outcome = diffResource({ manifest: web, handler: DEFAULT_HANDLERS.Server, spec: spec({ onError: 'recreate' }), observed: paused, computeAtLeast: all, owner: ownerOf(web) });
    assert.ok('action' in outcome && outcome.action === 'noop');
    assert.deepEqual(outcome.warnings, ['server s1 failed: server s1 is PAUSED; novaform manages only running and stopped servers; apply will stop at it']);
  });
});
