import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { resizeWaiting, resource, statusDoc, T0 } from '../../controller/status-fixture.ts';
import { fakeController, openControllerCliKit, serveStatus, type ControllerCliKit } from './controller-cli-kit.ts';

/**
 * `novaform approve` as a real process: it grants exactly the fingerprint
 * the controller's status (stored, or live from a real HTTP server) shows
 * for each key, and refuses keys with nothing waiting, bad keys and
 * unknown paths without granting anything.
 */
describe('novaform approve', () => {
  let kit: ControllerCliKit;
  const deleteWaiting = resource('Volume', 'data', 'ApprovalNeeded', {
    action: 'delete',
    approval: { action: 'delete', reasons: ['delete', 'data loss'], changes: [], fingerprint: `sha256:${'d'.repeat(64)}`, since: T0 },
  });
  const by = `cli:${userInfo().username}@${hostname()}`;

  before(async () => { kit = await openControllerCliKit('approve'); });
  after(async () => kit?.close());
  beforeEach(async () => {
    for (const approval of await kit.store.approvals()) await kit.store.consumeApproval(approval.key);
    await kit.store.writeStatus(statusDoc('shop', [resource('Keypair', 'ops', 'Ready'), resizeWaiting(), deleteWaiting]));
  });

  it('grants the waiting change with its fingerprint and who approved it', async () => {
    const out = await kit.run(['approve', 'Server/web-1', 'infra', 'Volume/data']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'approved Server/web-1: resize (spec.flavor m1.small -> m1.large)\napproved Volume/data: delete, data loss\n');
    assert.match(out.stderr, /does not answer from here .*\nnovaform: the controller applies the approval when it runs again, if the change is still the same\n$/);
    const approvals = (await kit.store.approvals()).sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(approvals.map((a) => [a.key, a.fingerprint, a.by]), [
      ['Server/web-1', `sha256:${'a'.repeat(64)}`, by],
      ['Volume/data', `sha256:${'d'.repeat(64)}`, by],
    ]);
    assert.ok(!Number.isNaN(Date.parse(approvals[0]!.approvedAt)));
  });

  it('a key with nothing waiting: an error listing what waits, and nothing is granted', async () => {
    const out = await kit.run(['approve', 'Server/web-1', 'Keypair/ops']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /\nnovaform: Keypair\/ops has no change waiting for approval; waiting: Server\/web-1 \(resize\), Volume\/data \(delete, data loss\)\n$/);
    assert.equal(out.stdout, '');
    assert.deepEqual(await kit.store.approvals(), []);
    if (kit.folder) assert.deepEqual(await readdir(join(kit.folder, 'approvals')).catch(() => []), []);
  });

  it('bad keys and paths: one-line errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['approve'], /^novaform: approve needs at least one KIND\/NAME/],
      [['approve', 'infra'], /^novaform: approve needs at least one KIND\/NAME/],
      [['approve', 'Server/'], /^novaform: 'Server\/': expected KIND\/NAME with a manifest name after the '\/', e\.g\. Server\/web-1\n$/],
      [['approve', 'Server/ web'], /^novaform: 'Server\/ web': expected KIND\/NAME/],
      [['approve', 'server/web-1'], /^novaform: 'server\/web-1': unknown kind 'server'; did you mean Server\/web-1\?\n$/],
      [['approve', 'Gadget/x'], /^novaform: 'Gadget\/x' is neither KIND\/NAME \(KIND one of .*Server.*\) nor an existing path\n$/],
    ];
    for (const [args, expected] of cases) {
      const out = await kit.run(args);
      assert.equal(out.code, 1, args.join(' '));
      assert.match(out.stderr, expected);
    }
    assert.deepEqual(await kit.store.approvals(), []);
  });

  it('live: the fingerprint comes from the running controller, not from an older status.json', async () => {
    const newer = resizeWaiting();
    const live = statusDoc('shop', [{ ...newer, approval: { ...newer.approval!, fingerprint: `sha256:${'b'.repeat(64)}` } }]);
    const controller = await fakeController(serveStatus(live));
    try {
      await kit.store.writeStatus(statusDoc('shop', [resizeWaiting()], { url: controller.url }));
      const out = await kit.run(['approve', 'Server/web-1']);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stderr, '');
      assert.deepEqual((await kit.store.approvals()).map((a) => a.fingerprint), [`sha256:${'b'.repeat(64)}`]);
      assert.deepEqual(controller.requests, ['GET /status']);
    } finally {
      await controller.close();
    }
  });
});
