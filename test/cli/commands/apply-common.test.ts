import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CliError } from '../../../cli/cli-error.ts';
import { confirm, positiveInt, progressPrinter, type ApplyIo } from '../../../cli/commands/apply-common.ts';
import type { ResourceResult, StepLabel } from '../../../reconciler/apply/apply-types.ts';

function io(options: { stdin?: string; tty?: boolean } = {}): ApplyIo & { out: () => string } {
  let text = '';
  const stdin = Readable.from(options.stdin !== undefined ? [options.stdin] : []) as Readable & { isTTY?: boolean };
  stdin.isTTY = options.tty ?? false;
  return { stdout: { write: (t: string) => { text += t; return true; } }, stderr: { write: () => true }, stdin, env: {}, cwd: '/', out: () => text };
}

describe('confirm', () => {
  it('--yes needs no question', async () => {
    const x = io();
    assert.equal(await confirm(x, 'Apply?', true), true);
    assert.equal(x.out(), '');
  });
  it('off a terminal it refuses with the way out', async () => {
    await assert.rejects(confirm(io({ stdin: 'yes\n' }), 'Apply?', false), (e: unknown) => e instanceof CliError && e.exitCode === 1 && /use --yes when not on a terminal/.test(e.message));
  });
  const rows: Array<[string | undefined, boolean]> = [['yes\n', true], ['  yes  \n', true], ['y\n', false], ['YES\n', false], ['\n', false], [undefined, false]];
  for (const [answer, expected] of rows) {
    it(`on a terminal, ${JSON.stringify(answer)} -> ${expected}`, async () => {
      const x = io({ stdin: answer, tty: true });
      assert.equal(await confirm(x, 'Apply?', false), expected);
      assert.match(x.out(), /Apply\?\n  Only 'yes' will be accepted: /);
    });
  }
});

describe('progressPrinter', () => {
  it('prints each event and a heartbeat for steps still running', async () => {
    const x = io();
    const label: StepLabel = { index: 1, total: 2, kind: 'Server', name: 'slow', action: 'create' };
    const result: ResourceResult = { kind: 'Server', name: 'slow', action: 'create', status: 'done', cloudStatus: 'ACTIVE', warnings: [], attempts: 1, durationMs: 60 };
    const printer = progressPrinter(x, 20);
    try {
      printer.onProgress({ type: 'started', ...label });
      await new Promise((r) => setTimeout(r, 70));
      printer.onProgress({ type: 'done', result, ...label });
      const beats = x.out().split('\n').filter((l) => l.includes('still running')).length;
      assert.ok(beats >= 1, x.out());
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(x.out().split('\n').filter((l) => l.includes('still running')).length, beats, 'no heartbeat once done');
      assert.match(x.out(), /^\[1\/2\] Server slow: creating\.\.\.\n/);
      assert.match(x.out(), /\[1\/2\] Server slow: creating\.\.\. ACTIVE \(60ms\)\n$/);
    } finally {
      printer.stop();
    }
  });
});

describe('positiveInt', () => {
  it('defaults, parses, refuses', () => {
    assert.equal(positiveInt('parallelism', undefined, 4, 1), 4);
    assert.equal(positiveInt('parallelism', '8', 4, 1), 8);
    assert.throws(() => positiveInt('parallelism', '0', 4, 1), /--parallelism: expected an integer >= 1, got '0'/);
    assert.throws(() => positiveInt('lock-wait', '1.5', 0, 0), CliError);
  });
});
