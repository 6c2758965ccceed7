import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { doc, openCliKit, type CliKit } from './apply-cli-kit.ts';
import { holdStackLock, stackLockHeld } from '../../helpers/backend-under-test.ts';

/**
 * `novaform apply` in-process against the engine: the gates (validation,
 * confirmation, quota, the lock, saved plans) and the output.
 */

const FLAVOR = doc('Flavor', 'c.small', 'vcpus: 1\nram: 256\ndisk: 1');
const SERVER = (name: string, extra = '') => doc('Server', name, `flavor: c.small\nimage: cirros\nnetworks: none\n${extra}`);

describe('novaform apply', { skip: !!process.env.NOVAFORM_TEST_CLOUD && 'reads the engine request log' }, () => {
  let kit: CliKit;
  before(async () => {
    kit = await openCliKit('cli-apply');
    await kit.write({ 'novaform.yaml': 'stack: cli\n', 'flavor.yaml': FLAVOR, 'web.yaml': SERVER('web') });
  });
  after(async () => { await kit.close(); });

  it('usage errors exit 2', async () => {
    assert.equal((await kit.run('apply', [])).code, 2);
    assert.equal((await kit.run('apply', ['.', '--parallelism', '0'])).code, 2);
    assert.equal((await kit.run('apply', ['.', '--bogus'])).code, 2);
  });

  it('an invalid manifest set applies nothing: no plan, no write to the cloud, the lock released', async () => {
    await kit.write({ 'broken.yaml': doc('Server', 'bad', 'flavor: c.small\nimage: cirros\nnetworks: none\npowerState: sideways') });
    try {
      const mark = kit.mark();
      const out = await kit.run('apply', ['.', '--yes']);
      assert.equal(out.code, 1);
      assert.match(out.stderr, /broken\.yaml:\d+:\d+/);
      assert.match(out.stderr, /nothing was applied/);
      assert.equal(out.stdout, '', 'no plan shown');
      // The cloud's listings may have been read while the manifests loaded (loadBesideSession); nothing else.
      assert.deepEqual(kit.writesSince(mark), []);
    } finally {
      await kit.write({ 'broken.yaml': null });
    }
    assert.equal(await stackLockHeld(kit.dir, 'cli', kit.env), false, 'the stack is not left locked');
  });

  it('off a terminal without --yes it refuses, and changes nothing', async () => {
    const mark = kit.mark();
    const out = await kit.run('apply', ['.']);
    assert.equal(out.code, 1);
    assert.match(out.stdout, /\+ create Server web/, 'the plan is shown first');
    assert.match(out.stderr, /use --yes when not on a terminal/);
    assert.deepEqual(kit.writesSince(mark), []);
  });

  it('on a terminal, anything but "yes" cancels', async () => {
    const mark = kit.mark();
    const out = await kit.run('apply', ['.'], { tty: true, stdin: 'y\n' });
    assert.equal(out.code, 1);
    assert.match(out.stdout, /Only 'yes' will be accepted/);
    assert.match(out.stderr, /apply cancelled; nothing was changed/);
    assert.deepEqual(kit.writesSince(mark), []);
  });

  it('the quota pre-flight stops a plan that does not fit, naming the quota', async () => {
    const { projectId } = kit.cloud.admin;
    await kit.cloud.admin.compute.put(`/os-quota-sets/${projectId}`, { quota_set: { instances: 1 } });
    await kit.write({ 'more.yaml': `${SERVER('web-2')}---\n${SERVER('web-3')}` });
    const mark = kit.mark();
    const out = await kit.run('apply', ['.', '--yes']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /quota: the plan needs 3 instances but project admin has 1 left \(limit 1, in use 0\) — for Server web, Server web-2, Server web-3/);
    assert.match(out.stderr, /nothing was changed/);
    assert.deepEqual(kit.writesSince(mark), []);
    await kit.write({ 'more.yaml': null });
    await kit.cloud.admin.compute.put(`/os-quota-sets/${projectId}`, { quota_set: { instances: 10 } });
  });

  it('"yes" on a terminal applies, with progress and a summary', async () => {
    const out = await kit.run('apply', ['.'], { tty: true, stdin: 'yes\n' });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /\[1\/2\] Flavor c\.small: creating\.\.\./);
    assert.match(out.stdout, /\[2\/2\] Server web: creating\.\.\. ACTIVE \(\d+(\.\d)?m?s\)/);
    assert.match(out.stdout, /Apply complete: 2 created/);
    const { body } = await kit.cloud.admin.compute.get('/servers/detail');
    assert.deepEqual(body.servers.map((s: { name: string; status: string }) => [s.name, s.status]), [['web', 'ACTIVE']]);
  });

  it('a second apply with nothing to do says so and changes nothing', async () => {
    const mark = kit.mark();
    const out = await kit.run('apply', ['.', '--yes']);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /No changes/);
    assert.match(out.stdout, /Nothing to apply/);
    assert.deepEqual(kit.writesSince(mark), []);
  });

  it('fails clearly while another process holds the stack', async () => {
    const lock = await holdStackLock(kit.dir, 'cli', 'novaform apply (the other one)', kit.env);
    try {
      const out = await kit.run('apply', ['.', '--yes']);
      assert.equal(out.code, 1);
      assert.match(out.stderr, /stack 'cli' is locked by pid \d+ on host .* \(novaform apply \(the other one\)/);
      assert.match(out.stderr, /--lock-wait/);
      const waited = kit.run('apply', ['.', '--yes', '--lock-wait', '5']);
      setTimeout(() => { void lock.release(); }, 300);
      const second = await waited;
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /is locked by pid .*; waiting up to 5s/);
    } finally {
      await lock.release();
    }
  });

  it('applies exactly a saved plan, and refuses one the cloud has moved past', async () => {
    await kit.write({ 'web.yaml': SERVER('web', 'metadata:\n  owner: team-a') });
    // Plans are saved outside the manifest directory: the loader reads every .json file in it.
    const planned = await kit.run('plan', ['.', '--out', '../change.json']);
    assert.equal(planned.code, 0, planned.stderr);
    const applied = await kit.run('apply', ['../change.json']);
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    assert.match(applied.stdout, /Apply complete: 1 updated/);

    await kit.write({ 'web.yaml': SERVER('web', 'metadata:\n  owner: team-b') });
    assert.equal((await kit.run('plan', ['.', '--out', '../stale.json'])).code, 0);
    const { body } = await kit.cloud.admin.compute.get('/servers/detail');
    await kit.cloud.admin.compute.post(`/servers/${body.servers[0].id}/metadata`, { metadata: { owner: 'someone-else' } });
    const mark = kit.mark();
    const refused = await kit.run('apply', ['../stale.json']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to apply \.\.\/stale\.json: the cloud changed since the plan was made: Server web changed in the cloud; run plan again/);
    assert.deepEqual(kit.writesSince(mark), []);

    await kit.write({ 'web.yaml': SERVER('web', 'metadata:\n  owner: team-c') });
    const edited = await kit.run('apply', ['../stale.json']);
    assert.equal(edited.code, 1);
    assert.match(edited.stderr, /the manifests changed since the plan was made: web\.yaml \(changed\)/);
  });

  it('a failed step exits 1 and the summary carries the cloud\'s message', async () => {
    await kit.write({ 'vol.yaml': doc('Volume', 'bad-vol', 'size: 1\nvolumeType: no-such-type') });
    const out = await kit.run('apply', ['.', '--yes']);
    assert.equal(out.code, 1);
    assert.match(out.stdout, /Volume bad-vol: creating\.\.\. FAILED/);
    assert.match(out.stdout, /Apply failed: 1 failed, 0 skipped; 1 updated/);
    assert.match(out.stdout, /✗ Volume bad-vol \(create\): .*no-such-type.*request req-/);
    await kit.write({ 'vol.yaml': null });
  });
});
