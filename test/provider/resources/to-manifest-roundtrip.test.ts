import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { isNotFound } from '../../../provider/openstack/errors.ts';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { isStampChange } from '../../../provider/resources/ownership.ts';
import { kindModule, KIND_NAMES } from '../../../provider/resources/registry.ts';
import { createServerHandler } from '../../../provider/resources/server/server-handler.ts';
import { isDescribed, referenceNamer, type NameableObject } from '../../../provider/resources/to-manifest.ts';
import type { Kind } from '../../../provider/resources/types.ts';
import { waitFor } from '../../../provider/resources/wait.ts';
import { loadManifests } from '../../../reconciler/manifests/index.ts';
import { manifestDigests } from '../../../reconciler/plan/manifest-digests.ts';
import { planStack } from '../../../reconciler/plan/plan-stack.ts';
import { stateOf } from '../../../reconciler/plan/state-view.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { sshPublicKey, TEST_WAITS } from './server/server-cloud-kit.ts';

/**
 * The property `toManifest` exists for, end to end over real HTTP: objects
 * made through the cloud API as another client would (no novaform stamp),
 * read with each kind's `read`, described with `toManifest`, wrapped into
 * manifests with `import: {id}`, loaded by the real loader and planned by
 * the real planner: every step is an `import` whose only changes are the
 * stamp of taking the object over.
 *
 * Runs on the engine by default, and on a real cloud with
 * NOVAFORM_TEST_CLOUD=<clouds.yaml entry> (everything named with the
 * file's prefix and removed afterwards).
 */

const servers = createServerHandler(TEST_WAITS);

interface Made {
  flavor: string;
  keypair: string;
  volume: string;
  aggregate: string;
  group: string;
  running: string;
  stopped: string;
}

