import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenStackError } from '../../../provider/openstack/errors.ts';
import { AdoptionConflictError, pickOne } from '../../../provider/resources/adoption.ts';
import { sendAndVerify } from '../../../provider/resources/unknown-outcome.ts';

const failure = (status: number) => new OpenStackError({ method: 'POST', url: 'http://c/x', status, cloudMessage: `HTTP ${status}` });
const noSleep = { sleep: async () => {} };

describe('pickOne', () => {
  it('none, one, or a conflict naming every candidate', () => {
    assert.equal(pickOne([], 'x'), undefined);
    assert.deepEqual(pickOne([{ id: 'a' }], 'x'), { id: 'a' });
    assert.throws(() => pickOne([{ id: 'a' }, { id: 'b' }], 'volume data of stack s'), (error: unknown) =>
      error instanceof AdoptionConflictError && error.ids.join() === 'a,b' && /2 objects match volume data of stack s \(a, b\)/.test(error.message));
  });
});

describe('sendAndVerify', () => {
  it('returns what the send returns', async () => {
    assert.equal(await sendAndVerify(async () => 'sent', async () => 'found', noSleep), 'sent');
  });

  it('after a transient failure, returns what verify finds instead of re-sending', async () => {
    let sends = 0;
    const result = await sendAndVerify(async () => { sends += 1; throw failure(503); }, async () => 'it went through', noSleep);
    assert.deepEqual([result, sends], ['it went through', 1]);
  });

  it('re-sends when verify finds nothing, and gives up after the attempts', async () => {
    let sends = 0;
    const answers = [failure(500), failure(503)];
    assert.equal(await sendAndVerify(async () => { sends += 1; const next = answers.shift(); if (next) throw next; return 'third'; }, async () => undefined, noSleep), 'third');
    assert.equal(sends, 3);

    sends = 0;
    await assert.rejects(sendAndVerify(async () => { sends += 1; throw failure(502); }, async () => undefined, { ...noSleep, attempts: 3 }), /HTTP 502/);
    assert.equal(sends, 3);
  });

  it('terminal failures are thrown at once, without verifying', async () => {
    let verified = false;
    await assert.rejects(sendAndVerify(async () => { throw failure(409); }, async () => { verified = true; return 'x'; }, noSleep), /HTTP 409/);
    assert.equal(verified, false);
  });
});
