import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSshKey, sshFingerprint } from '../../../../engine/compute/keypairs/ssh-public-key.ts';
import { InvalidCertificate, x509Fingerprint } from '../../../../engine/compute/keypairs/x509-keypair.ts';
import { opensslCertificate, sshKeygen, sshKeygenMd5 } from './key-tools.ts';

describe('SSH public key fingerprints (nova/crypto.py generate_fingerprint)', () => {
  for (const [type, extra] of [['rsa', ['-b', '2048']], ['ed25519', []], ['ecdsa', ['-b', '256']], ['ecdsa', ['-b', '384']], ['ecdsa', ['-b', '521']]] as const) {
    it(`matches ssh-keygen -l -E md5 for ${type} ${extra.join(' ')}`, () => {
      const line = sshKeygen(type, [...extra]);
      assert.equal(sshFingerprint(line), sshKeygenMd5(line));
    });
  }

  it('accepts a key without a comment', () => {
    const [kind, blob] = sshKeygen('ed25519').split(' ');
    assert.equal(sshFingerprint(`${kind} ${blob}`), sshKeygenMd5(`${kind} ${blob}\n`));
  });

  it('rejects what cryptography\'s load_ssh_public_key rejects', () => {
    const [kind, blob] = sshKeygen('ed25519').split(' ');
    const rsaBlob = sshKeygen('rsa').split(' ')[1]!;
    const bad = [
      'garbage',
      `${kind}`,
      ` ${kind} ${blob}`,
      `ssh-foo ${blob}`,
      `ssh-rsa ${blob}`, // the blob says ssh-ed25519
      `${kind} ${blob!.slice(0, 40)}`, // truncated
      `${kind} ${Buffer.concat([Buffer.from(blob!, 'base64'), Buffer.from([0, 0, 0, 1, 7])]).toString('base64')}`, // trailing data
      `ssh-rsa ${rsaBlob.slice(0, -8)}A`, // bad padding
      `${kind}\t${blob}`, // Nova takes the second space-separated field
    ];
    for (const line of bad) assert.throws(() => sshFingerprint(line), InvalidSshKey, line);
  });

  it('rejects an ECDSA point that is not on the curve', () => {
    const [kind, blob] = sshKeygen('ecdsa', ['-b', '256']).split(' ');
    const data = Buffer.from(blob!, 'base64');
    data[data.length - 1] ^= 0x01;
    assert.throws(() => sshFingerprint(`${kind} ${data.toString('base64')}`), InvalidSshKey);
  });
});

describe('x509 fingerprints (generate_x509_fingerprint)', () => {
  it('is the SHA-1 of the certificate, as openssl prints it, in lowercase', () => {
    const cert = opensslCertificate();
    assert.equal(x509Fingerprint(cert.pem), cert.sha1.toLowerCase());
  });

  it('rejects text that is not a PEM certificate', () => {
    assert.throws(() => x509Fingerprint('not a cert'), InvalidCertificate);
    assert.throws(() => x509Fingerprint('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), InvalidCertificate);
  });
});