async function ignoreNotFound(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function untilStatus(api: Clients, id: string, status: string): Promise<void> {
  await waitFor(() => servers.read(api, id), (s) => (s.status === status && !s.taskState ? { state: 'ready' }
    : s.status === 'ERROR' ? { state: 'failed', reason: s.fault?.message ?? 'ERROR' } : { state: 'pending', retryAfterMs: 200, reason: s.status }),
  { ...TEST_WAITS, what: `server ${id} ${status}` });
}

async function untilVolume(api: Clients, id: string, status: string): Promise<void> {
  await waitFor(async () => (await api.volume.get(`/volumes/${id}`)).body.volume as { status: string },
    (v) => (v.status === status ? { state: 'ready' } : v.status.startsWith('error') ? { state: 'failed', reason: v.status } : { state: 'pending', retryAfterMs: 200, reason: v.status }),
    { ...TEST_WAITS, what: `volume ${id} ${status}` });
}

async function bootServer(api: Clients, body: Record<string, unknown>, hints?: Record<string, unknown>): Promise<string> {
  const { body: created } = await api.compute.post('/servers', { server: body, ...(hints ? { 'os:scheduler_hints': hints } : {}) });
  return String(created.server.id);
}

/** Everything the test made, in the order that lets each delete succeed. */
async function cleanup(cloud: TestCloud, made: Partial<Made>): Promise<void> {
  const api = cloud.admin;
  for (const id of [made.running, made.stopped]) {
    if (!id) continue;
    const observed = await servers.read(api, id);
    if (observed) await servers.delete(api, observed);
  }
  if (made.volume) {
    const id = made.volume;
    await ignoreNotFound(async () => {
      // Nova frees a deleted server's volumes a moment after the server is gone.
      await untilVolume(api, id, 'available');
      const observed = await kindModule('Volume').read(api, id);
      if (observed) await kindModule('Volume').delete(api, observed);
    });
  }
  for (const [kind, id] of [['Keypair', made.keypair], ['ServerGroup', made.group], ['Aggregate', made.aggregate], ['Flavor', made.flavor]] as const) {
    if (!id) continue;
    const observed = await kindModule(kind).read(api, id);
    if (observed) await kindModule(kind).delete(api, observed);
  }
}

describe('toManifest round trip: import plans without field changes', () => {
  let cloud: TestCloud;
  let dir: string;
  const made: Partial<Made> = {};

  before(async () => {
    cloud = await openTestCloud({ name: 'toman' });
    dir = await mkdtemp(join(tmpdir(), 'novaform-toman-'));
  });

  after(async () => {
    try {
      await cleanup(cloud, made);
    } finally {
      await cloud.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('describes every kind so that importing it changes nothing but its stamp', async () => {
    const api = cloud.admin;
    const p = cloud.prefix;

    // Flavor: private, with extra specs, a description and access for two projects.
    const { body: flavor } = await api.compute.post('/flavors', { flavor: { name: `${p}-flavor`, vcpus: 1, ram: 256, disk: 1, swap: 64, 'os-flavor-access:is_public': false, description: 'made by hand' } });
    made.flavor = String(flavor.flavor.id);
    await api.compute.post(`/flavors/${made.flavor}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1' } });
    for (const project of new Set([api.projectId, cloud.demo.projectId])) {
      await api.compute.post(`/flavors/${made.flavor}/action`, { addTenantAccess: { tenant: project } });
    }

    // Keypair: a plain public key with a comment of its own.
    made.keypair = `${p}-key`;
    await api.compute.post('/os-keypairs', { keypair: { name: made.keypair, public_key: sshPublicKey(), type: 'ssh' } });

    // Volume: size, description, metadata; the cloud's default type and zone.
    const { body: volume } = await api.volume.post('/volumes', { volume: { size: 1, name: `${p}-data`, description: 'scratch', metadata: { tier: 'db', backup: 'daily' } } });
    made.volume = String(volume.volume.id);
    await untilVolume(api, made.volume, 'available');

    // Aggregate: a zone, a host and metadata.
    const { body: aggregate } = await api.compute.post('/os-aggregates', { aggregate: { name: `${p}-agg`, availability_zone: `${p}-az` } });
    made.aggregate = String(aggregate.aggregate.id);
    await api.compute.post(`/os-aggregates/${made.aggregate}/action`, { add_host: { host: 'compute-2' } });
    await api.compute.post(`/os-aggregates/${made.aggregate}/action`, { set_metadata: { metadata: { ssd: 'true' } } });

    // Server group: anti-affinity with a rule (2.64).
    const { body: group } = await api.compute.post('/os-server-groups', { server_group: { name: `${p}-spread`, policy: 'anti-affinity', rules: { max_server_per_host: 2 } } });
    made.group = String(group.server_group.id);

    // Servers: one running in the group with metadata, tags and the volume; one stopped.
    const { body: images } = await api.image.get('/images', { query: { name: 'cirros' } });
    const cirros = String(images.images[0].id);
    made.running = await bootServer(api, {
      name: `${p}-web`, flavorRef: made.flavor, imageRef: cirros, key_name: made.keypair, networks: 'none',
      metadata: { role: 'web' }, tags: ['blue', 'web'], description: 'front end',
    }, { group: made.group });
    made.stopped = await bootServer(api, { name: `${p}-idle`, flavorRef: made.flavor, imageRef: cirros, networks: 'none' });
    await untilStatus(api, made.running, 'ACTIVE');
    await untilStatus(api, made.stopped, 'ACTIVE');
    await api.compute.post(`/servers/${made.running}/os-volume_attachments`, { volumeAttachment: { volumeId: made.volume } });
    await untilVolume(api, made.volume, 'in-use');
    await api.compute.post(`/servers/${made.stopped}/action`, { 'os-stop': null });
    await untilStatus(api, made.stopped, 'SHUTOFF');

    // Names as the cloud's listings give them; images by their own listing.
    const listings: Partial<Record<Kind | 'Image', NameableObject[]>> = {};
    for (const kind of KIND_NAMES) listings[kind] = (await kindModule(kind).listAll(api)) as NameableObject[];
    listings.Image = ((await api.image.get('/images')).body.images as Array<{ id: string; name: string | null }>).map((i) => ({ id: i.id, name: i.name }));
    const names = referenceNamer(listings);

    const objects: Array<[Kind, string]> = [
      ['Flavor', made.flavor], ['Keypair', made.keypair], ['Volume', made.volume], ['Aggregate', made.aggregate],
      ['ServerGroup', made.group], ['Server', made.running], ['Server', made.stopped],
    ];
    const documents: Record<string, unknown>[] = [];
    const described: Record<string, { spec: Record<string, unknown>; notes: readonly string[] }> = {};
    for (const [kind, id] of objects) {
      const module = kindModule(kind);
      const observed = await module.read(api, id);
      assert.ok(observed, `${kind} ${id} reads back`);
      const d = module.toManifest!(observed, names);
      assert.ok(isDescribed(d), `${kind} ${id}: ${JSON.stringify(d)}`);
      described[`${kind}/${d.name}`] = { spec: d.spec, notes: d.notes };
      documents.push({ apiVersion: 'novaform/v1', kind, metadata: { name: d.name }, spec: { ...d.spec, import: { id } } });
    }

    // What the specs say, read like hand-written manifests (defaults and stamps left out).
    assert.deepEqual(described[`Flavor/${p}-flavor`]!.spec, {
      vcpus: 1, ram: 256, disk: 1, swap: 64, isPublic: false, description: 'made by hand',
      extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1' }, access: [...new Set([api.projectId, cloud.demo.projectId])].sort(),
    });
    assert.deepEqual(Object.keys(described[`Keypair/${p}-key`]!.spec), ['publicKey']);
    const data = described[`Volume/${p}-data`]!.spec;
    assert.deepEqual([data.size, data.description, data.metadata], [1, 'scratch', { backup: 'daily', tier: 'db' }]);
    assert.deepEqual(described[`Aggregate/${p}-agg`]!.spec, { availabilityZone: `${p}-az`, hosts: ['compute-2'], metadata: { ssd: 'true' } });
    assert.deepEqual(described[`ServerGroup/${p}-spread`]!.spec, { policy: 'anti-affinity', rules: { maxServerPerHost: 2 } });
    const web = described[`Server/${p}-web`]!.spec;
    assert.deepEqual([web.flavor, web.image, web.keypair, web.serverGroup, web.networks, web.metadata, web.tags, web.description, web.volumes, web.powerState],
      [`${p}-flavor`, 'cirros', `${p}-key`, `${p}-spread`, 'none', { role: 'web' }, ['blue', 'web'], 'front end', [{ volume: `${p}-data` }], undefined]);
    assert.equal(described[`Server/${p}-idle`]!.spec.powerState, 'stopped');

    await writeFile(join(dir, 'imported.yaml'), documents.map((doc) => stringify(doc)).join('---\n'));
    const loaded = await loadManifests(['.'], { cwd: dir });
    assert.deepEqual(loaded.errors, []);
    const plan = await planStack({
      documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: `${p}-stack`, clients: api, state: stateOf([]),
      cloudName: 'test', manifestDigests: await manifestDigests(loaded.files, dir),
    });
    const steps = plan.plan.actions.map((a) => ({ step: `${a.kind}/${a.name}`, action: a.action, changes: a.changes.filter((c) => !isStampChange(c)).map((c) => c.path) }));
    assert.deepEqual(steps.map((s) => s.step).sort(), documents.map((doc) => `${doc.kind}/${(doc.metadata as { name: string }).name}`).sort());
    assert.deepEqual(steps.filter((s) => s.action !== 'import' || s.changes.length > 0), [], 'every step is an import without field changes');
  });
});
