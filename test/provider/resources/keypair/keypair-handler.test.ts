import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../../../helpers/test-cloud.ts';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import { KEYPAIRS } from '../../../../provider/openstack/paging.ts';
import { deleteKeypair, keypairHandler } from '../../../../provider/resources/keypair/keypair-handler.ts';
import { sshFingerprint } from '../../../../provider/resources/keypair/keypair-fingerprint.ts';
import { toKeypairObserved } from '../../../../provider/resources/keypair/keypair-observed.ts';
import type { KeypairSpec } from '../../../../provider/resources/keypair/keypair-spec.ts';
import type { Owner } from '../../../../provider/resources/types.ts';
import { opensslCertificate, sshKeygen } from '../../../engine/compute/keypairs/key-tools.ts';
import { adoptOrCreate, contextOf, injectedFailures, retryStep } from '../handler-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';
import { adopt } from '../../../../provider/resources/match.ts';

async function cleanup(cloud: TestCloud): Promise<void> {
  for (const api of [cloud.admin, cloud.demo]) {
    for await (const key of api.compute.list(KEYPAIRS)) if (String(key.name).startsWith(cloud.prefix)) await deleteKeypair(api, key.name);
  }
}

describe('toKeypairObserved', () => {
  it('reads create, show and list bodies', () => {
    assert.deepEqual(toKeypairObserved({ name: 'k', type: 'x509', fingerprint: 'aa', public_key: 'PEM', user_id: 'u1', private_key: 'never kept' }),
      { id: 'k', name: 'k', type: 'x509', fingerprint: 'aa', publicKey: 'PEM', userId: 'u1' });
    assert.equal(toKeypairObserved({ name: 'k', fingerprint: 'aa', public_key: 'x' }).type, 'ssh');
  });
});

