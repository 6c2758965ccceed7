import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RateLimiter } from '../../../engine/http/rate-limit.ts';
import { ApiError } from '../../../engine/http/api-error.ts';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';

describe('RateLimiter (token bucket)', () => {
  it('allows a burst, then refuses with a whole-second Retry-After until tokens refill', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 2 });
    limiter.take('t', 0);
    limiter.take('t', 0);
    assert.throws(() => limiter.take('t', 0), (e: unknown) => e instanceof ApiError && e.status === 429 && e.retryAfterSeconds === 1);
    limiter.take('t', 1000); // one token back after a second
    assert.throws(() => limiter.take('t', 1000));
  });

  it('keeps one bucket per key and is off at 0 requests per second', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 0.5, burst: 1 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    assert.throws(() => limiter.take('a', 0), (e: unknown) => e instanceof ApiError && e.retryAfterSeconds === 2);
    const off = new RateLimiter({ requestsPerSecond: 0, burst: 1 });
    for (let i = 0; i < 10; i++) off.take('a', 0);
  });
});

describe('rate limiting over HTTP', () => {
  let t: TestEngine;
  let admin: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { rateLimit: { requestsPerSecond: 1, burst: 2 } } });
    admin = await t.login('admin');
  });
  after(() => t.close());

  it('answers the third quick request 429 overLimit with retryAfter and Retry-After', async () => {
    assert.equal((await admin.get('/v2.1/limits')).status, 200);
    assert.equal((await admin.get('/v2.1/limits')).status, 200);
    const limited = await admin.get('/v2.1/limits');
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, { overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '1' } });
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.ok(limited.headers.get('x-openstack-request-id'));
  });

  it('limits per token and never limits token issue', async () => {
    // Logging in again is public (no bucket), and the new token has a full bucket.
    const other = await t.login('admin');
    assert.equal((await other.get('/v2.1/limits')).status, 200);
    assert.equal((await admin.get('/v2.1/limits')).status, 429);
  });

  it('applies to the volume and image APIs too, in their error formats', async () => {
    const fresh = await t.login('demo');
    await fresh.get(`/volume/v3/${fresh.projectId}/volumes`);
    await fresh.get('/image/v2/images');
    const volume = await fresh.get(`/volume/v3/${fresh.projectId}/volumes`);
    assert.equal(volume.status, 429);
    assert.equal(volume.body.overLimit.code, 429);
    const image = await fresh.get('/image/v2/images');
    assert.equal(image.status, 429);
    assert.match(image.text, /^429 Too Many Requests\n\nThis request was rate-limited\./);
  });

  it('refills over time', async () => {
    const fresh = await t.login('demo');
    await fresh.get('/v2.1/limits');
    await fresh.get('/v2.1/limits');
    assert.equal((await fresh.get('/v2.1/limits')).status, 429);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await fresh.get('/v2.1/limits')).status, 200);
  });
});
