import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendLocationError, openBackend, parseBackendLocation } from '../../../reconciler/state/open-backend.ts';

describe('backend locations', () => {
  it('files by default; postgres URLs shown without their query', () => {
    assert.deepEqual(parseBackendLocation(undefined), { type: 'files' });
    assert.deepEqual(parseBackendLocation(' files '), { type: 'files' });
    assert.deepEqual(parseBackendLocation('postgres://ci@db.example:5432/novaform?sslmode=verify-full&sslrootcert=/etc/ca.pem'), {
      type: 'postgres', url: 'postgres://ci@db.example:5432/novaform?sslmode=verify-full&sslrootcert=/etc/ca.pem', shown: 'postgres://ci@db.example:5432/novaform',
    });
    assert.equal(parseBackendLocation('postgresql://db/novaform', 'novaform.yaml').type, 'postgres');
  });

  it('refuses a password in the URL without repeating it, and unknown schemes, in one line', () => {
    assert.throws(() => parseBackendLocation('postgres://ci:hunter2@db/novaform', '--backend'), (error: Error) => {
      assert.ok(error instanceof BackendLocationError);
      assert.ok(!error.message.includes('hunter2'));
      assert.match(error.message, /^--backend: the URL carries a password; remove it and give it in PGPASSWORD or a pgpass file/);
      return true;
    });
    assert.throws(() => parseBackendLocation('mysql://db/x'), /unknown backend 'mysql'/);
    assert.throws(() => parseBackendLocation('not a url'), /is not a backend/);
  });

  it('opens the files backend without loading PostgreSQL code', async () => {
    const backend = await openBackend('files', '/tmp/novaform-unused/.novaform');
    assert.equal(backend.type, 'files');
    assert.equal(backend.location, '/tmp/novaform-unused/.novaform');
  });
});
