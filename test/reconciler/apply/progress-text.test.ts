import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApplyEvent, ApplyResult, ResourceResult, StepLabel } from '../../../reconciler/apply/apply-types.ts';
import { formatDuration, progressLine, stillRunningLine, summaryLines } from '../../../reconciler/apply/progress-text.ts';

const label: StepLabel = { index: 3, total: 7, kind: 'Server', name: 'web-1', action: 'create' };
const result = (over: Partial<ResourceResult>): ResourceResult => ({
  kind: 'Server', name: 'web-1', action: 'create', status: 'done', warnings: [], attempts: 1, durationMs: 12_300, ...over,
});

describe('formatDuration', () => {
  const rows: Array<[number, string]> = [[0, '0ms'], [850, '850ms'], [1000, '1.0s'], [12_345, '12.3s'], [59_940, '59.9s'], [125_000, '2m05s']];
  for (const [ms, text] of rows) it(`${ms} -> ${text}`, () => assert.equal(formatDuration(ms), text));
});

describe('progressLine', () => {
  const rows: Array<[string, ApplyEvent, string | undefined]> = [
    ['started', { type: 'started', ...label }, '[3/7] Server web-1: creating...'],
    ['waiting', { type: 'waiting', status: 'status BUILD', ...label }, '[3/7] Server web-1: creating... status BUILD'],
    ['done with a status', { type: 'done', result: result({ cloudStatus: 'ACTIVE' }), ...label }, '[3/7] Server web-1: creating... ACTIVE (12.3s)'],
    ['done without one', { type: 'done', result: result({ durationMs: 40 }), ...label }, '[3/7] Server web-1: creating... done (40ms)'],
    ['done with a warning', { type: 'done', result: result({ cloudStatus: 'ERROR', warnings: ['kept in a failed state'] }), ...label },
      '[3/7] Server web-1: creating... ERROR (12.3s) — kept in a failed state'],
    ['retained', { type: 'done', result: result({ action: 'delete', retained: true }), ...label, action: 'delete' }, '[3/7] Server web-1: kept in the cloud (deletionPolicy: Retain)'],
    ['failed', { type: 'failed', result: result({ status: 'failed', message: 'No valid host was found.', durationMs: 3100 }), ...label },
      '[3/7] Server web-1: creating... FAILED (3.1s): No valid host was found.'],
    ['skipped', { type: 'skipped', result: result({ status: 'skipped', message: 'not attempted: Volume data failed' }), ...label },
      '[3/7] Server web-1: skipped: not attempted: Volume data failed'],
    ['retrying', { type: 'retrying', attempt: 2, delayMs: 1000, message: 'busy (HTTP 503)', ...label, action: 'delete' },
      '[3/7] Server web-1: deleting... retrying (attempt 2) in 1.0s: busy (HTTP 503)'],
  ];
  for (const [name, event, line] of rows) it(name, () => assert.equal(progressLine(event), line));
});

describe('stillRunningLine', () => {
  it('says how long', () => assert.equal(stillRunningLine(label, 95_000), '[3/7] Server web-1: creating... still running (1m35s)'));
});

describe('summaryLines', () => {
  const apply = (results: ResourceResult[]): ApplyResult => ({ ok: results.every((r) => r.status === 'done'), results, durationMs: 14_200 });
  it('a clean apply counts what it did; noops are not counted', () => {
    assert.deepEqual(summaryLines(apply([
      result({}), result({ name: 'web-2' }), result({ kind: 'Volume', name: 'v', action: 'update' }), result({ name: 'x', action: 'noop' }),
    ]), 'Apply'), ['Apply complete: 2 created, 1 updated (took 14.2s).']);
  });
  it('imports are counted (taking an object over is a change of owner)', () => {
    assert.deepEqual(summaryLines(apply([result({ action: 'import' }), result({ kind: 'Volume', name: 'v', action: 'import' }), result({ name: 'y', action: 'update' })]), 'Apply'),
      ['Apply complete: 2 imported, 1 updated (took 14.2s).']);
  });
  it('nothing at all', () => assert.deepEqual(summaryLines(apply([result({ action: 'noop' })]), 'Apply'), ['Apply complete: nothing changed (took 14.2s).']));
  it('failures and skips are listed with the cloud message and request id; retained counts as kept', () => {
    const lines = summaryLines(apply([
      result({ kind: 'Volume', name: 'data', status: 'failed', message: 'Quota exceeded (HTTP 413 on POST /volumes)', requestId: 'req-9' }),
      result({ status: 'skipped', message: 'not attempted: Volume data failed' }),
      result({ kind: 'Flavor', name: 'f' }),
      result({ kind: 'Keypair', name: 'k', action: 'noop', retained: true }),
      result({ name: 'odd', warnings: ['recreated after the first build failed: boom'] }),
    ]), 'Apply');
    assert.deepEqual(lines, [
      'Apply failed: 1 failed, 1 skipped; 2 created, 1 kept (took 14.2s).',
      '  ✗ Volume data (create): Quota exceeded (HTTP 413 on POST /volumes) [request req-9]',
      '  - Server web-1 (create): not attempted: Volume data failed',
      '  ! Server odd: recreated after the first build failed: boom',
    ]);
  });
  it('does not repeat a request id the message already quotes', () => {
    const lines = summaryLines(apply([result({ status: 'failed', message: 'x (HTTP 400 on POST /servers, request req-1)', requestId: 'req-1' })]), 'Destroy');
    assert.equal(lines[1], '  ✗ Server web-1 (create): x (HTTP 400 on POST /servers, request req-1)');
  });
});
