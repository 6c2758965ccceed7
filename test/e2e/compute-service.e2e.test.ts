import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listComputeServices } from '../../provider/resources/compute-service/compute-service-api.ts';
import { doc, type RunOutcome } from '../cli/commands/apply-cli-kit.ts';
import { openServiceKit, type ServiceKit } from '../provider/resources/compute-service/compute-service-kit.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';

/**
 * ComputeService end to end (issue 16): an operator's host maintenance as
 * a manifest, with the real `novaform` as a child process, on the engine
 * and on the real Zed (NOVAFORM_TEST_CLOUD; its fake driver live-migrates).
 * The servers are booted on compute-1 by the test as admin, outside the
 * stack: a drain moves every project's servers, not only the stack's.
 * Forcing a host down and evacuating it runs on the engine only: the real
 * Zed refuses to force a host up again while `done` evacuations remain, so
 * its compute-1 would stay down for the suites after this one.
 */
describe('a ComputeService manifest: host maintenance', { timeout: 900_000 }, () => {
  const host = 'compute-1';
  let kit: ServiceKit;
  let root: string;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  const run = (command: string, ...args: string[]): Promise<RunOutcome> => spawnCli([command, ...cloudArgs, ...args, dir], { cwd: dir, env });
  const ok = (out: RunOutcome) => assert.equal(out.code, 0, out.stdout + out.stderr);
  const write = (spec: string) => writeFile(join(dir, 'stack.yaml'), doc('ComputeService', host, spec));
  const service = async () => (await listComputeServices(kit.admin)).find((s) => s.host === host)!;
  /** The engine's topology API (not OpenStack): a host's heartbeats stop or start again. */
  const setHostDown = (down: boolean) => kit.admin.compute.put(`${kit.cloud.engine!.engine.url}/novaform/v1/hosts/${host}`, { down });

  before(async () => {
    kit = await openServiceKit('e2e');
    p = kit.prefix;
    root = await mkdtemp(join(tmpdir(), 'novaform-service-'));
    dir = join(root, 'project');
    ({ env, cloudArgs } = cliTarget(kit.cloud, root));
    await mkdir(dir);
    await writeFile(join(dir, 'novaform.yaml'), `stack: ${p}\n`);
  });
  after(async () => {
    if (dir) await run('destroy', '--yes');
    await kit?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('refuses forcedDown without fenced, and evacuate without forcedDown, at validation', async () => {
    await write('forcedDown: true\nevacuate: true');
    const out = await spawnCli(['validate', dir], { cwd: dir, env });
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout + out.stderr, /stack\.yaml:\d+:\d+: error: spec\.forcedDown: forcedDown: true needs fenced: true/);
    await write('evacuate: true');
    const evacuate = await spawnCli(['validate', dir], { cwd: dir, env });
    assert.match(evacuate.stdout + evacuate.stderr, /spec\.evacuate: evacuate: true needs forcedDown: true/);
  });

  it('drain: live plans each server and where it may go, empties the host, then disables it with the reason', async () => {
    const servers = [await kit.boot('a', { host }), await kit.boot('b', { host })];
    const others = await kit.otherHosts(host);
    await write(`enabled: false\ndisabledReason: ${p} kernel upgrade\ndrain: live`);
    const planned = await run('plan', '--output', 'json');
    ok(planned);
    const action = (JSON.parse(planned.stdout) as { actions: Array<{ kind: string; action: string; dataLoss: boolean; changes: Array<{ path: string; from: unknown; to: unknown; apply: string }> }> }).actions[0]!;
    assert.deepEqual([action.kind, action.action, action.dataLoss], ['ComputeService', 'update', false]);
    const moves = action.changes.filter((c) => c.apply === 'migrate');
    assert.deepEqual(moves.map((c) => c.path).sort(), servers.map((id, i) => `spec.drain.servers[${JSON.stringify(`${p}-${'ab'[i]} ${id}`)}]`).sort());
    for (const move of moves) assert.deepEqual([move.from, move.to], [host, `${others.join(' or ')} (live migration; the scheduler picks)`]);
    assert.deepEqual(action.changes.filter((c) => c.apply === 'update').map((c) => [c.path, c.to]), [['spec.enabled', false], ['spec.disabledReason', `${p} kernel upgrade`]]);
    const text = await run('plan');
    assert.match(text.stdout, new RegExp(`~ update ComputeService ${host} \\(.+\\)\\n\\s+spec\\.drain\\.servers\\["${p}-a ${servers[0]}"\\]: ${host} -> "${others.join(' or ')} \\(live migration; the scheduler picks\\)" \\(migrate\\)\\n\\s+spec\\.drain\\.servers\\["${p}-b`));

    const applied = await run('apply', '--yes');
    ok(applied);
    for (const [i, id] of servers.entries()) {
      const to = await kit.serverHost(id);
      assert.ok(to !== null && others.includes(to), `${id} went to ${to}`);
      assert.match(applied.stdout, new RegExp(`\\n\\s+${p}-${'ab'[i]} \\(${id}\\): ${host} -> ${to} \\(live-migration \\d+, completed\\)`));
      const { body } = await kit.admin.compute.get('/os-migrations', { query: { instance_uuid: id } });
      const migration = (body.migrations as Array<{ migration_type: string; status: string; source_compute: string; dest_compute: string }>)[0]!;
      assert.deepEqual([migration.migration_type, migration.status, migration.source_compute, migration.dest_compute], ['live-migration', 'completed', host, to]);
    }
    const after = await service();
    assert.deepEqual([after.enabled, after.disabledReason], [false, `${p} kernel upgrade`]);
    const drift = await run('drift');
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    for (const id of servers) await kit.deleteServer(id);
  });

  it('enabled: true in the manifest puts the host back into service', async () => {
    await write('enabled: true');
    const planned = await run('plan');
    assert.match(planned.stdout, /spec\.enabled: false -> true\n/);
    ok(await run('apply', '--yes'));
    assert.equal((await service()).enabled, true);
  });

  it('drain: cold migrates and confirms each server, then disables the host', async () => {
    const server = await kit.boot('c', { host });
    await write(`enabled: false\ndrain: cold`);
    const planned = await run('plan', '--output', 'json');
    ok(planned);
    const move = (JSON.parse(planned.stdout) as { actions: Array<{ changes: Array<{ path: string; to: unknown; apply: string }> }> }).actions[0]!.changes.find((c) => c.apply === 'migrate')!;
    assert.match(String(move.to), /\(cold migration; the scheduler picks\)$/);
    const applied = await run('apply', '--yes');
    ok(applied);
    const to = await kit.serverHost(server);
    assert.ok(to !== null && to !== host, `the server is on ${to}`);
    assert.match(applied.stdout, new RegExp(`\\(${server}\\): ${host} -> ${to} \\(migration \\d+, confirmed\\)`));
    const { body } = await kit.admin.compute.get(`/servers/${server}`);
    assert.equal(body.server.status, 'ACTIVE', 'confirmed, not left in VERIFY_RESIZE');
    assert.equal((await service()).enabled, false);
    await kit.deleteServer(server);
    await write('enabled: true');
    ok(await run('apply', '--yes'));
  });

  it("a server that cannot move stops the drain with Nova's reason, and the host stays enabled", async () => {
    const group = await kit.group('stuck', 'affinity');
    const members = [await kit.boot('g1', { host, group }), await kit.boot('g2', { host, group })];
    await write(`enabled: false\ndisabledReason: ${p} maintenance\ndrain: live`);
    const out = await run('apply', '--yes');
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout + out.stderr, new RegExp(`${p}-g\\d \\(.+\\) could not move off ${host} \\(live-migration\\), so ${host} is left enabled\\. Nova says: No valid host was found`));
    assert.equal((await service()).enabled, true, 'the drain failed before the host was disabled');
    for (const id of members) assert.equal(await kit.serverHost(id), host);
    for (const id of members) await kit.deleteServer(id);
    await write('enabled: true');
    ok(await run('apply', '--yes'));
  });

  it('on the engine: a host taken down, forced down (fenced), is evacuated; the plan flags the data loss', { skip: process.env.NOVAFORM_TEST_CLOUD ? 'the real Zed cannot force a host up again while done evacuations remain' : false }, async () => {
    const servers = [await kit.boot('e1', { host }), await kit.boot('e2', { host })];
    await setHostDown(true);
    await write(`enabled: false\ndisabledReason: ${p} host failure\nforcedDown: true\nfenced: true\nevacuate: true`);
    const planned = await run('plan');
    ok(planned);
    assert.match(planned.stdout, /spec\.forcedDown: false -> true\n/);
    assert.match(planned.stdout, new RegExp(`spec\\.evacuate\\.servers\\["${p}-e1 ${servers[0]}"\\]: ${host} -> ".* \\(evacuation: rebuilt from its image, what is not on a volume or shared storage is lost; the scheduler picks\\)" \\(evacuate\\)`));
    assert.match(planned.stdout, /WARNING: data loss: ComputeService compute-1/);
    const applied = await run('apply', '--yes');
    ok(applied);
    for (const id of servers) {
      const to = await kit.serverHost(id);
      assert.ok(to !== null && to !== host, `${id} is on ${to}`);
      assert.match(applied.stdout, new RegExp(`\\(${id}\\): ${host} -> ${to} \\(evacuation`));
    }
    assert.deepEqual([(await service()).forcedDown, (await service()).enabled], [true, false]);
    for (const id of servers) await kit.deleteServer(id);
    await setHostDown(false);
    await write('enabled: true');
    ok(await run('apply', '--yes'));
    assert.deepEqual([(await service()).forcedDown, (await service()).enabled], [false, true]);
  });
});
