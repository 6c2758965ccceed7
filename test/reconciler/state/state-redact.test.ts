import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isSecretField, redactForState, redactMessage, secretDigest } from '../../../reconciler/state/state-redact.ts';

const sha = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

describe('redactForState', () => {
  it('replaces every known secret field, in any spelling and depth, with its sha256 digest', () => {
    const input = {
      flavor: 'm1.small',
      userData: '#cloud-config\npassword: hunter2\n',
      adminPass: 'Adm1n!',
      metadata: { 'app.tier': 'web' },
      volumes: [{ volume: 'data', password: 'vol-pw' }],
      auth: { application_credential_secret: 'acs', privateKey: 'PRIV', 'OS-EXT-SRV-ATTR:user_data': 'Zm9v', token: 'tok' },
    };
    const out = redactForState(input);
    assert.deepEqual(out, {
      flavor: 'm1.small',
      userData: sha(input.userData),
      adminPass: sha('Adm1n!'),
      metadata: { 'app.tier': 'web' },
      volumes: [{ volume: 'data', password: sha('vol-pw') }],
      auth: { application_credential_secret: sha('acs'), privateKey: sha('PRIV'), 'OS-EXT-SRV-ATTR:user_data': sha('Zm9v'), token: sha('tok') },
    });
    assert.equal(input.userData.startsWith('#cloud-config'), true, 'the input is not modified');
  });

  it('keeps null and absent secrets, public keys and non-secret look-alikes', () => {
    const out = redactForState({ userData: null, publicKey: 'ssh-ed25519 AAAA', keypair: 'k', description: 'token ring' });
    assert.deepEqual(out, { userData: null, publicKey: 'ssh-ed25519 AAAA', keypair: 'k', description: 'token ring' });
  });

  it('is idempotent: a digest is not digested again', () => {
    const once = redactForState({ userData: 'x' });
    assert.deepEqual(redactForState(once), once);
  });

  it('digests objects under a secret key independently of key order', () => {
    assert.equal(secretDigest({ a: 1, b: [2] }), secretDigest({ b: [2], a: 1 }));
    assert.notEqual(secretDigest({ a: 1 }), secretDigest({ a: 2 }));
    assert.match((redactForState<unknown>({ token: { id: 'gAAAA' } }) as { token: string }).token, /^sha256:[0-9a-f]{64}$/);
  });

  it('recognizes secret field names', () => {
    for (const key of ['userData', 'user_data', 'adminPass', 'admin_password', 'newPassword', 'private_key', 'clientSecret', 'X-Auth-Token']) {
      assert.equal(isSecretField(key), true, key);
    }
    for (const key of ['publicKey', 'name', 'tokenTtl', 'keypair', 'metadata']) assert.equal(isSecretField(key), false, key);
  });
});

describe('redactMessage', () => {
  const cases: Array<[string, string]> = [
    ['rejected {"password": "hunter2", "name": "x"}', 'rejected {"password": "***", "name": "x"}'],
    ['{"adminPass": "a\\"b", "OS-EXT-SRV-ATTR:user_data": "Zm9v"}', '{"adminPass": "***", "OS-EXT-SRV-ATTR:user_data": "***"}'],
    ['GET /v3?token=abc&x=1 OS_PASSWORD=s3cr3t user_data="abc def"', 'GET /v3?token=***&x=1 OS_PASSWORD=*** user_data=***'],
    ['X-Auth-Token: gAAAAA123 x-subject-token:abc', 'X-Auth-Token: *** x-subject-token:***'],
    ['Authorization: Basic dXNlcjpwYXNz; Bearer abc.def', 'Authorization: ***; Bearer ***'],
    ['token gAAAAABlZ2x5X3Rva2VuX3ZhbHVlXzEyMzQ1Ng== expired', 'token *** expired'],
    ['POST https://admin:pw@keystone:5000/v3 failed', 'POST https://admin:***@keystone:5000/v3 failed'],
    ['key -----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY----- done', 'key -----BEGIN OPENSSH PRIVATE KEY----- *** done'],
  ];
  for (const [input, expected] of cases) {
    it(`masks ${JSON.stringify(input.slice(0, 40))}`, () => assert.equal(redactMessage(input), expected));
  }

  it('leaves prose about secrets readable', () => {
    for (const text of [
      "cloud 'lab': no password: set clouds.lab.auth.password in /p/clouds.yaml (or in secure.yaml)",
      'the token is not scoped to a project (the user has no default project)',
      'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances',
    ]) assert.equal(redactMessage(text), text);
  });
});
