import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFaults } from '../../../engine/faults/fault-routes.ts';
import { KIND_MODULES } from '../../../provider/resources/registry.ts';
import { applyPlan } from '../../../reconciler/apply/apply-plan.ts';
import type { ApplyResult } from '../../../reconciler/apply/apply-types.ts';
import { planStack } from '../../../reconciler/plan/plan-stack.ts';
import { openDriftKit, type DriftKit } from '../drift/drift-kit.ts';
import { sshPublicKey } from '../plan/plan-kit.ts';

/**
 * The safe-create rule through the real planner and executor, for every
 * kind: the engine's `lostResponses` knob processes a create in full and
 * then drops the connection (the fault a real proxy or network makes:
 * the object exists, the client never hears of it). The run that lost the
 * answer does not send the create again; the next run finds the object
 * (by its stamp, or by the journal's evidence for kinds stamped after
 * create or not at all) and the cloud ends with exactly one of each.
 */

const WAIT = { minIntervalMs: 20, maxIntervalMs: 200, timeoutMs: 60_000 };

describe('creates whose answer is lost, for every kind', () => {
  let kit: DriftKit;
  const n = (name: string) => `${kit.stack}-${name}`;

  before(async () => {
    kit = await openDriftKit('lost');
    await kit.write({
      'stack.yaml': [
        `apiVersion: novaform/v1\nkind: Flavor\nmetadata: {name: ${'FLAVOR'}}\nspec: {vcpus: 1, ram: 256, disk: 1, extraSpecs: {'hw:cpu_policy': shared}}`,
        `apiVersion: novaform/v1\nkind: Keypair\nmetadata: {name: KEY}\nspec: {publicKey: '${sshPublicKey()}'}`,
        `apiVersion: novaform/v1\nkind: Volume\nmetadata: {name: VOLUME}\nspec: {size: 1, metadata: {role: data}}`,
        `apiVersion: novaform/v1\nkind: Aggregate\nmetadata: {name: AGGREGATE}\nspec: {metadata: {tier: gold}}`,
        `apiVersion: novaform/v1\nkind: ServerGroup\nmetadata: {name: GROUP}\nspec: {policy: anti-affinity}`,
        `apiVersion: novaform/v1\nkind: Server\nmetadata: {name: SERVER}\nspec: {flavor: FLAVOR, image: cirros, keypair: KEY, serverGroup: GROUP, networks: none, volumes: [{volume: VOLUME}]}`,
      ].join('\n---\n').replace(/FLAVOR|KEY|VOLUME|AGGREGATE|GROUP|SERVER/g, (word) => n(word.toLowerCase())),
    });
  });
  after(async () => kit?.close());

  const run = async (): Promise<ApplyResult> => {
    const loaded = await kit.load();
    assert.deepEqual(loaded.errors, []);
    const executable = await planStack({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: kit.stack, clients: kit.api, state: kit.state, cloudName: 'test', createGraceMs: 0 });
    return applyPlan(executable, { state: kit.state, wait: WAIT, retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 100 } });
  };
  const posts = (mark: number, path: RegExp) => kit.requestsSince(mark).filter((r) => r.startsWith('POST ') && path.test(r.slice(5))).length;
  // The kinds that create their objects (a Quota or a ComputeService configures what the cloud made).
  const named = async () => Object.fromEntries(await Promise.all(KIND_MODULES.filter((module) => !module.configures).map(async (module) =>
    [module.kind, (await module.listAll(kit.api)).filter((o: { name?: string }) => typeof o.name === 'string' && o.name.startsWith(kit.stack)).length] as const)));

  it('the run that lost the answers sends each create once, and journals the outcome as unknown', async () => {
    setFaults(kit.cloud.engine!.engine.context, {
      lostResponses: ['/flavors', '/os-keypairs', '/volumes', '/os-aggregates', '/os-server-groups'].map((path) => ({ method: 'POST', path, count: 1 })),
    });
    const mark = kit.requestMark();
    const result = await run();
    setFaults(kit.cloud.engine!.engine.context, { lostResponses: [] });
    const byKind = Object.fromEntries(result.results.map((r) => [r.kind, r]));
    for (const kind of ['Flavor', 'Keypair', 'Volume', 'Aggregate', 'ServerGroup']) {
      assert.equal(byKind[kind]!.status, 'failed', kind);
      assert.match(byKind[kind]!.message!, /outcome is unknown/, kind);
    }
    assert.equal(byKind.Server!.status, 'skipped');
    for (const path of [/^\/v2\.1\/flavors$/, /^\/v2\.1\/os-keypairs$/, /\/volumes$/, /^\/v2\.1\/os-aggregates$/, /^\/v2\.1\/os-server-groups$/]) assert.equal(posts(mark, path), 1, String(path));
    assert.equal(kit.state.journal().filter((e) => e.status === 'unknown').length, 5);
    assert.deepEqual(await named(), { Flavor: 1, Keypair: 1, Volume: 1, Aggregate: 1, ServerGroup: 1, Server: 0 }, 'every lost create did make its object');
  });

  it('the next run adopts them (stamp or journal) instead of creating again; a lost server create is adopted by the run after', async () => {
    setFaults(kit.cloud.engine!.engine.context, { lostResponses: [{ method: 'POST', path: '/servers', count: 1 }] });
    const mark = kit.requestMark();
    const second = await run();
    setFaults(kit.cloud.engine!.engine.context, { lostResponses: [] });
    const byKind = Object.fromEntries(second.results.map((r) => [r.kind, r]));
    for (const kind of ['Flavor', 'Keypair', 'Volume', 'Aggregate', 'ServerGroup']) assert.equal(byKind[kind]!.status, 'done', `${kind}: ${byKind[kind]!.message}`);
    assert.equal(byKind.Server!.status, 'failed');
    assert.match(byKind.Server!.message!, /outcome is unknown/);
    assert.equal(posts(mark, /^\/v2\.1\/(flavors|os-keypairs|os-aggregates|os-server-groups)$|\/volumes$/), 0, 'nothing created twice');
    assert.equal(posts(mark, /^\/v2\.1\/servers$/), 1);

    const third = await run();
    assert.ok(third.results.every((r) => r.status === 'done'), JSON.stringify(third.results));
    assert.deepEqual(await named(), { Flavor: 1, Keypair: 1, Volume: 1, Aggregate: 1, ServerGroup: 1, Server: 1 }, '0 duplicates');
    // The runs that adopted them settled the creates left unknown: done, with the id of the object they made.
    assert.deepEqual(kit.state.journal().filter((e) => e.status === 'unknown' || e.status === 'started'), []);
    const serverCreates = kit.state.journal().filter((e) => e.kind === 'Server' && e.operation === 'create');
    assert.deepEqual(serverCreates.map((e) => [e.status, e.cloudId]), [['done', kit.state.get('Server', n('server'))!.cloudId]]);

    const loaded = await kit.load();
    const final = await planStack({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: kit.stack, clients: kit.api, state: kit.state, cloudName: 'test' });
    assert.deepEqual(final.plan.actions.filter((a) => a.action !== 'noop').map((a) => `${a.action} ${a.kind}/${a.name}: ${JSON.stringify(a.changes)}`), [], 'in sync');
    const group = (await kit.api.compute.get(`/os-server-groups/${kit.state.get('ServerGroup', n('group'))!.cloudId}`)).body.server_group;
    assert.deepEqual(group.members, [kit.state.get('Server', n('server'))!.cloudId], 'the server is the group\'s member');
  });
});
