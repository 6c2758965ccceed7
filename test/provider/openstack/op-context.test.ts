import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  CancelledError, DeadlineExceededError, background, interruptedRequest, isCancellation, raceContext, remainingMs,
  sleepFor, throwIfDone, withCancel, withDeadline, withTimeout,
} from '../../../provider/openstack/op-context.ts';
import { OpenStackError, isOutcomeUnknown, isRetryable, isTerminal } from '../../../provider/openstack/errors.ts';

const run = promisify(execFile);
const opContextModule = fileURLToPath(new URL('../../../provider/openstack/op-context.ts', import.meta.url));

/**
 * Resolves with the abort reason once `signal` aborts. Deadline timers are
 * unref'd (as AbortSignal.timeout's are), so awaiting nothing but a signal
 * needs something else holding the event loop: real I/O does, here a timer.
 */
const aborted = (signal: AbortSignal): Promise<unknown> => {
  const keepAlive = setInterval(() => {}, 1_000);
  return new Promise((resolve) => signal.addEventListener('abort', () => { clearInterval(keepAlive); resolve(signal.reason); }, { once: true }));
};
/** Same for a promise settled only by a deadline timer. */
const held = <T>(promise: Promise<T>): Promise<T> => {
  const keepAlive = setInterval(() => {}, 1_000);
  return promise.finally(() => clearInterval(keepAlive));
};

describe('op-context', () => {
  it('background never ends and has no deadline', () => {
    const ctx = background();
    assert.equal(ctx.signal.aborted, false);
    assert.equal(ctx.deadline, undefined);
    assert.equal(remainingMs(ctx), Infinity);
    throwIfDone(ctx);
  });

  it('withTimeout aborts at its deadline with a DeadlineExceededError naming it', async () => {
    const ctx = withTimeout(background(), 30);
    assert.ok(ctx.deadline !== undefined && ctx.deadline > Date.now() - 1);
    const reason = await aborted(ctx.signal);
    assert.ok(reason instanceof DeadlineExceededError);
    assert.equal(reason.deadline, ctx.deadline);
    assert.match(reason.message, new RegExp(`deadline ${new Date(ctx.deadline!).toISOString()} exceeded`));
    assert.equal(remainingMs(ctx), 0);
    assert.throws(() => throwIfDone(ctx), DeadlineExceededError);
    assert.equal(background().signal.aborted, false);
  });

  it('an earlier parent deadline wins, a later one does not', () => {
    const parent = withDeadline(background(), Date.now() + 1_000);
    const shorter = withTimeout(parent, 60_000);
    const earlier = withDeadline(parent, Date.now() + 100);
    try {
      assert.equal(shorter.deadline, parent.deadline);
      assert.ok(earlier.deadline! < parent.deadline!);
      assert.ok(remainingMs(shorter, parent.deadline! - 400) === 400);
    } finally {
      parent.cancel();
    }
    assert.equal(shorter.signal.aborted, true, 'the parent ending ends its children');
    assert.equal(earlier.signal.aborted, true);
  });

  it('a parent abort reaches the child with the parent reason; cancelling a child leaves the parent', () => {
    const parent = withCancel(background());
    const child = withTimeout(parent, 60_000);
    const sibling = withCancel(parent);
    sibling.cancel();
    assert.equal(sibling.signal.aborted, true);
    assert.ok(sibling.signal.reason instanceof CancelledError);
    assert.equal(parent.signal.aborted, false);
    parent.cancel(new CancelledError('interrupted (SIGINT)'));
    assert.equal(child.signal.aborted, true);
    assert.match((child.signal.reason as Error).message, /interrupted \(SIGINT\)/);
    assert.throws(() => throwIfDone(child), /interrupted \(SIGINT\)/);
  });

  it('a deadline already past ends the child at once', () => {
    const ctx = withDeadline(background(), Date.now() - 5);
    assert.equal(ctx.signal.aborted, true);
    assert.ok(ctx.signal.reason instanceof DeadlineExceededError);
  });

  it('sleepFor ends early on abort and rejects at a deadline that comes first', async () => {
    const ctx = withCancel(background());
    const sleeping = sleepFor(60_000, ctx);
    setTimeout(() => ctx.cancel(new CancelledError('stop')), 10);
    await assert.rejects(sleeping, /stop/);

    const short = withTimeout(background(), 20);
    await assert.rejects(sleepFor(60_000, short), DeadlineExceededError);
    await sleepFor(5);
  });

  it('raceContext stops waiting for a promise that never settles', async () => {
    const ctx = withTimeout(background(), 20);
    await assert.rejects(held(raceContext(new Promise(() => {}), ctx)), DeadlineExceededError);
    assert.equal(await raceContext(Promise.resolve(7), withCancel(background())), 7);
    const done = withCancel(background());
    done.cancel();
    await assert.rejects(raceContext(Promise.reject(new Error('late')), done), CancelledError);
  });

  it('isCancellation: cancellations and deadlines yes, the cloud\'s timeout no', () => {
    const cloudTimeout = new OpenStackError({ method: 'GET', url: 'http://c/x', status: 0, kind: 'timeout', cloudMessage: 'no response within the timeout' });
    assert.equal(isCancellation(new CancelledError()), true);
    assert.equal(isCancellation(new DeadlineExceededError(Date.now())), true);
    assert.equal(isCancellation(new DOMException('aborted', 'AbortError')), true);
    assert.equal(isCancellation(cloudTimeout), false);
    assert.equal(isCancellation(new Error('boom')), false);
    for (const error of [new CancelledError(), new DeadlineExceededError(Date.now())]) {
      assert.equal(isRetryable(error), false);
      assert.equal(isTerminal(error), false);
    }
  });

  it('interruptedRequest keeps the reason\'s class and says whether a POST may have been processed', () => {
    const deadline = Date.now();
    const post = interruptedRequest(new DeadlineExceededError(deadline), { method: 'POST', url: 'http://c/servers', sent: true, outcomeUnknown: true });
    assert.ok(post instanceof DeadlineExceededError);
    assert.equal(post.deadline, deadline);
    assert.deepEqual([post.sent, post.outcomeUnknown, isOutcomeUnknown(post)], [true, true, true]);
    assert.match(post.message, /\(POST http:\/\/c\/servers; the request may have been processed\)$/);

    const get = interruptedRequest(new Error('shutting down'), { method: 'GET', url: 'http://c/servers', sent: false, outcomeUnknown: false });
    assert.ok(get instanceof CancelledError);
    assert.deepEqual([get.sent, get.outcomeUnknown, isOutcomeUnknown(get)], [false, false, false]);
    assert.match(get.message, /^cancelled: shutting down \(GET http:\/\/c\/servers before it was sent\)$/);
  });

  it('leaves no timer that keeps the process alive', async () => {
    // A process that derives long deadlines and never cancels them must still exit at once.
    const script = `
      const m = await import(${JSON.stringify(opContextModule)});
      const root = m.withTimeout(m.background(), 3_600_000);
      m.withDeadline(root, Date.now() + 7_200_000);
      m.withCancel(root);
      await m.raceContext(Promise.resolve(1), root);
      await m.sleepFor(1, root);
      console.log('done');
    `;
    // A live timer would hold the child for an hour: execFile then kills it at 60 s and rejects.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
    assert.equal(stdout.trim(), 'done');
  });
});
