import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenStackError } from '../../../provider/openstack/errors.ts';
import type { Readiness } from '../../../provider/resources/types.ts';
import {
  DEFAULT_WAIT_TIMEOUTS_MS, ResourceFailedError, ResourceGoneError, WaitTimeoutError, waitFor, waitUntilGone,
} from '../../../provider/resources/wait.ts';

/** A fake clock: sleeping advances time instantly and records each pause. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => { sleeps.push(ms); t += ms; },
  };
}

/** `read` that answers the given values in turn (the last one repeats); an Error value is thrown. */
function script<T>(...answers: Array<T | undefined | Error>) {
  let calls = 0;
  const read = async () => {
    const answer = answers[Math.min(calls, answers.length - 1)];
    calls += 1;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { read, calls: () => calls };
}

const status = (s: string): Readiness => {
  if (s === 'ok') return { state: 'ready' };
  if (s.startsWith('err')) return { state: 'failed', reason: `status ${s}` };
  return { state: 'pending', retryAfterMs: 0, reason: `status ${s}` };
};
const http = (code: number) => new OpenStackError({ method: 'GET', url: 'http://c/x', status: code, cloudMessage: `HTTP ${code} says no` });

describe('waitFor', () => {
  it('returns the first ready observation without sleeping', async () => {
    const clock = fakeClock();
    const { read, calls } = script('ok');
    assert.equal(await waitFor(read, status, clock), 'ok');
    assert.equal(calls(), 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('polls pending objects with growing intervals, capped at maxIntervalMs', async () => {
    const clock = fakeClock();
    const { read, calls } = script('a', 'b', 'c', 'd', 'e', 'ok');
    const result = await waitFor(read, status, { ...clock, minIntervalMs: 100, maxIntervalMs: 300, factor: 2 });
    assert.equal(result, 'ok');
    assert.equal(calls(), 6);
    assert.deepEqual(clock.sleeps, [100, 200, 300, 300, 300]);
  });

  it('waits at least the readiness hint', async () => {
    const clock = fakeClock();
    const { read } = script('slow', 'ok');
    const hinted = (s: string): Readiness => (s === 'ok' ? { state: 'ready' } : { state: 'pending', retryAfterMs: 2_000, reason: 'slow' });
    await waitFor(read, hinted, { ...clock, minIntervalMs: 100, maxIntervalMs: 5_000 });
    assert.deepEqual(clock.sleeps, [2_000]);
  });

  it('throws ResourceFailedError with the failed reason', async () => {
    const clock = fakeClock();
    const { read } = script('creating', 'error_extending');
    await assert.rejects(waitFor(read, status, { ...clock, what: 'volume v1' }), (error: unknown) => {
      assert.ok(error instanceof ResourceFailedError);
      assert.equal(error.reason, 'status error_extending');
      assert.match(error.message, /volume v1 failed: status error_extending/);
      return true;
    });
  });

  it('throws ResourceGoneError when the object disappears', async () => {
    const { read } = script<string>('creating', undefined);
    await assert.rejects(waitFor(read, status, fakeClock()), ResourceGoneError);
  });

  it('times out with the last pending reason, without sleeping past the deadline', async () => {
    const clock = fakeClock();
    const { read } = script('creating');
    await assert.rejects(waitFor(read, status, { ...clock, timeoutMs: 1_000, minIntervalMs: 400, factor: 1, what: 'volume v2' }), (error: unknown) => {
      assert.ok(error instanceof WaitTimeoutError);
      assert.equal(error.lastReason, 'status creating');
      assert.match(error.message, /timed out after 1000 ms waiting for volume v2: status creating/);
      return true;
    });
    assert.deepEqual(clock.sleeps, [400, 400, 200]);
    assert.equal(clock.now(), 1_000);
  });

  it('treats retryable cloud errors as pending and rethrows others', async () => {
    const clock = fakeClock();
    const flaky = script<string>(http(503), http(429), 'ok');
    assert.equal(await waitFor(flaky.read, status, clock), 'ok');
    assert.equal(flaky.calls(), 3);

    const denied = script<string>(http(403));
    await assert.rejects(waitFor(denied.read, status, fakeClock()), (error: unknown) => error instanceof OpenStackError && error.status === 403);
    assert.equal(denied.calls(), 1);
  });

  it('uses the kind\'s default timeout and name', async () => {
    const clock = fakeClock();
    const { read } = script('creating');
    await assert.rejects(waitFor(read, status, { ...clock, kind: 'Flavor', maxIntervalMs: 20_000 }), (error: unknown) => {
      assert.ok(error instanceof WaitTimeoutError);
      assert.equal(error.timeoutMs, DEFAULT_WAIT_TIMEOUTS_MS.Flavor);
      assert.match(error.message, /waiting for flavor/);
      return true;
    });
    assert.equal(clock.now(), DEFAULT_WAIT_TIMEOUTS_MS.Flavor);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const { read } = script('creating');
    const pending = waitFor(read, status, { signal: controller.signal, minIntervalMs: 10_000 });
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await assert.rejects(pending, /shutting down/);
  });

  it('polls with the real clock', async () => {
    const { read, calls } = script('a', 'ok');
    const started = Date.now();
    assert.equal(await waitFor(read, status, { minIntervalMs: 30 }), 'ok');
    assert.equal(calls(), 2);
    assert.ok(Date.now() - started >= 25);
  });
});

describe('waitUntilGone', () => {
  it('returns once read answers undefined', async () => {
    const clock = fakeClock();
    const { read, calls } = script<string>('deleting', http(502), 'deleting', undefined);
    await waitUntilGone(read, { ...clock, minIntervalMs: 50, factor: 1 });
    assert.equal(calls(), 4);
    assert.deepEqual(clock.sleeps, [50, 50, 50]);
  });

  it('stops early when the object reports a failed deletion', async () => {
    const { read } = script('deleting', 'error_deleting');
    await assert.rejects(
      waitUntilGone(read, { ...fakeClock(), what: 'volume v3', failed: (s) => (s.startsWith('error') ? `status ${s}` : undefined) }),
      (error: unknown) => error instanceof ResourceFailedError && error.reason === 'status error_deleting',
    );
  });

  it('times out when the object stays', async () => {
    const { read } = script('there');
    await assert.rejects(waitUntilGone(read, { ...fakeClock(), timeoutMs: 500 }), (error: unknown) =>
      error instanceof WaitTimeoutError && /still exists \(waiting for it to be gone\)/.test(error.message));
  });
});
