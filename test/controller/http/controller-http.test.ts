import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControllerHttp, type ControllerHttp, type HttpLogEntry } from '../../../controller/http/controller-http.ts';
import { ControllerMetrics } from '../../../controller/metrics.ts';
import { send } from './http-request.ts';
import { InMemoryView } from './in-memory-view.ts';
import { parsePrometheusText, sampleValue } from './prometheus-text.ts';

describe('controller HTTP endpoints', () => {
  const view = new InMemoryView();
  const metrics = new ControllerMetrics();
  const logs: HttpLogEntry[] = [];
  let http: ControllerHttp;
  before(async () => {
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, view, metrics, allowUiApprove: false, onLog: (entry) => logs.push(entry) });
    for (let i = 1; i <= 5; i++) view.publish({ level: 'info', reason: 'Applied', key: `Server/s${i}`, message: `applied s${i}` });
  });
  after(() => http.close());

  it('listens on a free port of 127.0.0.1 and says so in its log', () => {
    assert.match(http.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(http.url, 'http://127.0.0.1:0');
    assert.ok(logs.some((l) => l.level === 'info' && l.message.includes(http.url)));
  });

  it('/healthz answers 200 ok while the loop lives, 503 when it does not', async () => {
    const ok = await send(`${http.url}/healthz`);
    assert.equal(ok.status, 200);
    assert.equal(ok.text, 'ok');
    view.alive = false;
    try {
      const dead = await send(`${http.url}/healthz`);
      assert.equal(dead.status, 503);
      assert.match(dead.text, /not running/);
    } finally {
      view.alive = true;
    }
  });

  it('/readyz answers 200 when ready, 503 with the reason as JSON when not', async () => {
    const ready = await send(`${http.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json(), { ready: true });
    view.readiness = { ready: false, reason: 'waiting for the lease held by pid 7' };
    try {
      const waiting = await send(`${http.url}/readyz`);
      assert.equal(waiting.status, 503);
      assert.match(String(waiting.headers['content-type']), /^application\/json/);
      assert.deepEqual(waiting.json(), { ready: false, reason: 'waiting for the lease held by pid 7' });
    } finally {
      view.readiness = { ready: true };
    }
  });

  it('/metrics serves Prometheus text with the values fed to the metrics', async () => {
    metrics.observe(view.status(), 2);
    metrics.passStarted('start')('ok');
    metrics.cloudCall({ service: 'compute', method: 'DELETE', status: 404, elapsedMs: 5 });
    const r = await send(`${http.url}/metrics`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], metrics.contentType);
    const families = parsePrometheusText(r.text);
    assert.equal(sampleValue(families, 'novaform_queue_depth'), 2);
    assert.equal(sampleValue(families, 'novaform_approvals_waiting'), 1);
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'ApprovalNeeded' }), 1);
    assert.equal(sampleValue(families, 'novaform_drift_resources', { kind: 'Volume' }), 1);
    assert.equal(sampleValue(families, 'novaform_passes_total', { trigger: 'start', result: 'ok' }), 1);
    assert.equal(sampleValue(families, 'novaform_pass_duration_seconds_count', { trigger: 'start' }), 1);
    assert.equal(sampleValue(families, 'novaform_cloud_api_calls_total', { service: 'compute', method: 'DELETE', status: '404' }), 1);
    assert.equal(sampleValue(families, 'novaform_cloud_api_call_duration_seconds_count', { service: 'compute', method: 'DELETE' }), 1);
  });

  it('/status serves the status document as JSON', async () => {
    const r = await send(`${http.url}/status`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.deepEqual(r.json(), JSON.parse(JSON.stringify(view.status())));
  });

  it('/events pages forward with since and limit (default 100), oldest first', async () => {
    assert.deepEqual((await send(`${http.url}/events`)).json().map((e: { seq: number }) => e.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual((await send(`${http.url}/events?since=2`)).json().map((e: { seq: number }) => e.seq), [3, 4, 5]);
    assert.deepEqual((await send(`${http.url}/events?since=1&limit=2`)).json().map((e: { seq: number }) => e.seq), [2, 3]);
    assert.deepEqual((await send(`${http.url}/events?since=5`)).json(), []);
    assert.deepEqual((await send(`${http.url}/events?limit=1`)).json()[0], view.log[0]);
  });

  for (const [query, pattern] of [
    ['since=abc', /'since' must be a whole number/],
    ['since=-1', /'since' must be a whole number/],
    ['since=1.5', /'since' must be a whole number/],
    ['limit=0', /'limit' must be a whole number from 1 to 1000/],
    ['limit=5000', /'limit' must be a whole number from 1 to 1000/],
    ['since=1&since=2', /'since' must be given once/],
    ['after=3', /unknown query parameter 'after'/],
  ] as const) {
    it(`/events?${query} is a 400 with a clear one-line message`, async () => {
      const r = await send(`${http.url}/events?${query}`);
      assert.equal(r.status, 400);
      assert.equal(r.json().error, 'BadRequest');
      assert.match(r.json().message, pattern);
      assert.doesNotMatch(r.text, /\n|at .*\.ts:/);
    });
  }

  it('/graph.svg draws every resource and dependency', async () => {
    const r = await send(`${http.url}/graph.svg`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^image\/svg\+xml/);
    assert.match(r.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const key of ['Flavor/m1.small', 'Keypair/deploy', 'Volume/data', 'Server/web']) assert.ok(r.text.includes(`data-key="${key}"`), key);
    assert.equal(r.text.match(/<line class="edge"/g)!.length, 3);
  });

  it('/ serves the status page as HTML with a restrictive CSP and the recent events', async () => {
    const r = await send(`${http.url}/`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.match(r.text, /^<!DOCTYPE html>/);
    assert.ok(r.text.includes('<tr data-key="Server/web" data-phase="ApprovalNeeded">'));
    assert.ok(r.text.includes('data-seq="5"'));
    assert.ok(!r.text.includes('class="approve"'), 'no Approve button without --allow-ui-approve');
  });

  it('unknown routes are 404 JSON', async () => {
    const r = await send(`${http.url}/nope?x=1`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { error: 'NotFound', message: 'no such endpoint: GET /nope' });
    assert.equal((await send(`${http.url}/status`, { method: 'DELETE' })).status, 404);
  });

  it('a view that throws is a 500 with one line, logged, never a stack trace', async () => {
    const original = view.status;
    view.status = () => {
      throw new Error('state store\nclosed');
    };
    try {
      const r = await send(`${http.url}/status`);
      assert.equal(r.status, 500);
      assert.deepEqual(r.json(), { error: 'InternalError', message: 'the controller could not answer: state store closed' });
      assert.ok(logs.some((l) => l.level === 'error' && l.message.includes('GET /status failed: state store closed')));
    } finally {
      view.status = original;
    }
  });
});