describe('keypairHandler against a cloud', () => {
  let cloud: TestCloud;
  let api: Clients;
  const key = sshKeygen('ed25519').trim();
  const owner = (name: string): Owner => ({ stack: 'test', kind: 'Keypair', name });
  const spec = (suffix: string, extra: Partial<KeypairSpec> = {}): KeypairSpec =>
    keypairHandler.normalize({ name: `${cloud.prefix}-${suffix}`, publicKey: key, ...extra });

  before(async () => {
    cloud = await openTestCloud({ name: 'keypair' });
    api = cloud.admin;
  });
  after(async () => {
    await cleanup(cloud);
    await cloud.close();
  });

  it('imports an ssh key; a reformatted key is still in sync', async () => {
    const desired = spec('ssh');
    const created = await ensureCreated(keypairHandler, api, owner('ssh'), desired);
    assert.deepEqual([created.name, created.type, created.fingerprint], [desired.name, 'ssh', sshFingerprint(key)]);
    assert.deepEqual(await keypairHandler.read(api, created.id), { ...created, userId: api.userId });
    const [type, data] = key.split(' ');
    assert.deepEqual(keypairHandler.diff(spec('ssh', { publicKey: `${type}  ${data} moved-to-laptop\n` }), created, contextOf(api)), []);
    assert.deepEqual(keypairHandler.readiness(created), { state: 'ready' });
    assert.deepEqual(await keypairHandler.update(api, created, desired, []), created);
  });

  it('imports an x509 certificate with its type', async () => {
    const cert = opensslCertificate();
    const created = await ensureCreated(keypairHandler, api, owner('x509'), spec('x509', { publicKey: cert.pem, type: 'x509' }));
    assert.deepEqual([created.type, created.fingerprint], ['x509', cert.sha1.toLowerCase()]);
  });

  it('keypairs are per user: the demo user manages its own', async () => {
    const desired = spec('demo');
    const created = await ensureCreated(keypairHandler, cloud.demo, owner('demo'), desired);
    assert.equal(await keypairHandler.read(api, created.id), undefined, 'the admin user has no keypair of that name');
    assert.equal((await keypairHandler.read(cloud.demo, created.id))?.fingerprint, created.fingerprint);
    await keypairHandler.delete(cloud.demo, created);
  });

  it('a new key is a replace: update refuses it, delete and create carry it out', async () => {
    const created = await ensureCreated(keypairHandler, api, owner('rotate'), spec('rotate'));
    const rotated = spec('rotate', { publicKey: sshKeygen('ed25519').trim() });
    const changes = keypairHandler.diff(rotated, created, contextOf(api));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [['spec.publicKey', 'replace', false]]);
    await assert.rejects(keypairHandler.update(api, created, rotated, changes), /immutable/);
    await keypairHandler.delete(api, created);
    const fresh = await ensureCreated(keypairHandler, api, owner('rotate'), rotated);
    assert.deepEqual(keypairHandler.diff(rotated, fresh, contextOf(api)), []);
    assert.notEqual(fresh.fingerprint, created.fingerprint);
  });

  it('deletes, and deleting again is success', async () => {
    const created = await ensureCreated(keypairHandler, api, owner('delete'), spec('delete'));
    await keypairHandler.delete(api, created);
    assert.equal(await keypairHandler.read(api, created.id), undefined);
    await keypairHandler.delete(api, created);
  });

  it('adopts a keypair by the stamp in its key comment; a second create is refused, not duplicated', async () => {
    const desired = spec('adopt');
    assert.equal(await adopt(keypairHandler, api, owner('adopt')), undefined);
    await ensureCreated(keypairHandler, api, owner('adopt'), desired);
    const adopted = await adopt(keypairHandler, api, owner('adopt'));
    assert.equal(adopted?.fingerprint, sshFingerprint(key));
    assert.match(adopted!.publicKey, new RegExp(`novaform:stack=${owner('adopt').stack} novaform:name=adopt$`));
    assert.deepEqual(keypairHandler.diff(desired, adopted!, { computeAtLeast: () => true }), [], 'the stamp is not part of the key');
    await assert.rejects(keypairHandler.create(api, owner('adopt'), desired), /already exists/);
    assert.equal(await adopt(keypairHandler, api, { ...owner('adopt'), stack: 'another-stack' }), undefined);
  });

  it('refuses an invalid key before sending anything', async () => {
    await assert.rejects(keypairHandler.create(api, owner('bad'), spec('bad', { publicKey: 'ssh-ed25519 nope' })), /InvalidPublicKeyError|does not match|not an OpenSSH/);
    assert.equal(await keypairHandler.read(api, `${cloud.prefix}-bad`), undefined);
  });
});

describe('keypairHandler with transient API errors', () => {
  let cloud: TestCloud;
  before(async () => {
    cloud = await openTestCloud({ name: 'keypair503', engineConfig: { faults: { apiErrorRate: 0.3, seed: 7 } } });
  });
  after(async () => {
    if (cloud.target === 'engine') cloud.engine!.engine.config.faults.apiErrorRate = 0;
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates and deletes through injected 500/503 answers, without duplicates', async (t) => {
    if (cloud.target === 'real') return t.skip('fault injection needs the embedded engine; a real cloud cannot be told to fail');
    const api = cloud.admin;
    for (const suffix of ['a', 'b', 'c']) {
      const desired = keypairHandler.normalize({ name: `${cloud.prefix}-${suffix}`, publicKey: sshKeygen('ed25519') });
      const created = await adoptOrCreate(keypairHandler, api, { stack: 'test', kind: 'Keypair', name: suffix }, desired);
      assert.deepEqual(keypairHandler.diff(desired, created, contextOf(api)), []);
      await retryStep(() => keypairHandler.delete(api, created));
      assert.equal(await retryStep(() => keypairHandler.read(api, created.id)), undefined);
    }
    assert.ok(injectedFailures(cloud.engine!.engine.requestLog) > 0, 'the engine injected no failures: the test proved nothing');
  });
});
