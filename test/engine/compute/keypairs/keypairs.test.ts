import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { opensslCertificate, opensslPkcs12, opensslSha1, sshKeygen, sshKeygenMd5, sshPublicFromPrivate } from './key-tools.ts';

const NAME_20 = "An invalid 'name' value was provided. The name must be: Only expected characters: [_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]";

describe('os-keypairs: create, import and generated keys', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('generates an RSA keypair at 2.1 (200, no type) that OpenSSH accepts', async () => {
    const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'gen' } });
    assert.equal(r.status, 200);
    const k = r.body.keypair;
    assert.deepEqual(Object.keys(k), ['name', 'public_key', 'fingerprint', 'user_id', 'private_key']);
    assert.equal(k.user_id, demo.userId);
    assert.match(k.public_key, /^ssh-rsa AAAAB3NzaC1yc2E\S+ Generated-by-Nova\n$/);
    assert.match(k.private_key, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    assert.equal(k.fingerprint, sshKeygenMd5(k.public_key));
    // The private key is the public key's pair: OpenSSH derives the same key, and a signature verifies.
    assert.equal(sshPublicFromPrivate(k.private_key), k.public_key.split(' ').slice(0, 2).join(' '));
    const signature = sign('sha256', Buffer.from('hello'), createPrivateKey(k.private_key));
    assert.ok(verify('sha256', Buffer.from('hello'), createPublicKey(createPrivateKey(k.private_key)), signature));
    assert.equal((await demo.get('/v2.1/os-keypairs/gen')).body.keypair.public_key, k.public_key);
  });

  it('imports ssh keys with the fingerprint ssh-keygen computes; 201 and type from 2.2', async () => {
    for (const [name, type] of [['rsa-key', 'rsa'], ['ed-key', 'ed25519'], ['ec-key', 'ecdsa']] as const) {
      const publicKey = sshKeygen(type);
      const r = await demo.post('/v2.1/os-keypairs', { keypair: { name, public_key: publicKey } }, '2.2');
      assert.equal(r.status, 201);
      assert.deepEqual(Object.keys(r.body.keypair), ['name', 'public_key', 'fingerprint', 'user_id', 'type']);
      assert.equal(r.body.keypair.type, 'ssh');
      assert.equal(r.body.keypair.public_key, publicKey);
      assert.equal(r.body.keypair.fingerprint, sshKeygenMd5(publicKey));
    }
  });

  it('rejects a key that does not load', async () => {
    for (const publicKey of ['ssh-rsa notbase64', 'hello world', sshKeygen('ed25519').replace('ssh-ed25519', 'ssh-rsa')]) {
      const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'bad', public_key: publicKey } });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { badRequest: { code: 400, message: 'Keypair data is invalid: failed to generate fingerprint' } });
    }
  });

  it('imports an x509 certificate with its SHA-1 fingerprint', async () => {
    const cert = opensslCertificate();
    const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'cert', type: 'x509', public_key: cert.pem } }, '2.2');
    assert.equal(r.status, 201);
    assert.equal(r.body.keypair.type, 'x509');
    assert.equal(r.body.keypair.fingerprint, cert.sha1.toLowerCase());
    const bad = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'cert2', type: 'x509', public_key: 'nope' } }, '2.2');
    assert.equal(bad.status, 400);
    assert.match(bad.body.badRequest.message, /^Keypair data is invalid: failed to generate X509 fingerprint\. Error message: /);
  });

  it('generates an x509 WinRM certificate and a password-less PKCS#12 private key', async () => {
    const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'winrm', type: 'x509' } }, '2.2');
    assert.equal(r.status, 201);
    const k = r.body.keypair;
    assert.match(k.public_key, /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(k.fingerprint, opensslSha1(k.public_key).toLowerCase());
    const dump = opensslPkcs12(k.private_key);
    assert.match(dump, /-----BEGIN PRIVATE KEY-----/);
    assert.match(dump, new RegExp(`subject=CN\\s?=\\s?${demo.userId}`));
  });

  it('answers 409 for a duplicate name of the same user only', async () => {
    const publicKey = sshKeygen('ed25519');
    const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'gen', public_key: publicKey } });
    assert.deepEqual(r.body, { conflictingRequest: { code: 409, message: "Key pair 'gen' already exists." } });
    assert.equal((await admin.post('/v2.1/os-keypairs', { keypair: { name: 'gen', public_key: publicKey } })).status, 200);
  });

  it('validates names per microversion', async () => {
    const key = sshKeygen('ed25519');
    const at = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'me@host', public_key: key } }, '2.91');
    assert.equal(at.body.badRequest.message, NAME_20);
    const lead = await demo.post('/v2.1/os-keypairs', { keypair: { name: ' lead', public_key: key } });
    assert.equal(lead.body.badRequest.message, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
    const v292 = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'me.and.myself@this.domain mooh.', public_key: key } }, '2.92');
    assert.equal(v292.status, 201);
    assert.equal(v292.body.keypair.name, 'me.and.myself@this.domain mooh.');
    const slash = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'a/b', public_key: key } }, '2.92');
    assert.equal(slash.body.badRequest.message,
      "An invalid 'name' value was provided. The name must be: Only expected characters: [@._- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]");
  });

  it('requires public_key from 2.92 and accepts type only from 2.2', async () => {
    const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'x' } }, '2.92');
    assert.equal(r.body.badRequest.message, "Invalid input for field/attribute keypair. Value: {'name': 'x'}. 'public_key' is a required property");
    const typed = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'x', type: 'ssh' } });
    assert.equal(typed.body.badRequest.message, "Invalid input for field/attribute keypair. Value: {'name': 'x', 'type': 'ssh'}. Additional properties are not allowed ('type' was unexpected)");
    assert.equal((await demo.post('/v2.1/os-keypairs', {})).body.badRequest.message, "'keypair' is a required property");
  });
});

