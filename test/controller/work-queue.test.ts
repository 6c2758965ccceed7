import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from '../../controller/work-queue.ts';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', () => {
    const q = new WorkQueue();
    q.add('Server/web');
    q.add('Server/web');
    q.add('Flavor/m1');
    assert.equal(q.depth, 2);
    assert.deepEqual(q.take().sort(), ['Flavor/m1', 'Server/web']);
    assert.equal(q.depth, 0);
  });

  it('never hands out a key being processed; adds while processing collapse into one later run', () => {
    const q = new WorkQueue();
    q.add('Server/web');
    assert.deepEqual(q.take(), ['Server/web']);
    q.add('Server/web');
    q.add('Server/web');
    assert.deepEqual(q.take(), [], 'the key is processing: not handed out again');
    assert.equal(q.claim('Server/web'), false, 'nor claimable');
    q.done('Server/web');
    assert.deepEqual(q.take(), ['Server/web'], 'one run after done');
    q.done('Server/web');
    assert.deepEqual(q.take(), [], 'and only one');
  });

  it('claims a key out of turn only when nobody holds it, taking it off the queue', () => {
    const q = new WorkQueue();
    q.add('Volume/data');
    assert.equal(q.claim('Volume/data'), true);
    assert.equal(q.depth, 0);
    assert.equal(q.isProcessing('Volume/data'), true);
    q.done('Volume/data');
    assert.equal(q.isProcessing('Volume/data'), false);
  });

  it('backs off per key exponentially up to the maximum, and forget resets it', () => {
    const q = new WorkQueue({ baseDelayMs: 1000, maxDelayMs: 5000 });
    assert.deepEqual([q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a')], [1000, 2000, 4000, 5000]);
    assert.equal(q.addRateLimited('b'), 1000, 'another key has its own backoff');
    assert.equal(q.failuresOf('a'), 4);
    q.forget('a');
    assert.equal(q.addRateLimited('a'), 1000);
    q.shutDown();
  });

  it('addAfter queues when the delay passes, and an earlier add wins', async () => {
    const q = new WorkQueue();
    let added = 0;
    q.onAdd(() => { added += 1; });
    q.addAfter('x', 30);
    assert.equal(q.depth, 0);
    assert.ok(q.dueAt('x') !== undefined);
    await sleep(200);
    assert.deepEqual(q.take(), ['x']);
    q.done('x');
    q.addAfter('y', 10_000);
    q.add('y');
    assert.equal(q.dueAt('y'), undefined, 'the timer is cancelled');
    assert.deepEqual(q.take(), ['y']);
    assert.equal(added, 2);
    q.shutDown();
  });

  it('after shutDown takes nothing and queues nothing', () => {
    const q = new WorkQueue();
    q.add('a');
    q.shutDown();
    q.add('b');
    assert.deepEqual(q.take(), []);
    assert.equal(q.isShutDown, true);
  });
});
