import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffKeypair } from '../../../../provider/resources/keypair/keypair-diff.ts';
import { InvalidPublicKeyError, keypairFingerprint, sshFingerprint, x509Fingerprint } from '../../../../provider/resources/keypair/keypair-fingerprint.ts';
import type { KeypairObserved } from '../../../../provider/resources/keypair/keypair-observed.ts';
import { normalizeKeypairSpec, type KeypairSpec } from '../../../../provider/resources/keypair/keypair-spec.ts';
import type { FieldChange } from '../../../../provider/resources/types.ts';
import { opensslCertificate, sshKeygen, sshKeygenMd5 } from '../../../engine/compute/keypairs/key-tools.ts';

const rsa = sshKeygen('rsa', ['-b', '2048']).trim();
const ed = sshKeygen('ed25519').trim();
const other = sshKeygen('ed25519').trim();
const cert = opensslCertificate();
const [edType, edData] = ed.split(' ');

const cloudKey = (publicKey: string, type: 'ssh' | 'x509' = 'ssh'): KeypairObserved =>
  ({ id: 'ops', name: 'ops', type, publicKey, fingerprint: keypairFingerprint(publicKey, type) });
const replace = (path: string, from: unknown, to: unknown): FieldChange => ({ path, from, to, apply: 'replace', dataLoss: false });

describe('keypair fingerprints match Nova (ssh-keygen -E md5, openssl -sha1)', () => {
  for (const [name, key] of [['rsa', rsa], ['ed25519', ed], ['ecdsa', sshKeygen('ecdsa').trim()]] as const) {
    it(name, () => assert.equal(sshFingerprint(key), sshKeygenMd5(key)));
  }
  it('x509', () => assert.equal(x509Fingerprint(cert.pem), cert.sha1.toLowerCase()));
  it('rejects what is not a key', () => {
    for (const bad of ['', 'ssh-rsa', 'ssh-rsa not*base64', `ssh-rsa ${edData}`, 'hello world']) {
      assert.throws(() => sshFingerprint(bad), InvalidPublicKeyError, bad);
    }
    assert.throws(() => x509Fingerprint('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'), InvalidPublicKeyError);
  });
});

interface Row { name: string; desired: Partial<KeypairSpec>; observed: KeypairObserved; expect: FieldChange[] }

const rows: Row[] = [
  { name: 'same key', desired: { publicKey: ed }, observed: cloudKey(ed), expect: [] },
  { name: 'another comment', desired: { publicKey: `${edType} ${edData} someone-else@elsewhere` }, observed: cloudKey(ed), expect: [] },
  { name: 'no comment, extra whitespace, CRLF', desired: { publicKey: `  ${edType}\t ${edData}\r\n` }, observed: cloudKey(ed), expect: [] },
  { name: 'rsa key in sync', desired: { publicKey: rsa }, observed: cloudKey(rsa), expect: [] },
  { name: 'another key', desired: { publicKey: other }, observed: cloudKey(ed), expect: [replace('spec.publicKey', sshFingerprint(ed), sshFingerprint(other))] },
  { name: 'x509 in sync, rewrapped PEM', desired: { publicKey: `\n${cert.pem.replace(/\n/g, '\r\n')}\n`, type: 'x509' }, observed: cloudKey(cert.pem, 'x509'), expect: [] },
  {
    name: 'type ssh -> x509',
    desired: { publicKey: cert.pem, type: 'x509' },
    observed: cloudKey(ed),
    expect: [replace('spec.type', 'ssh', 'x509'), replace('spec.publicKey', sshFingerprint(ed), cert.sha1.toLowerCase())],
  },
  { name: 'name', desired: { name: 'ops2', publicKey: ed }, observed: cloudKey(ed), expect: [replace('metadata.name', 'ops', 'ops2')] },
];

describe('diffKeypair', () => {
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(diffKeypair(normalizeKeypairSpec({ name: 'ops', publicKey: '', ...row.desired }), row.observed), row.expect));
  }
  it('an invalid manifest key is an error, not a silent replace', () => {
    assert.throws(() => diffKeypair({ name: 'ops', publicKey: 'ssh-ed25519 garbage!' }, cloudKey(ed)), InvalidPublicKeyError);
  });
  it('normalize defaults to ssh and trims', () => {
    assert.deepEqual(normalizeKeypairSpec({ name: 'k', publicKey: ` ${ed}\n` }), { name: 'k', publicKey: ed, type: 'ssh' });
  });
});
