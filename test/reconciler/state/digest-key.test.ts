import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DIGEST_KEY_FILE, hasSecretDigests, isSecretPath, keyChanges, keyedDigest, stackDigestKey } from '../../../reconciler/state/digest-key.ts';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });
async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-digest-key-'));
  dirs.push(dir);
  return join(dir, '.novaform');
}

describe('per-stack digest key', () => {
  it('is created once, 0600 in a 0700 folder, and read back the same', async () => {
    const dir = await stateDir();
    const first = await stackDigestKey(dir, 'web');
    assert.equal(first.length, 32);
    const path = join(dir, 'state', 'web', DIGEST_KEY_FILE);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'state', 'web'))).mode & 0o777, 0o700);
    assert.equal((await readFile(path, 'utf8')).trim(), first.toString('hex'));
    assert.deepEqual(await stackDigestKey(dir, 'web'), first);
    // Two novaforms racing for a new stack end with one key.
    const [a, b] = await Promise.all([stackDigestKey(dir, 'db'), stackDigestKey(dir, 'db')]);
    assert.deepEqual(a, await stackDigestKey(dir, 'db'));
    assert.deepEqual(b, a);
  });

  it('keys digests per stack: deterministic within one stack, different across stacks', async () => {
    const dir = await stateDir();
    const web = await stackDigestKey(dir, 'web');
    const db = await stackDigestKey(dir, 'db');
    assert.notDeepEqual(web, db);
    const digest = 'sha256:0123456789abcdef';
    assert.match(keyedDigest(web, digest), /^hmac:[0-9a-f]{32}$/);
    assert.equal(keyedDigest(web, digest), keyedDigest(web, digest));
    assert.notEqual(keyedDigest(web, digest), keyedDigest(db, digest));
  });
});

describe('keyChanges', () => {
  const key = Buffer.alloc(32, 7);
  it('keys the plain digests of secret paths only, leaving other changes and values as they are', () => {
    const changes = [
      { path: 'spec.userData', from: 'sha256:aaaaaaaaaaaaaaaa', to: 'sha256:bbbbbbbbbbbbbbbb', apply: 'rebuild' },
      { path: 'spec.userData', from: null, to: 'sha256:bbbbbbbbbbbbbbbb', apply: 'rebuild' },
      { path: 'spec.metadata["admin_password"]', from: 'sha256:cccccccccccccccc', to: 'x', apply: 'update' },
      { path: 'spec.image', from: 'sha256:dddddddddddddddd', to: 'cirros', apply: 'rebuild' },
    ];
    const keyed = keyChanges(key, changes, ['from', 'to']);
    assert.equal(keyed[0]!.from, keyedDigest(key, 'sha256:aaaaaaaaaaaaaaaa'));
    assert.equal(keyed[0]!.to, keyedDigest(key, 'sha256:bbbbbbbbbbbbbbbb'));
    assert.equal(keyed[1]!.from, null);
    assert.equal(keyed[1]!.to, keyed[0]!.to, 'the same secret keys to the same digest');
    assert.equal(keyed[2]!.from, keyedDigest(key, 'sha256:cccccccccccccccc'));
    assert.equal(keyed[2]!.to, 'x', 'not a digest: left alone (the diff decided what to show)');
    assert.equal(keyed[3], changes[3], 'not a secret path: the same object');
    assert.equal(changes[0]!.from, 'sha256:aaaaaaaaaaaaaaaa', 'the input is not modified');
  });

  it('tells secret paths by their last segment', () => {
    assert.equal(isSecretPath('spec.userData'), true);
    assert.equal(isSecretPath('spec.metadata["db.password"]'), true);
    assert.equal(isSecretPath('spec.metadata["owner"]'), false);
    assert.equal(isSecretPath('spec.flavor'), false);
  });
});

describe('hasSecretDigests', () => {
  it('is true only for a plain digest under a secret path, so plans without one need no key', () => {
    assert.equal(hasSecretDigests([{ path: 'spec.userData', from: null, to: 'sha256:bbbbbbbbbbbbbbbb' }], ['from', 'to']), true);
    assert.equal(hasSecretDigests([{ path: 'spec.userData', from: 'hmac:00', to: null }], ['from', 'to']), false);
    assert.equal(hasSecretDigests([{ path: 'spec.image', from: 'sha256:bbbbbbbbbbbbbbbb', to: 'x' }], ['from', 'to']), false);
    assert.equal(hasSecretDigests([], ['from', 'to']), false);
  });
});
