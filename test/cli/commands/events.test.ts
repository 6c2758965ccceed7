import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ControllerEvent } from '../../../controller/controller-model.ts';
import { backendUnderTestEnv } from '../../helpers/backend-under-test.ts';
import { REPO } from './apply-cli-kit.ts';
import { openControllerCliKit, type ControllerCliKit } from './controller-cli-kit.ts';

/**
 * `novaform events` as a real process over the events.jsonl the store
 * writes: text and JSON lines, --since and --limit, and --follow printing
 * an event appended while it runs, then stopping on SIGTERM with exit 0.
 */
describe('novaform events', () => {
  let kit: ControllerCliKit;
  before(async () => { kit = await openControllerCliKit('events'); });
  after(async () => kit?.close());

  const at = (s: number) => `2026-01-01T10:00:${String(s).padStart(2, '0')}.000Z`;

  it('nothing stored: a one-line error with the hint to start a controller', async () => {
    const out = await kit.run(['events', 'infra']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /^novaform: no controller events for stack 'shop' \(nothing in .*\); start one with: novaform watch infra\n$/);
  });

  it('text lines TIME LEVEL REASON KEY MESSAGE; JSON lines; --since; --limit', async () => {
    await kit.store.appendEvent({ time: at(1), level: 'info', reason: 'Started', message: 'watching infra' });
    await kit.store.appendEvent({ time: at(2), level: 'warn', reason: 'ApprovalNeeded', key: 'Server/web-1', message: 'resize\nwaits for approval' });
    await kit.store.appendEvent({ time: at(3), level: 'error', reason: 'Failed', key: 'Volume/data', message: 'HTTP 400: Invalid input' });
    const text = await kit.run(['events']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, [
      `${at(1)} info  Started          - watching infra`,
      `${at(2)} warn  ApprovalNeeded   Server/web-1 resize waits for approval`,
      `${at(3)} error Failed           Volume/data HTTP 400: Invalid input`,
      '',
    ].join('\n'));
    const json = await kit.run(['events', '--output', 'json', '--since', '1']);
    const events = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as ControllerEvent);
    assert.deepEqual(events.map((e) => [e.seq, e.reason, e.key]), [[2, 'ApprovalNeeded', 'Server/web-1'], [3, 'Failed', 'Volume/data']]);
    const limited = await kit.run(['events', '--limit', '1']);
    assert.match(limited.stdout, /^2026-01-01T10:00:03\.000Z error Failed {11}Volume\/data /);
    assert.equal(limited.stdout.split('\n').length, 2);
    assert.equal((await kit.run(['events', '--since', '3'])).stdout, '', 'nothing newer: no lines, exit 0');
  });

  it('--follow prints events appended while it runs, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'novaform.js'), 'events', '--follow', '--limit', '1', '-o', 'json'], {
      cwd: kit.dir, env: { PATH: process.env.PATH ?? '', HOME: kit.dir, NO_COLOR: '1', ...backendUnderTestEnv() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let seen: () => void = () => undefined;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      seen();
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ControllerEvent);
    const until = async (count: number) => {
      while (lines().length < count) await new Promise<void>((resolve) => { seen = resolve; });
    };
    try {
      await until(1);
      assert.deepEqual(lines().map((e) => e.seq), [3], '--limit 1: the newest stored event first');
      await kit.store.appendEvent({ time: at(4), level: 'info', reason: 'Approved', key: 'Server/web-1', message: 'by cli:ops@host' });
      await kit.store.appendEvent({ time: at(5), level: 'info', reason: 'Applied', key: 'Server/web-1', message: 'resized to m1.large' });
      await until(3);
      assert.deepEqual(lines().map((e) => `${e.seq} ${e.reason}`), ['3 Failed', '4 Approved', '5 Applied']);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.equal(lines().length, 3, 'nothing printed twice');
  });

  it('errors: bad --since, --limit, --output: exit 1, one line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['events', '--since=-1'], /^novaform: --since: expected an integer >= 0, got '-1'\n$/],
      [['events', '--limit', '0'], /^novaform: --limit: expected an integer >= 1, got '0'\n$/],
      [['events', '--output', 'xml'], /^novaform: --output: expected text or json, got 'xml'\n$/],
    ];
    for (const [args, expected] of cases) {
      const out = await kit.run(args);
      assert.equal(out.code, 1, args.join(' '));
      assert.match(out.stderr, expected);
    }
  });
});
