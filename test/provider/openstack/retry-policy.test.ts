import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, parseRetryAfter, retryDelayMs, type AttemptOutcome, type RetryOptions } from '../../../provider/openstack/retry-policy.ts';

const options: RetryOptions = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
const half = () => 0.5;

describe('retry policy', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now), 3000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now), 0, 'a past date means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('backs off with full jitter under a doubling, capped ceiling', () => {
    assert.equal(backoffDelayMs(0, options, () => 0), 0);
    assert.equal(backoffDelayMs(0, options, () => 0.999), 99);
    assert.equal(backoffDelayMs(2, options, half), 200);
    assert.equal(backoffDelayMs(10, options, () => 0.999), 999, 'capped at maxDelayMs');
  });

  const table: Array<[string, AttemptOutcome, string, boolean | undefined, number, number | undefined]> = [
    ['GET 503 backs off', { kind: 'http', status: 503 }, 'GET', undefined, 0, 50],
    ['PUT 500 backs off', { kind: 'http', status: 500 }, 'PUT', undefined, 1, 100],
    ['DELETE 504 backs off', { kind: 'http', status: 504 }, 'DELETE', undefined, 0, 50],
    ['GET 503 honours a longer Retry-After', { kind: 'http', status: 503, retryAfterMs: 1000 }, 'GET', undefined, 0, 1000],
    ['POST 503 is not re-sent', { kind: 'http', status: 503 }, 'POST', undefined, 0, undefined],
    ['POST 500 is not re-sent', { kind: 'http', status: 500 }, 'POST', undefined, 0, undefined],
    ['POST marked idempotent 503 backs off', { kind: 'http', status: 503 }, 'POST', true, 0, 50],
    ['POST 429 waits Retry-After exactly', { kind: 'http', status: 429, retryAfterMs: 2000 }, 'POST', undefined, 0, 2000],
    ['GET 429 without Retry-After backs off', { kind: 'http', status: 429 }, 'GET', undefined, 0, 50],
    ['POST 413 with Retry-After waits', { kind: 'http', status: 413, retryAfterMs: 1000 }, 'POST', undefined, 0, 1000],
    ['413 without Retry-After is quota: not retried', { kind: 'http', status: 413 }, 'GET', undefined, 0, undefined],
    ['Retry-After beyond the cap goes to the caller', { kind: 'http', status: 429, retryAfterMs: 6000 }, 'GET', undefined, 0, undefined],
    ['501 is not retried', { kind: 'http', status: 501 }, 'GET', undefined, 0, undefined],
    ['404 is not retried', { kind: 'http', status: 404 }, 'GET', undefined, 0, undefined],
    ['409 is not retried here', { kind: 'http', status: 409 }, 'PUT', undefined, 0, undefined],
    ['GET timeout backs off', { kind: 'timeout' }, 'GET', undefined, 0, 50],
    ['POST timeout is not re-sent', { kind: 'timeout' }, 'POST', undefined, 0, undefined],
    ['POST broken connection is not re-sent', { kind: 'connection' }, 'POST', undefined, 0, undefined],
    ['POST refused connection backs off (nothing was sent)', { kind: 'connect' }, 'POST', undefined, 0, 50],
    ['TLS failure is not retried', { kind: 'tls' }, 'GET', undefined, 0, undefined],
    ['no more than maxRetries', { kind: 'http', status: 503 }, 'GET', undefined, 3, undefined],
  ];
  for (const [name, outcome, method, idempotent, attempt, expected] of table) {
    it(name, () => assert.equal(retryDelayMs(outcome, { method, idempotent }, attempt, options, half), expected));
  }
});
