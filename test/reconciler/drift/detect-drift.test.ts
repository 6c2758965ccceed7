import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { driftExitCode } from '../../../reconciler/drift/drift-model.ts';
import { EMPTY_STATE } from '../../../reconciler/plan/state-view.ts';
import { eventually, type ApiClient } from '../../helpers/engine-harness.ts';
import { doc, sshPublicKey } from '../plan/plan-kit.ts';
import { openDriftKit, type DriftKit } from './drift-kit.ts';

/**
 * detectDrift over real HTTP against the engine: a small stack applied
 * with the real planner and executor, then changed behind novaform's back by another
 * client (its own token, raw compute/volume API calls), the way another
 * operator would.
 */
describe('detectDrift: a stack changed behind novaform\'s back', () => {
  let kit: DriftKit;
  let other: ApiClient;
  let prefix: string;
  const ids = new Map<string, string>();

  const server = (name: string, extra = '') => doc('Server', name, `flavor: ${prefix}-small\nimage: cirros\nnetworks: none\nmetadata: {role: web}`, extra);
  const manifests = () => ({
    'flavors.yaml': doc('Flavor', `${prefix}-small`, 'vcpus: 1\nram: 512\ndisk: 1') + '---\n' + doc('Flavor', `${prefix}-large`, 'vcpus: 2\nram: 1024\ndisk: 1'),
    // A keypair, not a volume: the WIP executor cannot create volumes yet (it asks readiness of a bare {id}).
    'keypair.yaml': doc('Keypair', `${prefix}-ops`, `publicKey: ${sshPublicKey('ops@laptop')}`),
    'aggregate.yaml': doc('Aggregate', 'fast', 'hosts: [compute-1, compute-2]\nmetadata: {ssd: "true"}'),
    'servers.yaml': [server('web-1'), server('web-2'), server('web-3', '  annotations: {novaform.io/drift: ignore}\n')].join('---\n'),
  });

  const drift = (options: { includeUnmanaged?: boolean; ignore?: string } = {}) => kit.drift(options);

  async function serverStatus(id: string, status: string): Promise<void> {
    await eventually(async () => ((await other.get(`/v2.1/servers/${id}`)).body.server.status === status ? true : undefined), 10_000);
  }

  before(async () => {
    kit = await openDriftKit('drift');
    prefix = kit.cloud.prefix;
    await kit.write(manifests());
    await kit.apply();
    for (const record of kit.state.resources()) ids.set(`${record.kind}/${record.name}`, record.cloudId);
    other = await kit.cloud.engine!.login('admin');
  });
  after(async () => kit?.close());

  it('right after the apply: in sync, every managed resource checked, nothing pending', async () => {
    const report = await drift({ includeUnmanaged: true });
    assert.equal(report.inSync, true, JSON.stringify(report.resources));
    assert.deepEqual(report.summary, { changed: 0, missing: 0, unhealthy: 0, unmanaged: 0 });
    assert.deepEqual(report.checked.map((c) => `${c.kind}/${c.name}`), [`Flavor/${prefix}-large`, `Flavor/${prefix}-small`, `Keypair/${prefix}-ops`, 'Aggregate/fast', 'Server/web-1', 'Server/web-2']);
    assert.deepEqual(report.ignored, [{ kind: 'Server', name: 'web-3', reason: 'annotation novaform.io/drift: ignore' }]);
    assert.deepEqual(report.pending, []);
  });

  it('another operator\'s changes: each in its category; the drift run only reads', async () => {
    const web1 = ids.get('Server/web-1')!;
    const web2 = ids.get('Server/web-2')!;
    // Resize web-1 to the large flavor and confirm it; add metadata to it (one key ignored by rule) and to the ignored web-3.
    assert.equal((await other.post(`/v2.1/servers/${web1}/action`, { resize: { flavorRef: ids.get(`Flavor/${prefix}-large`) } })).status, 202);
    await serverStatus(web1, 'VERIFY_RESIZE');
    assert.equal((await other.post(`/v2.1/servers/${web1}/action`, { confirmResize: null })).status, 204);
    await serverStatus(web1, 'ACTIVE');
    assert.equal((await other.post(`/v2.1/servers/${web1}/metadata`, { metadata: { owner: 'bob', 'backup-policy': 'daily' } })).status, 200);
    assert.equal((await other.post(`/v2.1/servers/${ids.get('Server/web-3')}/metadata`, { metadata: { owner: 'bob' } })).status, 200);
    // Stop web-2, delete the keypair, take a host out of the aggregate, and create a server of nobody's.
    assert.equal((await other.post(`/v2.1/servers/${web2}/action`, { 'os-stop': null })).status, 202);
    await serverStatus(web2, 'SHUTOFF');
    const ops = ids.get(`Keypair/${prefix}-ops`)!;
    assert.equal((await other.delete(`/v2.1/os-keypairs/${ops}`)).status, 202);
    assert.equal((await other.post(`/v2.1/os-aggregates/${ids.get('Aggregate/fast')}/action`, { remove_host: { host: 'compute-2' } })).status, 200);
    const created = await other.post('/v2.1/servers', { server: { name: 'hand-made', flavorRef: ids.get(`Flavor/${prefix}-small`), imageRef: (await other.get('/image/v2/images?name=cirros')).body.images[0].id, networks: 'none' } }, '2.37');
    assert.equal(created.status, 202, created.text);

    const mark = kit.requestMark();
    const report = await drift({ includeUnmanaged: true, ignore: 'Server/* spec.metadata.backup*\n' });
    const calls = kit.requestsSince(mark);
    assert.ok(calls.length > 0 && calls.length <= 12, calls.join('\n'));
    assert.deepEqual(calls.filter((c) => !c.startsWith('GET ') && c !== 'POST /v3/auth/tokens'), [], 'a drift run makes no write request');

    const by = (category: string) => report.resources.filter((r) => r.category === category).map((r) => `${r.kind}/${r.name}`);
    assert.deepEqual(by('changed'), ['Aggregate/fast', 'Server/web-1']);
    assert.deepEqual(by('missing'), [`Keypair/${prefix}-ops`]);
    assert.deepEqual(by('unhealthy'), ['Server/web-2']);
    assert.deepEqual(by('unmanaged'), ['Server/hand-made']);
    assert.deepEqual(report.summary, { changed: 2, missing: 1, unhealthy: 1, unmanaged: 1 });
    assert.equal(report.inSync, false);

    const web1Drift = report.resources.find((r) => r.name === 'web-1')!;
    assert.equal(web1Drift.id, web1);
    assert.deepEqual(web1Drift.changes, [
      { path: 'spec.flavor', desired: `${prefix}-small`, actual: `${prefix}-large`, apply: 'resize' },
      { path: 'spec.metadata.owner', desired: null, actual: 'bob', apply: 'manual' },
    ]);
    assert.deepEqual(report.resources.find((r) => r.name === 'fast')!.changes, [{ path: 'spec.hosts["compute-2"]', desired: 'compute-2', actual: null, apply: 'update' }]);
    const web2Drift = report.resources.find((r) => r.name === 'web-2')!;
    assert.match(web2Drift.message, /SHUTOFF/);
    assert.deepEqual(web2Drift.changes, [{ path: 'spec.powerState', desired: 'running', actual: 'stopped', apply: 'power' }]);
    assert.equal(report.resources.find((r) => r.category === 'missing')!.id, ops);
    assert.ok(!report.resources.some((r) => r.name === 'web-3'), 'the annotated server is not reported');
  });

  it('a server in ERROR is unhealthy with the cloud\'s fault message', async () => {
    // A flavor no host can hold: the build ends in ERROR with Nova's fault, and the apply keeps the server (onError: keep).
    await kit.write({ 'huge.yaml': doc('Flavor', `${prefix}-huge`, 'vcpus: 1\nram: 512\ndisk: 50000') + '---\n' + doc('Server', 'big', `flavor: ${prefix}-huge\nimage: cirros\nnetworks: none\nonError: keep`) });
    await kit.apply();
    const report = await drift();
    const big = report.resources.find((r) => r.name === 'big')!;
    assert.equal(big.category, 'unhealthy');
    assert.equal(big.id, kit.state.get('Server', 'big')!.cloudId);
    assert.match(big.message, /^server is ERROR: No valid host was found/);
    assert.ok(!report.resources.some((r) => r.category === 'unmanaged'), 'unmanaged objects only with includeUnmanaged');
  });

  it('a declared resource never applied is pending, not drift; a whole-resource rule ignores it', async () => {
    await kit.write({ 'new.yaml': doc('Volume', 'data-new', 'size: 1') });
    const report = await drift();
    assert.deepEqual(report.pending, [{ kind: 'Volume', name: 'data-new', id: null, action: 'create', message: 'declared but never applied: apply would create it' }]);
    assert.ok(!report.resources.some((r) => r.name === 'data-new'));
    const ignored = await drift({ ignore: '# rules\nVolume/data-* \nServer/web-? spec.metadata\n' });
    assert.deepEqual(ignored.pending, []);
    assert.deepEqual(ignored.ignored.map((i) => `${i.kind}/${i.name}`), ['Volume/data-new', 'Server/web-3']);
    await kit.write({ 'new.yaml': null });
  });
});

