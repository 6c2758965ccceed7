import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControllerEvent } from '../../../controller/controller-model.ts';
import { openReplicaEvents, type EventSource } from '../../../controller/replicas/replica-events.ts';

/** A stack controller's event feed, as Controller.subscribe gives it (pure: no controller is needed to test the merge). */
function feed(): EventSource & { emit(seq: number, reason: string): void } {
  const listeners = new Set<(event: ControllerEvent) => void>();
  return {
    subscribe(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    emit(seq, reason) { for (const l of listeners) l({ seq, time: '2026-12-06T00:00:00.000Z', level: 'info', reason, message: reason }); },
  };
}

describe('openReplicaEvents', () => {
  it('merges the held stacks\' events in order, marks each with its stack and numbers them anew', () => {
    const events = openReplicaEvents();
    const web = feed();
    const db = feed();
    const live: ControllerEvent[] = [];
    events.subscribe((e) => live.push(e));
    events.follow('web', web);
    const unfollowDb = events.follow('db', db);
    web.emit(41, 'LeaseAcquired');
    db.emit(41, 'LeaseAcquired');
    web.emit(42, 'Applied');
    unfollowDb();
    db.emit(42, 'Applied');
    const all = events.events({});
    assert.deepEqual(all.map((e) => [e.seq, e.stack, e.reason]), [[1, 'web', 'LeaseAcquired'], [2, 'db', 'LeaseAcquired'], [3, 'web', 'Applied']]);
    assert.deepEqual(live, all, 'listeners see what is kept');
    assert.deepEqual(events.events({ since: 1, limit: 1 }).map((e) => e.seq), [2]);
  });

  it('keeps the newest `keep`', () => {
    const events = openReplicaEvents(3);
    const web = feed();
    events.follow('web', web);
    for (let i = 1; i <= 5; i += 1) web.emit(i, `E${i}`);
    assert.deepEqual(events.events({}).map((e) => e.seq), [3, 4, 5]);
  });
});
