import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displaySafe } from '../../../reconciler/state/display-safe.ts';
import { secretDigest } from '../../../reconciler/state/state-redact.ts';

describe('displaySafe', () => {
  it('digests secret fields and the values of a change to one, redacts secrets quoted in messages, keeps the rest', () => {
    const at = new Date('2026-12-07T00:00:00Z');
    const status = {
      resources: [{
        key: 'Server/web', phase: 'Ready', adminPass: 'hunter2', token: null,
        changes: [{ path: 'spec.userData', from: '#!/bin/sh\necho a', to: '#!/bin/sh\necho b' }, { path: 'spec.flavor', from: 'm1', to: 'm2' }],
        lastError: { message: 'auth failed: {"password": "s3cret"}', at },
      }],
    };
    const safe = displaySafe(status);
    const [web] = safe.resources;
    assert.equal(web!.adminPass, secretDigest('hunter2'));
    assert.equal(web!.token, null, 'the absence of a secret is not a secret');
    assert.deepEqual(web!.changes, [
      { path: 'spec.userData', from: secretDigest('#!/bin/sh\necho a'), to: secretDigest('#!/bin/sh\necho b') },
      { path: 'spec.flavor', from: 'm1', to: 'm2' },
    ]);
    assert.doesNotMatch(JSON.stringify(safe), /hunter2|s3cret|echo/);
    assert.match(web!.lastError.message, /^auth failed: \{"password": /);
    assert.equal(web!.lastError.at as unknown, '2026-12-07T00:00:00.000Z', 'a Date is copied as JSON has it');
    assert.equal(status.resources[0]!.adminPass, 'hunter2', 'the input is not changed');
  });
});
