import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenStackError } from '../../../provider/openstack/errors.ts';
import { CancelledError, DeadlineExceededError, background, withCancel, withTimeout, type OpContext } from '../../../provider/openstack/op-context.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { engineEnv } from '../openstack/helpers.ts';
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

/** Generous bound for "at once" on a loaded 2-core machine; the slow paths these tests rule out take 5 s or more. */
const PROMPT_MS = 3_000;

/** How long after `from` the promise rejected, and with what. */
async function failure(promise: Promise<unknown>, from = Date.now()): Promise<{ error: unknown; afterMs: number }> {
  try {
    await promise;
  } catch (error) {
    return { error, afterMs: Date.now() - from };
  }
  assert.fail('expected a rejection');
}

describe('waits under a context', () => {
  it('an abort during the pause between polls stops the wait at once, with the context\'s reason', async () => {
    const ctx = withCancel(background());
    const { read, calls } = script('creating');
    const pending = waitFor(read, status, { ctx, minIntervalMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = Date.now();
    ctx.cancel(new CancelledError('interrupted (SIGINT)'));
    const { error, afterMs } = await failure(pending, abortedAt);
    assert.ok(error instanceof CancelledError);
    assert.equal(error.message, 'interrupted (SIGINT)');
    assert.ok(afterMs < PROMPT_MS, `stopped ${afterMs} ms after the abort`);
    assert.equal(calls(), 1);
  });

  it('an abort stops a poll in flight even when the read ignores its context', async () => {
    const ctx = withCancel(background());
    const pending = waitUntilGone(() => new Promise<string>(() => {}), { ctx });
    setTimeout(() => ctx.cancel(), 50);
    await assert.rejects(pending, CancelledError);
  });

  it('`signal` still works, alone or next to a context', async () => {
    const controller = new AbortController();
    const ctx = withCancel(background());
    const pending = waitFor(script('creating').read, status, { ctx, signal: controller.signal, minIntervalMs: 30_000 });
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await assert.rejects(pending, /shutting down/);
    assert.equal(ctx.signal.aborted, false, 'the caller\'s context is left alone');
    ctx.cancel();
  });

  it('each read gets a context that ends at the wait\'s deadline, within the caller\'s', async () => {
    const ctx = withTimeout(background(), 60_000);
    const seen: OpContext[] = [];
    const started = Date.now();
    await waitFor(async (poll) => { seen.push(poll); return 'ok'; }, status, { ctx, timeoutMs: 5_000 });
    assert.equal(seen.length, 1);
    assert.ok(seen[0].deadline! >= started + 5_000 - 50 && seen[0].deadline! <= Date.now() + 5_000, `deadline ${seen[0].deadline! - started} ms out`);
    assert.equal(seen[0].signal.aborted, true, 'the poll\'s context is released once the poll is done');
    assert.equal(ctx.signal.aborted, false);
    ctx.cancel();
  });

  it('the caller\'s deadline caps the wait: DeadlineExceededError with what was awaited, not WaitTimeoutError', async () => {
    const ctx = withTimeout(background(), 300);
    const { error, afterMs } = await failure(waitFor(script('creating').read, status, { ctx, timeoutMs: 60_000, minIntervalMs: 50, what: 'volume v9' }));
    assert.ok(error instanceof DeadlineExceededError, `got ${String(error)}`);
    assert.equal(error.deadline, ctx.deadline);
    assert.match(error.message, /exceeded while waiting for volume v9: status creating$/);
    assert.ok(afterMs < 300 + PROMPT_MS);

    const gone = withTimeout(background(), 200);
    await assert.rejects(waitUntilGone(script('there').read, { ctx: gone, minIntervalMs: 50 }),
      (e: unknown) => e instanceof DeadlineExceededError && /still exists \(waiting for it to be gone\)$/.test(e.message));
  });

  it('a read that never answers ends at the wait\'s own timeout, as WaitTimeoutError', async () => {
    const { error, afterMs } = await failure(waitFor(() => new Promise<string>(() => {}), status, { timeoutMs: 200, what: 'server s1' }));
    assert.ok(error instanceof WaitTimeoutError, `got ${String(error)}`);
    assert.match(error.message, /waiting for server s1: not polled yet$/);
    assert.ok(afterMs < 200 + PROMPT_MS);
  });
});

describe('waits against a slow cloud (engine latency)', { skip: process.env[TEST_CLOUD_ENV] ? 'needs the engine\'s latency knob' : false }, () => {
  let t: TestEngine;
  let clients: Clients;
  const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };

  before(async () => {
    t = await startTestEngine();
    clients = await connect({ ...noFiles, env: engineEnv(t) });
  });
  after(async () => {
    t.engine.config.faults.latencyMs = 0;
    await clients.close();
    await t.close();
  });

  /** A flavor read as a handler would do it, through the poll's context when given one. */
  const readFlavor = (ctx?: OpContext) => clients.compute.get('/flavors/none', { ctx }).then((r) => r.body.flavor as string | undefined);

  it('one poll does not run past the wait\'s deadline: the request is cut, the wait times out on time', async () => {
    t.engine.config.faults.latencyMs = 5_000;
    try {
      const withCtx = await failure(waitFor((poll) => readFlavor(poll), () => ({ state: 'ready' }), { timeoutMs: 400, what: 'flavor f1' }));
      assert.ok(withCtx.error instanceof WaitTimeoutError, `got ${String(withCtx.error)}`);
      assert.ok(withCtx.afterMs < 400 + PROMPT_MS, `the wait took ${withCtx.afterMs} ms`);

      // An old-style read that ignores the poll's context is no longer awaited at the deadline either.
      const noArg = await failure(waitFor(() => readFlavor(), () => ({ state: 'ready' }), { timeoutMs: 400 }));
      assert.ok(noArg.error instanceof WaitTimeoutError, `got ${String(noArg.error)}`);
      assert.ok(noArg.afterMs < 400 + PROMPT_MS, `the wait took ${noArg.afterMs} ms`);
    } finally {
      t.engine.config.faults.latencyMs = 0;
    }
  });

  it('Ctrl-C during a slow poll stops the wait and its request at once', async () => {
    t.engine.config.faults.latencyMs = 5_000;
    try {
      const ctx = withCancel(background());
      const pending = waitFor((poll) => readFlavor(poll), () => ({ state: 'ready' }), { ctx, kind: 'Server' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const abortedAt = Date.now();
      ctx.cancel(new CancelledError('interrupted (SIGINT)'));
      const { error, afterMs } = await failure(pending, abortedAt);
      assert.ok(error instanceof CancelledError, `got ${String(error)}`);
      assert.equal(error.message, 'interrupted (SIGINT)');
      assert.ok(afterMs < PROMPT_MS, `stopped ${afterMs} ms after the abort`);
    } finally {
      t.engine.config.faults.latencyMs = 0;
    }
  });
});
