import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { ControllerEvent } from '../../../controller/controller-model.ts';
import { startControllerHttp, type ControllerHttp } from '../../../controller/http/controller-http.ts';
import { ControllerMetrics } from '../../../controller/metrics.ts';
import { InMemoryView } from './in-memory-view.ts';

/** An open SSE connection: the events parsed so far, and a way to wait for more. */
interface Stream {
  readonly response: IncomingMessage;
  readonly events: { id: string; data: ControllerEvent }[];
  waitFor(count: number): Promise<void>;
  close(): void;
}

function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (response) => {
      const events: Stream['events'] = [];
      const waiters: { count: number; resolve: () => void }[] = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n').filter((l) => !l.startsWith(':'));
          if (lines.length === 0) continue;
          const id = lines.find((l) => l.startsWith('id: '))!.slice(4);
          const data = lines.filter((l) => l.startsWith('data: '));
          assert.equal(data.length, 1, 'one data line per event');
          events.push({ id, data: JSON.parse(data[0]!.slice(6)) });
        }
        for (const w of [...waiters]) if (events.length >= w.count) w.resolve();
      });
      resolve({
        response,
        events,
        waitFor: (count) => (events.length >= count ? Promise.resolve() : new Promise((r) => waiters.push({ count, resolve: r }))),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

/** Waits for a condition the server reaches asynchronously (a socket close); fails after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), 'condition not reached within 5 s');
}

describe('GET /events/stream (Server-Sent Events)', () => {
  const view = new InMemoryView();
  let http: ControllerHttp;
  before(async () => {
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, view, metrics: new ControllerMetrics(), allowUiApprove: false });
    view.publish({ level: 'info', reason: 'Started', message: 'controller started' });
    view.publish({ level: 'info', reason: 'PassStarted', message: 'pass started' });
  });
  after(() => http.close());

  it('delivers an event published after connecting, and only new ones without since', async () => {
    const stream = await openStream(`${http.url}/events/stream`);
    try {
      assert.equal(stream.response.statusCode, 200);
      assert.match(String(stream.response.headers['content-type']), /^text\/event-stream/);
      const published = view.publish({ level: 'warn', reason: 'DriftDetected', key: 'Server/web', message: 'flavor differs' });
      await stream.waitFor(1);
      assert.deepEqual(stream.events, [{ id: String(published.seq), data: published }]);
    } finally {
      stream.close();
    }
  });

  it('replays the events after since, then streams new ones in order without duplicates', async () => {
    const stream = await openStream(`${http.url}/events/stream?since=1`);
    try {
      const next = view.publish({ level: 'error', reason: 'Failed', key: 'Volume/data', message: 'quota exceeded' });
      await stream.waitFor(view.log.length - 1);
      assert.deepEqual(stream.events.map((e) => e.data.seq), view.log.slice(1).map((e) => e.seq));
      assert.equal(stream.events.at(-1)!.data.message, next.message);
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID (what EventSource sends on reconnect)', async () => {
    const last = view.log.at(-1)!.seq;
    const stream = await openStream(`${http.url}/events/stream`, { 'last-event-id': String(last - 1) });
    try {
      await stream.waitFor(1);
      assert.deepEqual(stream.events.map((e) => e.data.seq), [last]);
    } finally {
      stream.close();
    }
  });

  it('unsubscribes when the client goes away', async () => {
    await until(() => view.listenerCount === 0); // earlier tests' streams, closed by their clients
    const stream = await openStream(`${http.url}/events/stream`);
    assert.equal(view.listenerCount, 1);
    stream.close();
    await until(() => view.listenerCount === 0);
  });

  it('rejects a bad since with 400', async () => {
    const stream = await openStream(`${http.url}/events/stream?since=x`);
    stream.close();
    assert.equal(stream.response.statusCode, 400);
  });

  it('close() ends open streams instead of hanging on them', async () => {
    const own = new InMemoryView();
    const server = await startControllerHttp({ host: '127.0.0.1', port: 0, view: own, metrics: new ControllerMetrics(), allowUiApprove: false });
    const stream = await openStream(`${server.url}/events/stream`);
    const ended = new Promise<void>((resolve) => stream.response.on('close', () => resolve()));
    await server.close();
    await ended;
    assert.equal(own.listenerCount, 0);
  });
});
