import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { connect } from '../../../provider/openstack/openstack-client.ts';
import { OpenStackError, isRetryable, isTerminal } from '../../../provider/openstack/errors.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { engineEnv, fakeServer, sendJson, FAST_RETRY, type FakeServer } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
/** Skip reason for tests that need the engine's knobs or a fake server, when NOVAFORM_TEST_CLOUD points at a real cloud. */
const engineOnly = (reason: string): string | false => (process.env[TEST_CLOUD_ENV] ? reason : false);
const unavailable = { serviceUnavailable: { code: 503, message: 'Service Unavailable (for a moment)' } };

/** Answers 503 for the first `failures` requests, then 200. */
function flaky(failures: number): Promise<FakeServer> {
  return fakeServer((_req, res, _body, index) => {
    if (index < failures) sendJson(res, 503, unavailable);
    else sendJson(res, 200, { ok: index });
  });
}

describe('http client: retries against a flaky server', { skip: engineOnly('fake servers that fail on purpose, not a cloud') }, () => {
  it('re-sends a GET after 503s, with a RETRY log line each time', async () => {
    const server = await flaky(2);
    const lines: string[] = [];
    try {
      const http = new HttpClient({ retry: FAST_RETRY, logger: { debug: (l) => lines.push(l) } });
      const response = await http.request({ method: 'GET', url: `${server.url}/thing` });
      assert.deepEqual(response.body, { ok: 2 });
      assert.equal(server.requests.length, 3);
      assert.equal(lines.filter((l) => l.startsWith('RETRY: GET')).length, 2);
      assert.match(lines.find((l) => l.startsWith('RETRY'))!, /after Service Unavailable \(for a moment\): retry 1 of 4 in \d+ms$/);
    } finally {
      await server.close();
    }
  });

  it('gives up after maxRetries and reports the last answer', async () => {
    const server = await flaky(100);
    try {
      const http = new HttpClient({ retry: { ...FAST_RETRY, maxRetries: 2 } });
      const error = await http.request({ method: 'DELETE', url: `${server.url}/thing` }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenStackError);
      assert.equal(error.status, 503);
      assert.equal(server.requests.length, 3);
      assert.equal(isRetryable(error), true);
    } finally {
      await server.close();
    }
  });

  it('never re-sends a POST after a 503', async () => {
    const server = await flaky(1);
    try {
      const http = new HttpClient({ retry: FAST_RETRY });
      const error = await http.request({ method: 'POST', url: `${server.url}/servers`, json: { server: {} } }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenStackError);
      assert.deepEqual([error.status, error.cloudMessage, error.outcomeUnknown], [503, 'Service Unavailable (for a moment)', false]);
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  it('a reset connection: GET is re-sent, POST reports an unknown outcome', async () => {
    const server = await fakeServer((req, res, _body, index) => {
      if (index === 0 || req.method === 'POST') res.socket?.destroy();
      else sendJson(res, 200, { ok: true });
    });
    try {
      const http = new HttpClient({ retry: FAST_RETRY });
      assert.deepEqual((await http.request({ method: 'GET', url: `${server.url}/a` })).body, { ok: true });
      assert.equal(server.requests.length, 2);
      const error = await http.request({ method: 'POST', url: `${server.url}/b`, json: {} }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenStackError);
      assert.deepEqual([error.kind, error.status, error.outcomeUnknown, isRetryable(error)], ['connection', 0, true, true]);
      assert.match(error.message, /the request may have been processed\)$/);
      assert.equal(server.requests.length, 3);
    } finally {
      await server.close();
    }
  });

  it('a timeout: GET is re-sent, POST reports an unknown outcome', async () => {
    const server = await fakeServer((_req, res, _body, index) => {
      setTimeout(() => { if (!res.destroyed) sendJson(res, 200, { index }); }, index === 0 || index === 2 ? 400 : 0);
    });
    try {
      const http = new HttpClient({ retry: FAST_RETRY, timeoutMs: 150 });
      assert.deepEqual((await http.request({ method: 'GET', url: `${server.url}/slow` })).body, { index: 1 });
      const error = await http.request({ method: 'POST', url: `${server.url}/slow`, json: {} }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenStackError);
      assert.deepEqual([error.kind, error.outcomeUnknown], ['timeout', true]);
      assert.equal(server.requests.length, 3);
    } finally {
      await server.close();
    }
  });

  it('a refused connection is retried even for POST (nothing was sent), then reported', async () => {
    const server = await fakeServer(() => undefined);
    const url = `${server.url}/x`;
    await server.close();
    const lines: string[] = [];
    const http = new HttpClient({ retry: { ...FAST_RETRY, maxRetries: 2 }, logger: { debug: (l) => lines.push(l) } });
    const error = await http.request({ method: 'POST', url, json: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof OpenStackError);
    assert.deepEqual([error.kind, error.outcomeUnknown], ['connection', false]);
    assert.match(error.cloudMessage, /^cannot connect \(ECONNREFUSED/);
    assert.equal(lines.filter((l) => l.startsWith('REQ:')).length, 3);
  });

  it('429 with an HTTP-date Retry-After: a POST waits until then and is re-sent', async () => {
    const server = await fakeServer((_req, res, _body, index) => {
      if (index === 0) sendJson(res, 429, { overLimit: { code: 429, message: 'slow down' } }, { 'Retry-After': new Date(Date.now() + 2000).toUTCString() });
      else sendJson(res, 202, { done: true });
    });
    try {
      const waits: number[] = [];
      const http = new HttpClient({ retry: FAST_RETRY, sleep: async (ms) => { waits.push(ms); } });
      const response = await http.request({ method: 'POST', url: `${server.url}/servers`, json: {} });
      assert.equal(response.status, 202);
      assert.equal(server.requests.length, 2);
      assert.equal(waits.length, 1);
      // The date has whole seconds, so 1-2 s remain; the 10-50 ms backoff alone would be far shorter.
      assert.ok(waits[0]! > 900 && waits[0]! <= 2000, `waited ${waits[0]} ms`);
    } finally {
      await server.close();
    }
  });
});

describe('http client: the engine\'s rate limit and injected faults', { skip: engineOnly('needs the engine fault knobs (rateLimit, apiErrorRate)') }, () => {
  let limited: TestEngine;
  let faulty: TestEngine;
  before(async () => {
    limited = await startTestEngine({ config: { rateLimit: { requestsPerSecond: 1, burst: 1 } } });
    faulty = await startTestEngine({ config: { faults: { apiErrorRate: 0.4, seed: 7 } } });
  });
  after(async () => { await limited.close(); await faulty.close(); });

  it('honours Retry-After on 429 for GET and POST alike', async () => {
    const clients = await connect({ ...noFiles, env: engineEnv(limited), retry: FAST_RETRY });
    try {
      await clients.compute.get('/flavors');
      const started = Date.now();
      const mark = limited.engine.requestLog.length;
      await clients.compute.get('/flavors');
      const created = await clients.compute.post('/flavors', { flavor: { name: 'rl.tiny', vcpus: 1, ram: 512, disk: 1 } });
      assert.equal(created.status, 200);
      const elapsed = Date.now() - started;
      const seen = limited.engine.requestLog.slice(mark).map((e) => `${e.method} ${e.status}`);
      assert.deepEqual(seen, ['GET 429', 'GET 200', 'POST 429', 'POST 200']);
      assert.ok(elapsed >= 1800, `waited for Retry-After twice (${elapsed} ms)`);
      const names = (await clients.compute.get('/flavors')).body.flavors.map((f: { name: string }) => f.name);
      assert.deepEqual(names, ['rl.tiny'], 'the retried POST created one flavor');
    } finally {
      await clients.close();
    }
  });

  it('rides out injected 500/503s on GETs, but does not repeat a POST that hit one', async () => {
    const clients = await connect({ ...noFiles, env: engineEnv(faulty), retry: { ...FAST_RETRY, maxRetries: 8 } });
    try {
      const mark = faulty.engine.requestLog.length;
      for (let i = 0; i < 15; i++) assert.equal((await clients.compute.get('/flavors')).status, 200);
      const statuses = faulty.engine.requestLog.slice(mark).map((e) => e.status);
      assert.ok(statuses.some((s) => s >= 500), 'some failures were injected');
      assert.equal(statuses.filter((s) => s === 200).length, 15);

      let posts = 0;
      let failedPost: OpenStackError | undefined;
      for (let i = 0; i < 20 && !failedPost; i++) {
        const before = faulty.engine.requestLog.length;
        try {
          await clients.compute.post('/flavors', { flavor: { name: `f${i}`, vcpus: 1, ram: 512, disk: 1 } });
        } catch (error) {
          failedPost = error as OpenStackError;
        }
        posts = faulty.engine.requestLog.slice(before).filter((e) => e.method === 'POST').length;
      }
      assert.ok(failedPost, 'one POST met an injected failure');
      assert.ok(failedPost.status === 500 || failedPost.status === 503);
      assert.equal(posts, 1, 'and was sent exactly once');
      assert.equal(isTerminal(failedPost), false);
    } finally {
      await clients.close();
    }
  });
});
