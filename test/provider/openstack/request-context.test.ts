import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, eventually, type TestEngine } from '../../helpers/engine-harness.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { OpenStackError, isOutcomeUnknown, isRetryable } from '../../../provider/openstack/errors.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { KeystoneSession } from '../../../provider/openstack/keystone-auth.ts';
import {
  CancelledError, DeadlineExceededError, background, isCancellation, withCancel, withTimeout,
} from '../../../provider/openstack/op-context.ts';
import { bindContext, connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { KEYPAIRS, SERVERS } from '../../../provider/openstack/paging.ts';
import { ServiceClient } from '../../../provider/openstack/service-client.ts';
import { engineEnv, fakeServer, sendJson, FAST_RETRY, type FakeServer } from './helpers.ts';

/**
 * Requests under a context (op-context.ts): cancelled at once, cut at the
 * deadline, never retried, and told apart from a timeout of the cloud.
 * Slow answers come from the engine's `latencyMs` knob, answers that never
 * come from a plain node:http server; neither exists on a real cloud.
 */
const engineOnly = process.env[TEST_CLOUD_ENV] ? 'needs the engine\'s latency knob or a server that never answers' : false;
const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
/** Generous bound for "at once" on a loaded 2-core machine; the slow paths these tests rule out take 5 s or more. */
const PROMPT_MS = 3_000;

/** A server that reads the request and never answers. */
const silent = (): Promise<FakeServer> => fakeServer(() => {});

/** Rejects with what `promise` rejects with, and how long after `from` it settled. */
async function failure(promise: Promise<unknown>, from = Date.now()): Promise<{ error: unknown; afterMs: number }> {
  try {
    await promise;
  } catch (error) {
    return { error, afterMs: Date.now() - from };
  }
  assert.fail('expected a rejection');
}

describe('http client under a context', { skip: engineOnly }, () => {
  it('an abort mid-request rejects at once with a cancellation; a GET was sent, its outcome is known', async () => {
    const server = await silent();
    try {
      const ctx = withCancel(background());
      const pending = new HttpClient().request({ method: 'GET', url: `${server.url}/servers`, ctx });
      await eventually(async () => (server.requests.length === 1 ? true : undefined));
      const abortedAt = Date.now();
      ctx.cancel(new CancelledError('interrupted (SIGINT)'));
      const { error, afterMs } = await failure(pending, abortedAt);
      assert.ok(error instanceof CancelledError, `got ${String(error)}`);
      assert.ok(afterMs < PROMPT_MS, `rejected ${afterMs} ms after the abort`);
      assert.deepEqual([error.sent, error.outcomeUnknown, isCancellation(error), isRetryable(error)], [true, false, true, false]);
      assert.match(error.message, /^interrupted \(SIGINT\) \(GET http:\/\/127\.0\.0\.1:\d+\/servers while it was in flight\)$/);
      assert.ok(error.cause instanceof CancelledError, 'the context\'s own reason is the cause');
    } finally {
      await server.close();
    }
  });

  it('an abort of a POST on the wire is an unknown outcome, and the POST is not re-sent', async () => {
    const server = await silent();
    try {
      const ctx = withCancel(background());
      const lines: string[] = [];
      const http = new HttpClient({ retry: FAST_RETRY, logger: { debug: (line) => lines.push(line) } });
      const pending = http.request({ method: 'POST', url: `${server.url}/servers`, json: { server: { name: 'a' } }, ctx });
      await eventually(async () => (server.requests.length === 1 ? true : undefined));
      ctx.cancel();
      const { error } = await failure(pending);
      assert.ok(error instanceof CancelledError);
      assert.deepEqual([error.sent, error.outcomeUnknown, isOutcomeUnknown(error)], [true, true, true]);
      assert.match(error.message, /the request may have been processed\)$/);
      assert.ok(!(error instanceof OpenStackError), 'not mistaken for an answer (or a timeout) of the cloud');
      assert.equal(server.requests.length, 1);
      assert.ok(lines.some((l) => /^FAIL: POST .*: cancelled/.test(l)), lines.join('\n'));
    } finally {
      await server.close();
    }
  });

  it('a context that has already ended sends nothing', async () => {
    const server = await silent();
    try {
      const ctx = withCancel(background());
      ctx.cancel();
      const { error } = await failure(new HttpClient().request({ method: 'POST', url: `${server.url}/servers`, json: {}, ctx }));
      assert.ok(error instanceof CancelledError);
      assert.deepEqual([error.sent, error.outcomeUnknown], [false, false]);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  it('the deadline cuts a request short of its own timeout, as a DeadlineExceededError', async () => {
    const server = await silent();
    try {
      const ctx = withTimeout(background(), 300);
      const started = Date.now();
      const { error, afterMs } = await failure(new HttpClient({ timeoutMs: 60_000 }).request({ method: 'GET', url: `${server.url}/slow`, ctx }), started);
      assert.ok(error instanceof DeadlineExceededError, `got ${String(error)}`);
      assert.equal(error.deadline, ctx.deadline);
      assert.equal(error.sent, true);
      assert.ok(afterMs >= 250 && afterMs < 300 + PROMPT_MS, `rejected after ${afterMs} ms`);
    } finally {
      await server.close();
    }
  });

  it('a deadline carried without a live signal still caps the attempt', async () => {
    const server = await silent();
    try {
      // A context built by hand: the deadline is not enforced by its signal, only by the client.
      const ctx = { signal: new AbortController().signal, deadline: Date.now() + 300 };
      const { error } = await failure(new HttpClient({ timeoutMs: 60_000 }).request({ method: 'GET', url: `${server.url}/slow`, ctx }));
      assert.ok(error instanceof DeadlineExceededError, `got ${String(error)}`);
    } finally {
      await server.close();
    }
  });

  it('the cloud\'s own timeout stays an OpenStackError (retryable), not a cancellation', async () => {
    const server = await silent();
    try {
      const ctx = withTimeout(background(), 60_000);
      const { error } = await failure(new HttpClient({ timeoutMs: 200, retry: { maxRetries: 0 } }).request({ method: 'GET', url: `${server.url}/slow`, ctx }));
      assert.ok(error instanceof OpenStackError, `got ${String(error)}`);
      assert.deepEqual([error.kind, isRetryable(error), isCancellation(error)], ['timeout', true, false]);
      ctx.cancel();
    } finally {
      await server.close();
    }
  });

  it('an abort during the back-off pause stops the retries at once', async () => {
    const server = await fakeServer((_req, res) => sendJson(res, 503, { serviceUnavailable: { code: 503, message: 'busy' } }));
    try {
      const ctx = withCancel(background());
      // A 30 s pause after the first 503: only the abort can end it early.
      const http = new HttpClient({ retry: { baseDelayMs: 30_000, maxDelayMs: 30_000 }, random: () => 1 });
      const pending = http.request({ method: 'GET', url: `${server.url}/servers`, ctx });
      await eventually(async () => (server.requests.length === 1 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const abortedAt = Date.now();
      ctx.cancel();
      const { error, afterMs } = await failure(pending, abortedAt);
      assert.ok(error instanceof CancelledError, `got ${String(error)}`);
      assert.ok(afterMs < PROMPT_MS, `rejected ${afterMs} ms after the abort`);
      assert.deepEqual([error.sent, error.outcomeUnknown], [false, false]);
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  it('a pause that would end past the deadline is not taken: the cloud\'s last answer is reported', async () => {
    const server = await fakeServer((_req, res) => sendJson(res, 503, { serviceUnavailable: { code: 503, message: 'busy' } }));
    try {
      // A 30 s pause with 20 s left: taking it would end in DeadlineExceededError, 20 s from now.
      const ctx = withTimeout(background(), 20_000);
      const http = new HttpClient({ retry: { baseDelayMs: 30_000, maxDelayMs: 30_000 }, random: () => 1 });
      const { error } = await failure(http.request({ method: 'GET', url: `${server.url}/servers`, ctx }));
      assert.ok(error instanceof OpenStackError, `got ${String(error)}`);
      assert.equal(error.status, 503);
      assert.equal(server.requests.length, 1);
      ctx.cancel();
    } finally {
      await server.close();
    }
  });

  it('a caller waiting for a shared authentication stops waiting; nothing is sent for it', async () => {
    // Keystone that never answers: the token request hangs, the service request is never sent.
    const server = await silent();
    try {
      const http = new HttpClient();
      const session = new KeystoneSession({ type: 'token', authUrl: `${server.url}/v3`, token: 't' }, http);
      const compute = new ServiceClient({ service: 'compute', http, auth: session, endpoint: `${server.url}/compute/v2.1` });
      const ctx = withCancel(background());
      const pending = compute.get('/servers', { ctx });
      await eventually(async () => (server.requests.length === 1 ? true : undefined));
      const abortedAt = Date.now();
      ctx.cancel();
      const { error, afterMs } = await failure(pending, abortedAt);
      assert.ok(error instanceof CancelledError, `got ${String(error)}`);
      assert.deepEqual([error.sent, error.request?.url], [false, `${server.url}/compute/v2.1/servers`]);
      assert.ok(afterMs < PROMPT_MS, `rejected ${afterMs} ms after the abort`);
      assert.deepEqual(server.requests.map((r) => r.url), ['/v3/auth/tokens']);
    } finally {
      await server.close();
    }
  });

  it('connect under a context that ends gives up and frees its pool', async () => {
    const server = await silent();
    try {
      const ctx = withTimeout(background(), 200);
      const env = { OS_AUTH_URL: `${server.url}/v3`, OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: 'p', OS_PROJECT_DOMAIN_NAME: 'Default' };
      const { error, afterMs } = await failure(connect({ ...noFiles, env, ctx }));
      assert.ok(isCancellation(error), `got ${String(error)}`);
      assert.ok(afterMs < 200 + PROMPT_MS);
    } finally {
      await server.close();
    }
  });
});

describe('service clients under a context (engine with latency)', { skip: engineOnly }, () => {
  let t: TestEngine;
  let clients: Clients;
  let authRequests: () => number;

  before(async () => {
    t = await startTestEngine();
    const lines: string[] = [];
    clients = await connect({ ...noFiles, env: engineEnv(t), logger: { debug: (line) => lines.push(line) } });
    authRequests = () => lines.filter((l) => /^REQ: POST \S+\/auth\/tokens/.test(l)).length;
  });
  after(async () => {
    t.engine.config.faults.latencyMs = 0;
    await clients.close();
    await t.close();
  });

  /** Runs `body` with every engine request delayed by `ms`. */
  async function slow<T>(ms: number, body: () => Promise<T>): Promise<T> {
    t.engine.config.faults.latencyMs = ms;
    try {
      return await body();
    } finally {
      t.engine.config.faults.latencyMs = 0;
    }
  }

  it('a bound view carries the context on every request, on the same pool and session', async () => {
    const ctx = withCancel(background());
    const bound = bindContext(clients, ctx);
    const authBefore = authRequests();
    assert.equal(bound.ctx, ctx);
    assert.equal(bound.session, clients.session);
    assert.equal(bound.computeVersion, clients.computeVersion);
    assert.equal(bound.compute.endpoint, clients.compute.endpoint);
    assert.ok(Array.isArray((await bound.compute.get('/servers')).body.servers), 'a bound view works like the original');

    const { error, afterMs } = await slow(5_000, async () => {
      const pending = bound.compute.get('/flavors');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const abortedAt = Date.now();
      ctx.cancel(new CancelledError('interrupted (SIGINT)'));
      return failure(pending, abortedAt);
    });
    assert.ok(error instanceof CancelledError, `got ${String(error)}`);
    assert.ok(afterMs < PROMPT_MS, `rejected ${afterMs} ms after the abort`);
    assert.match(error.message, /^interrupted \(SIGINT\) \(GET \S+\/flavors while it was in flight\)$/);
    // Listing pages, the image and volume services: all under the bound context.
    await assert.rejects(bound.compute.list(SERVERS).next(), CancelledError);
    await assert.rejects(bound.image.get('/images'), CancelledError);
    await assert.rejects(bound.volume.get('/volumes'), CancelledError);
    assert.equal(authRequests(), authBefore, 'binding and the bound requests authenticated nothing');

    await bound.close();
    assert.ok(Array.isArray((await clients.compute.get('/servers')).body.servers), 'closing a view leaves the shared pool open');
  });

  it('a request\'s own context wins over the bound one', async () => {
    const bound = bindContext(clients, withCancel(background()));
    const own = withTimeout(background(), 300);
    const { error } = await slow(5_000, () => failure(bound.compute.get('/flavors', { ctx: own })));
    assert.ok(error instanceof DeadlineExceededError, `got ${String(error)}`);
    assert.equal(error.deadline, own.deadline);
  });

  it('a deadline cuts a paged listing short', async () => {
    const ctx = withTimeout(background(), 300);
    const started = Date.now();
    const { error, afterMs } = await slow(5_000, () => failure(clients.compute.list(KEYPAIRS, { ctx }).next(), started));
    assert.ok(error instanceof DeadlineExceededError, `got ${String(error)}`);
    assert.ok(afterMs < 300 + PROMPT_MS, `rejected after ${afterMs} ms`);
  });
});
