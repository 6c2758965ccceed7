import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openControllerCliKit, type ControllerCliKit } from './controller-cli-kit.ts';

/**
 * `novaform suspend` and `novaform resume` as real processes: the marker
 * file the controller watches, written and removed, with who and why;
 * both work with no controller running.
 */
describe('novaform suspend / resume', () => {
  let kit: ControllerCliKit;
  before(async () => { kit = await openControllerCliKit('suspend'); });
  after(async () => kit?.close());

  it('suspend writes who and why; again keeps the first; resume removes it; again says so', async () => {
    const out = await kit.run(['suspend', 'infra', '--reason', 'maintenance window']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "suspended stack 'shop': its controller changes nothing until: novaform resume infra\n");
    const marker = await kit.store.suspended();
    assert.equal(marker?.by, `cli:${userInfo().username}@${hostname()}`);
    assert.equal(marker?.reason, 'maintenance window');
    if (kit.folder) assert.match(await readFile(join(kit.folder, 'suspended.json'), 'utf8'), /^\{\n {2}"at": "/);

    const again = await kit.run(['suspend', '--reason', 'other']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /^stack 'shop' is already suspended \(since .* by cli:.*: maintenance window\)\n$/);
    assert.equal((await kit.store.suspended())?.reason, 'maintenance window');

    const resumed = await kit.run(['resume']);
    assert.equal(resumed.code, 0);
    assert.equal(resumed.stdout, "resumed stack 'shop'\n");
    assert.equal(await kit.store.suspended(), undefined);
    assert.equal((await kit.run(['resume', 'infra'])).stdout, "stack 'shop' is not suspended\n");
  });

  it('--stack names another stack of the project; a bad one is a one-line error', async () => {
    const out = await kit.run(['suspend', '--stack', 'blue']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "suspended stack 'blue': its controller changes nothing until: novaform resume --stack blue\n");
    assert.equal(await kit.store.suspended(), undefined, 'stack shop is untouched');
    assert.equal((await kit.run(['resume', '--stack', 'blue'])).stdout, "resumed stack 'blue'\n");
    const bad = await kit.run(['resume', '--stack', '../up']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^novaform: --stack: '\.\.\/up' is not a valid stack name/);
    assert.equal(bad.stderr.split('\n').length, 2);
  });
});
