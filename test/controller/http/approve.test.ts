import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControllerHttp, type ControllerHttp, type HttpLogEntry } from '../../../controller/http/controller-http.ts';
import { ControllerMetrics } from '../../../controller/metrics.ts';
import { send } from './http-request.ts';
import { InMemoryView } from './in-memory-view.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const BODY = JSON.stringify({ key: 'Server/web', fingerprint: 'fp-resize-1' });

describe('POST /approve without --allow-ui-approve', () => {
  const view = new InMemoryView();
  let http: ControllerHttp;
  before(async () => {
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, view, metrics: new ControllerMetrics(), allowUiApprove: false });
  });
  after(() => http.close());

  it('is refused with 403 and says how to approve instead', async () => {
    const r = await send(`${http.url}/approve`, { method: 'POST', headers: { ...JSON_HEADERS, origin: http.url }, body: BODY });
    assert.equal(r.status, 403);
    assert.equal(r.json().error, 'Forbidden');
    assert.match(r.json().message, /--allow-ui-approve/);
    assert.match(r.json().message, /novaform approve KIND\/NAME/);
    assert.deepEqual(view.approvals, []);
  });
});

describe('POST /approve with --allow-ui-approve', () => {
  const view = new InMemoryView();
  const logs: HttpLogEntry[] = [];
  let http: ControllerHttp;
  let host: string;
  before(async () => {
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, view, metrics: new ControllerMetrics(), allowUiApprove: true, onLog: (e) => logs.push(e) });
    host = new URL(http.url).host;
  });
  after(() => http.close());

  it('approves from the page: same origin, JSON; recorded as ui:<remote address>', async () => {
    const r = await send(`${http.url}/approve`, { method: 'POST', headers: { ...JSON_HEADERS, origin: http.url, 'sec-fetch-site': 'same-origin' }, body: BODY });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), { approved: true, key: 'Server/web', fingerprint: 'fp-resize-1', by: 'ui:127.0.0.1' });
    assert.deepEqual(view.approvals, [{ key: 'Server/web', fingerprint: 'fp-resize-1', by: 'ui:127.0.0.1' }]);
    assert.ok(logs.some((l) => l.level === 'info' && l.message === 'Server/web approved by ui:127.0.0.1'));
  });

  it('approves from a script without Origin (curl) and through localhost', async () => {
    view.approvals.length = 0;
    assert.equal((await send(`${http.url}/approve`, { method: 'POST', headers: JSON_HEADERS, body: BODY })).status, 200);
    const port = new URL(http.url).port;
    const viaLocalhost = await send(`${http.url}/approve`, { method: 'POST', headers: { ...JSON_HEADERS, host: `localhost:${port}`, origin: `http://localhost:${port}` }, body: BODY });
    assert.equal(viaLocalhost.status, 200, viaLocalhost.text);
    assert.equal(view.approvals.length, 2);
  });

  for (const [why, headers] of [
    ['a foreign Origin', { ...JSON_HEADERS, origin: 'http://evil.example' }],
    ['an Origin on another port', { ...JSON_HEADERS, origin: 'http://127.0.0.1:1' }],
    ['an https Origin', { ...JSON_HEADERS, origin: 'https://127.0.0.1' }],
    ['the literal Origin null (sandboxed frame, file:)', { ...JSON_HEADERS, origin: 'null' }],
    ['sec-fetch-site: cross-site', { ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' }],
    ['a DNS-rebinding Host with its matching Origin', { ...JSON_HEADERS, host: 'rebind.example:PORT', origin: 'http://rebind.example:PORT' }],
  ] as const) {
    it(`refuses ${why} with 403 and approves nothing`, async () => {
      view.approvals.length = 0;
      const port = new URL(http.url).port;
      const fixed = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', port)]));
      const r = await send(`${http.url}/approve`, { method: 'POST', headers: fixed, body: BODY });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json().error, 'Forbidden');
      assert.deepEqual(view.approvals, []);
    });
  }

  for (const [why, type] of [
    ['a form post (what a cross-site <form> can send)', 'application/x-www-form-urlencoded'],
    ['text/plain (a no-preflight cross-site fetch)', 'text/plain'],
    ['multipart', 'multipart/form-data; boundary=x'],
  ] as const) {
    it(`refuses ${why} with 415 even from the same origin`, async () => {
      view.approvals.length = 0;
      const r = await send(`${http.url}/approve`, { method: 'POST', headers: { 'content-type': type, origin: http.url }, body: type === 'text/plain' ? BODY : 'key=Server%2Fweb&fingerprint=fp-resize-1' });
      assert.equal(r.status, 415, r.text);
      assert.match(r.json().message, /application\/json/);
      assert.deepEqual(view.approvals, []);
    });
  }

  for (const [why, body, pattern] of [
    ['invalid JSON', '{"key":', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['no key', JSON.stringify({ fingerprint: 'x' }), /"key" must be/],
    ['no fingerprint', JSON.stringify({ key: 'Server/web' }), /"fingerprint" must be/],
  ] as const) {
    it(`answers ${why} with a 400 and one line`, async () => {
      const r = await send(`${http.url}/approve`, { method: 'POST', headers: { ...JSON_HEADERS, origin: http.url }, body });
      assert.equal(r.status, 400, r.text);
      assert.match(r.json().message, pattern);
      assert.doesNotMatch(r.json().message, /\n/);
    });
  }

  it('passes the view’s refusal on as 409 (a stale fingerprint, a key with nothing waiting) and logs it', async () => {
    view.approvals.length = 0;
    const stale = await send(`${http.url}/approve`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ key: 'Server/web', fingerprint: 'fp-old' }) });
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.json(), { error: 'Conflict', message: 'Server/web: the change waiting is not the one approved (it changed since)' });
    const nothing = await send(`${http.url}/approve`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ key: 'Flavor/m1.small', fingerprint: 'x' }) });
    assert.equal(nothing.status, 409);
    assert.deepEqual(view.approvals, []);
    assert.ok(logs.some((l) => l.level === 'warn' && l.message.startsWith('approval of Server/web from ui:127.0.0.1 refused')));
  });

  it('the page shows the Approve button carrying the key and fingerprint', async () => {
    const page = (await send(`${http.url}/`)).text;
    assert.ok(page.includes('<button type="button" class="approve" data-key="Server/web" data-fingerprint="fp-resize-1" data-action="resize">Approve</button>'));
    assert.ok(page.includes("fetch('/approve'"));
    assert.equal(host.startsWith('127.0.0.1:'), true);
  });
});