describe('os-keypairs: show, list, delete, user_id and quota', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { quotaDefaults: { compute: { key_pairs: 3 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
    for (const name of ['c', 'a', 'b']) await demo.post('/v2.1/os-keypairs', { keypair: { name, public_key: sshKeygen('ed25519') } });
  });
  after(() => t.close());

  it('shows the stored keypair with id and timestamps', async () => {
    const r = await demo.get('/v2.1/os-keypairs/a', '2.2');
    assert.equal(r.status, 200);
    const k = r.body.keypair;
    assert.deepEqual(Object.keys(k).sort(), ['created_at', 'deleted', 'deleted_at', 'fingerprint', 'id', 'name', 'public_key', 'type', 'updated_at', 'user_id']);
    assert.equal(typeof k.id, 'number');
    assert.match(k.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(k.deleted, false);
    assert.equal(k.updated_at, null);
    assert.equal((await demo.get('/v2.1/os-keypairs/a')).body.keypair.type, undefined);
    const missing = await demo.get('/v2.1/os-keypairs/zz');
    assert.deepEqual(missing.body, { itemNotFound: { code: 404, message: `Keypair zz not found for user ${demo.userId}` } });
  });

  it('lists by name, paging from 2.35', async () => {
    const all = await demo.get('/v2.1/os-keypairs?limit=1', '2.34');
    assert.deepEqual(all.body.keypairs.map((k: any) => k.keypair.name), ['a', 'b', 'c']);
    assert.deepEqual(Object.keys(all.body.keypairs[0].keypair), ['name', 'public_key', 'fingerprint', 'type']);
    assert.equal(all.body.keypairs_links, undefined);
    const page = await demo.get('/v2.1/os-keypairs?limit=2', '2.35');
    assert.deepEqual(page.body.keypairs.map((k: any) => k.keypair.name), ['a', 'b']);
    assert.deepEqual(page.body.keypairs_links, [{ rel: 'next', href: `${t.url}/v2.1/os-keypairs?limit=2&marker=b` }]);
    const rest = await demo.get('/v2.1/os-keypairs?limit=2&marker=b', '2.35');
    assert.deepEqual(rest.body.keypairs.map((k: any) => k.keypair.name), ['c']);
    assert.equal(rest.body.keypairs_links, undefined);
    const bad = await demo.get('/v2.1/os-keypairs?marker=zz', '2.35');
    assert.deepEqual(bad.body, { badRequest: { code: 400, message: 'Marker zz could not be found.' } });
  });

  it('enforces the key_pairs quota per user', async () => {
    const r = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'd', public_key: sshKeygen('ed25519') } });
    assert.deepEqual(r.body, { forbidden: { code: 403, message: 'Quota exceeded, too many key pairs.' } });
    // Quota comes before the key check and the duplicate check.
    assert.equal((await demo.post('/v2.1/os-keypairs', { keypair: { name: 'a', public_key: 'junk' } })).status, 403);
    assert.equal((await admin.post('/v2.1/os-keypairs', { keypair: { name: 'd', public_key: sshKeygen('ed25519') } })).status, 200);
  });

  it('lets admins act for another user from 2.10; members only for themselves', async () => {
    const forDemo = await admin.post('/v2.1/os-keypairs', { keypair: { name: 'x', public_key: sshKeygen('ed25519'), user_id: admin.userId } }, '2.10');
    assert.equal(forDemo.body.keypair.user_id, admin.userId);
    const created = await admin.post('/v2.1/os-keypairs', { keypair: { name: 'e', public_key: sshKeygen('ed25519'), user_id: 'someone' } }, '2.10');
    assert.equal(created.status, 201);
    assert.equal(created.body.keypair.user_id, 'someone');
    assert.deepEqual((await admin.get('/v2.1/os-keypairs?user_id=someone', '2.10')).body.keypairs.map((k: any) => k.keypair.name), ['e']);
    assert.equal((await admin.get('/v2.1/os-keypairs/e?user_id=someone', '2.10')).body.keypair.user_id, 'someone');
    // Below 2.10 the query parameter is ignored.
    assert.ok(!(await admin.get('/v2.1/os-keypairs?user_id=someone', '2.9')).body.keypairs.some((k: any) => k.keypair.name === 'e'));
    const own = await demo.get(`/v2.1/os-keypairs?user_id=${demo.userId}`, '2.10');
    assert.equal(own.status, 200);
    const forbidden = [
      await demo.post('/v2.1/os-keypairs', { keypair: { name: 'z', user_id: admin.userId } }, '2.10'),
      await demo.get(`/v2.1/os-keypairs?user_id=${admin.userId}`, '2.10'),
      await demo.get(`/v2.1/os-keypairs/x?user_id=${admin.userId}`, '2.10'),
      await demo.delete(`/v2.1/os-keypairs/x?user_id=${admin.userId}`, '2.10'),
    ];
    assert.deepEqual(forbidden.map((r) => r.body.forbidden?.message), ['create', 'index', 'show', 'delete']
      .map((a) => `Policy doesn't allow os_compute_api:os-keypairs:${a} to be performed.`));
    assert.equal((await admin.delete('/v2.1/os-keypairs/e?user_id=someone', '2.10')).status, 204);
  });

  it('rejects unknown query parameters from 2.75', async () => {
    assert.equal((await demo.get('/v2.1/os-keypairs?foo=1', '2.74')).status, 200);
    const r = await demo.get('/v2.1/os-keypairs?foo=1', '2.75');
    assert.equal(r.body.badRequest.message, "Additional properties are not allowed ('foo' was unexpected)");
    assert.equal((await demo.get('/v2.1/os-keypairs/a?limit=1', '2.75')).status, 400);
  });

  it('deletes with 202 at 2.1 and 204 from 2.2', async () => {
    const old = await demo.delete('/v2.1/os-keypairs/a');
    assert.equal(old.status, 202);
    const now = await demo.delete('/v2.1/os-keypairs/b', '2.2');
    assert.equal(now.status, 204);
    const missing = await demo.delete('/v2.1/os-keypairs/b', '2.2');
    assert.deepEqual(missing.body, { itemNotFound: { code: 404, message: `Keypair b not found for user ${demo.userId}` } });
    assert.deepEqual((await demo.get('/v2.1/os-keypairs')).body.keypairs.map((k: any) => k.keypair.name), ['c']);
  });
});
