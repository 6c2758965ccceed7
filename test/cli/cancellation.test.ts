import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cancellation } from '../../cli/cancellation.ts';

/**
 * The signal plumbing in-process: `process.emit` delivers SIGINT/SIGTERM to
 * the listeners exactly as a real signal would (the real-process tests are
 * in interrupt.test.ts), and `exit` is captured instead of ending the test.
 */
describe('cancellation', () => {
  it('a first Ctrl-C aborts and names the steps in flight; a second exits 130 at once', () => {
    const lines: string[] = [];
    const exits: number[] = [];
    const cancel = cancellation({ verb: 'apply', log: (l) => lines.push(l), inFlight: () => ['Server web (create)'], exit: (code) => exits.push(code) });
    try {
      assert.equal(cancel.signal.aborted, false);
      process.emit('SIGINT', 'SIGINT');
      assert.equal(cancel.signal.aborted, true);
      assert.equal(cancel.reason(), 'interrupted');
      assert.match(lines[0]!, /^novaform: interrupted: no new steps start; in flight: Server web \(create\); waiting/);
      assert.deepEqual(exits, []);
      process.emit('SIGTERM', 'SIGTERM');
      assert.deepEqual(exits, [130]);
      assert.match(lines[1]!, /SIGTERM again: exiting now/);
    } finally {
      cancel.dispose();
    }
  });

  it('the deadline aborts with reason timeout; dispose stops listening', async () => {
    const lines: string[] = [];
    const cancel = cancellation({ verb: 'destroy', timeoutMs: 20, log: (l) => lines.push(l), inFlight: () => [], exit: () => assert.fail('no exit') });
    // The deadline's timer is unref'd (it must not keep a finished command alive); this test holds the loop itself, as a command's I/O does.
    const hold = setTimeout(() => undefined, 10_000);
    await new Promise<void>((resolve) => cancel.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearTimeout(hold);
    cancel.dispose();
    assert.equal(cancel.reason(), 'timeout');
    assert.deepEqual(lines, ['novaform: destroy reached its --timeout: no new steps start; no step in flight']);
    const before = process.listenerCount('SIGINT');
    const other = cancellation({ verb: 'apply', log: () => undefined, inFlight: () => [] });
    assert.equal(process.listenerCount('SIGINT'), before + 1);
    other.dispose();
    assert.equal(process.listenerCount('SIGINT'), before);
  });
});