describe('detectDrift from a fresh checkout (no state store)', () => {
  let kit: DriftKit;
  let other: ApiClient;
  let prefix: string;

  before(async () => {
    kit = await openDriftKit('fresh');
    prefix = kit.cloud.prefix;
    const server = (name: string) => doc('Server', name, `flavor: ${prefix}-small\nimage: cirros\nkeypair: ${prefix}-ops\nnetworks: none`);
    await kit.write({
      'base.yaml': doc('Flavor', `${prefix}-small`, 'vcpus: 1\nram: 512\ndisk: 1') + '---\n' + doc('Keypair', `${prefix}-ops`, `publicKey: ${sshPublicKey('ops@laptop')}`),
      'servers.yaml': [server('web-1'), server('web-2')].join('---\n'),
    });
    await kit.apply();
    other = await kit.cloud.engine!.login('admin');
  });
  after(async () => kit?.close());

  it('before anything changed: in sync with an empty state view; the stack\'s own objects are not unmanaged', async () => {
    const report = await kit.drift({ state: EMPTY_STATE, includeUnmanaged: true });
    assert.equal(report.inSync, true, JSON.stringify(report.resources));
    assert.deepEqual(report.checked.map((c) => `${c.kind}/${c.name}`), [`Flavor/${prefix}-small`, `Keypair/${prefix}-ops`, 'Server/web-1', 'Server/web-2']);
    assert.deepEqual(report.pending, []);
  });

  it('a server deleted behind novaform\'s back with a direct API call is missing, and drift exits 2', async () => {
    const web2 = kit.state.get('Server', 'web-2')!.cloudId;
    assert.equal((await other.delete(`/v2.1/servers/${web2}`)).status, 204);
    await eventually(async () => ((await other.get(`/v2.1/servers/${web2}`)).status === 404 ? true : undefined), 10_000);

    const report = await kit.drift({ state: EMPTY_STATE, includeUnmanaged: true });
    assert.equal(report.inSync, false);
    assert.equal(driftExitCode(report), 2);
    assert.deepEqual(report.resources.map((r) => [r.category, r.kind, r.name, r.id]), [['missing', 'Server', 'web-2', null]]);
    assert.match(report.resources[0]!.message, new RegExp(`^server 'web-2' of stack '${kit.stack}' \\(applied: 3 cloud objects carry the stack's stamp\\) is gone from the cloud`));
    assert.deepEqual(report.summary, { changed: 0, missing: 1, unhealthy: 0, unmanaged: 0 });
    assert.deepEqual(report.pending, []);

    // With the state store the answer is the same, and names the id it recorded.
    const withState = await kit.drift();
    assert.deepEqual(withState.resources.map((r) => [r.category, r.name, r.id]), [['missing', 'web-2', web2]]);
  });

  it('a stack never applied in this cloud is pending and in sync, although another stack was applied here', async () => {
    // Other names: the applied stack's flavor, keypair and servers are not this stack's to declare.
    await kit.write({ 'base.yaml': null, 'servers.yaml': doc('Flavor', `${prefix}-tiny`, 'vcpus: 1\nram: 256\ndisk: 1') + '---\n' + doc('Volume', 'scratch', 'size: 1') });
    const report = await kit.drift({ state: EMPTY_STATE, stack: 'never-applied', includeUnmanaged: true });
    assert.equal(report.inSync, true, JSON.stringify(report.resources));
    assert.equal(driftExitCode(report), 0);
    assert.deepEqual(report.pending.map((p) => `${p.action} ${p.kind}/${p.name}`), [`create Flavor/${prefix}-tiny`, 'create Volume/scratch']);
  });
});
