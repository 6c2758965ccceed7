import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli } from '../../e2e/e2e-kit.ts';

/** `novaform watch` over several projects refuses, in one line, what replicas cannot do. No cloud is contacted. */
describe('novaform watch over several projects: refusals', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novaform-watch-replicas-cli-'));
    for (const name of ['one', 'two']) {
      await mkdir(join(dir, 'stacks', name), { recursive: true });
      await writeFile(join(dir, 'stacks', name, 'novaform.yaml'), `stack: ${name}\n`);
    }
    env = { HOME: dir, NO_COLOR: '1' };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('on the files backend: replicas need PostgreSQL (exit 1, one line)', async () => {
    const out = await spawnCli(['watch', '--no-listen', 'stacks'], { cwd: dir, env });
    assert.equal(out.code, 1, out.stderr);
    assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
    assert.match(out.stderr, /the paths hold 2 projects \(one, two\) and their state backend is files: replicas need PostgreSQL; run one novaform watch per stack/);
  });

  it('projects naming different backends, or --stack, are refused', async () => {
    await writeFile(join(dir, 'stacks', 'one', 'novaform.yaml'), 'stack: one\nbackend: postgres://novaform@127.0.0.1:1/a\n');
    const mixed = await spawnCli(['watch', '--no-listen', 'stacks'], { cwd: dir, env });
    assert.equal(mixed.code, 1, mixed.stderr);
    assert.match(mixed.stderr, /name different state backends: replicas share one/);
    const stack = await spawnCli(['watch', '--no-listen', '--stack', 'one', 'stacks'], { cwd: dir, env });
    assert.equal(stack.code, 1, stack.stderr);
    assert.match(stack.stderr, /--stack names one stack, but the paths hold 2 projects/);
  });
});
