import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../../controller/token-bucket.ts';

describe('TokenBucket', () => {
  it('serves the burst at once, then no faster than the rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 5 });
    const signal = new AbortController().signal;
    const started = Date.now();
    for (let i = 0; i < 5; i++) await bucket.take(signal);
    const burstMs = Date.now() - started;
    for (let i = 0; i < 10; i++) await bucket.take(signal);
    // 10 more tokens at 20/s need at least ~500 ms (a lower bound: a loaded machine only makes it slower).
    assert.ok(Date.now() - started - burstMs >= 450, `took ${Date.now() - started} ms`);
  });

  it('an aborted wait rejects with the reason and gives its turn up', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 });
    const free = new AbortController();
    await bucket.take(free.signal);
    const stop = new AbortController();
    const waiting = bucket.take(stop.signal);
    stop.abort(new Error('stopping'));
    await assert.rejects(waiting, /stopping/);
    await assert.rejects(bucket.take(stop.signal), /stopping/, 'an aborted signal rejects at once');
  });

  it('refuses a rate that is not positive', () => {
    assert.throws(() => new TokenBucket({ ratePerSecond: 0 }), /positive/);
  });
});
