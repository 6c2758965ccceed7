import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recentEvents } from '../../../controller/http/recent-events.ts';
import { InMemoryView } from './in-memory-view.ts';

describe('recentEvents', () => {
  it('returns the newest events, oldest first, reading a few pages rather than all', () => {
    const view = new InMemoryView();
    for (let i = 0; i < 1000; i++) view.publish({ level: 'info', reason: 'Applied', message: `e${i}` });
    let calls = 0;
    const counting = { events: (q: { since?: number; limit?: number }) => (calls++, view.events(q)) };
    assert.deepEqual(recentEvents(counting, 3).map((e) => e.seq), [998, 999, 1000]);
    assert.ok(calls < 30, `${calls} calls`);
  });

  it('copes with trimmed history, fewer events than asked, none, and a count of 0', () => {
    const view = new InMemoryView();
    for (let i = 0; i < 10; i++) view.publish({ level: 'info', reason: 'Applied', message: `e${i}` });
    view.log.splice(0, 7); // history starts at seq 8
    assert.deepEqual(recentEvents(view, 5).map((e) => e.seq), [8, 9, 10]);
    assert.deepEqual(recentEvents(view, 2).map((e) => e.seq), [9, 10]);
    assert.deepEqual(recentEvents(view, 0), []);
    assert.deepEqual(recentEvents(new InMemoryView(), 5), []);
  });
});
