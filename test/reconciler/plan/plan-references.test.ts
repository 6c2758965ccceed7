import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerSpec } from '../../../provider/resources/server/server-spec.ts';
import type { VolumeSpec } from '../../../provider/resources/volume/volume-spec.ts';
import { formatPlanDiagnostic, PlanError } from '../../../reconciler/plan/plan-errors.ts';
import { eventually } from '../../helpers/engine-harness.ts';
import { doc, openPlanKit, type PlanKit } from './plan-kit.ts';

/** Two active images with one name (the engine seeds names once, so they are uploaded). */
async function createTwins(kit: PlanKit): Promise<void> {
  for (let i = 0; i < 2; i += 1) {
    const { body } = await kit.api.image.post('/images', { name: 'twin', disk_format: 'raw', container_format: 'bare' });
    await kit.api.image.put(`/images/${body.id}/file`, undefined, { rawBody: new Uint8Array(Buffer.from(`twin ${i}\n`)), headers: { 'Content-Type': 'application/octet-stream' } });
    await eventually(async () => ((await kit.api.image.get(`/images/${body.id}`)).body.status === 'active' ? true : undefined));
  }
}

async function planError(kit: PlanKit): Promise<PlanError> {
  const error = await kit.plan().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof PlanError, `expected a PlanError, got ${String(error)}`);
  return error;
}

/**
 * References: a manifest name refers to the manifest; anything else is
 * looked up in the cloud once, at plan time, and pinned by ID; and the
 * cloud is read with one listing per kind.
 */
describe('planStack: references and reads', () => {
  let kit: PlanKit;
  let images: Map<string, string[]>;
  let externalFlavor: { id: string; name: string };

  before(async () => {
    kit = await openPlanKit('refs', { quotaDefaults: { compute: { instances: 50, cores: 100 } } });
    await createTwins(kit);
    images = new Map();
    for (const image of (await kit.api.image.get('/images')).body.images as Array<{ id: string; name: string }>) {
      images.set(image.name, [...(images.get(image.name) ?? []), image.id]);
    }
    const { body } = await kit.api.compute.post('/flavors', { flavor: { name: `${kit.cloud.prefix}-ext`, vcpus: 1, ram: 256, disk: 1 } });
    externalFlavor = { id: body.flavor.id, name: body.flavor.name };
  });
  after(async () => kit?.close());

  it('pins cloud objects by id: image cirros by name, a flavor by name or id; manifest names stay references', async () => {
    await kit.write({
      'a.yaml': [
        doc('Server', 'by-name', `flavor: ${externalFlavor.name}\nimage: cirros\nnetworks: none\nvolumes: [{volume: data}]`),
        doc('Server', 'by-id', `flavor: ${externalFlavor.id}\nimage: ${images.get('twin')![0]}\nnetworks: none`),
        doc('Volume', 'data', 'size: 1\nimage: cirros'),
      ].join('---\n'),
    });
    const { plan, pinned, steps } = await kit.plan();
    const cirros = images.get('cirros')![0]!;
    assert.deepEqual(Object.fromEntries(pinned), {
      [`Flavor/${externalFlavor.name}`]: externalFlavor,
      [`Flavor/${externalFlavor.id}`]: externalFlavor,
      'Image/cirros': { id: cirros, name: 'cirros' },
      [`Image/${images.get('twin')![0]}`]: { id: images.get('twin')![0], name: 'twin' },
    });
    const resolve = (kind: string, name: string) => ({ id: kind === 'Volume' ? 'vol-123' : undefined, name });
    const spec = steps.find((s) => s.resource.name === 'by-name')!.buildSpec!(resolve) as ServerSpec;
    assert.deepEqual([spec.image, spec.flavor, spec.volumes], [cirros, externalFlavor, [{ volumeId: 'vol-123', name: 'data' }]]);
    const volume = steps.find((s) => s.resource.name === 'data')!.buildSpec!(resolve) as VolumeSpec;
    assert.equal(volume.image, cirros);
    // External objects are not steps, so nothing depends on them.
    assert.deepEqual(plan.actions.find((a) => a.name === 'by-name')!.dependsOn, [{ kind: 'Volume', name: 'data' }]);
    assert.deepEqual(plan.actions.find((a) => a.name === 'by-id')!.dependsOn, []);
  });

  it('a dependency to be created is "(known after apply)" at plan time', async () => {
    const { steps } = await kit.plan();
    const spec = steps.find((s) => s.resource.name === 'by-name')!.buildSpec!(() => ({ id: undefined, name: 'data' })) as ServerSpec;
    assert.deepEqual(spec.volumes, [{ volumeId: '(known after apply: Volume data)', name: 'data' }]);
  });

  it('an unresolvable reference is a plan error at the manifest location, with a suggestion', async () => {
    await kit.write({ 'a.yaml': doc('Server', 'web', `flavor: ${externalFlavor.name}\nimage: cirrus\nnetworks: none`) });
    const error = await planError(kit);
    assert.equal(error.diagnostics.length, 1);
    const [d] = error.diagnostics;
    assert.deepEqual([d!.code, d!.kind, d!.name, d!.path, d!.line, d!.column], ['unresolved-reference', 'Server', 'web', 'spec.image', 7, 10]);
    assert.equal(formatPlanDiagnostic(d!), `a.yaml:7:10: error: Server web: spec.image: no image named 'cirrus' (or with that ID) exists in the cloud\n  hint: did you mean 'cirros'?`);
  });

  it('an ambiguous image name is an error naming the candidate ids', async () => {
    await kit.write({ 'a.yaml': doc('Server', 'web', `flavor: ${externalFlavor.name}\nimage: twin\nnetworks: none`) });
    const [d] = (await planError(kit)).diagnostics;
    const ids = [...images.get('twin')!].sort();
    assert.equal(d!.code, 'ambiguous-reference');
    assert.equal(d!.message, `2 images are named 'twin' (${ids.join(', ')}); novaform will not guess which one is meant`);
    assert.deepEqual(d!.hints, [`refer to one by ID, e.g. ${ids[0]}`]);
  });

  it('every problem is reported at once: a missing keypair and a missing volume', async () => {
    await kit.write({ 'a.yaml': doc('Server', 'web', `flavor: ${externalFlavor.name}\nimage: cirros\nkeypair: nope\nnetworks: none\nvolumes: [{volume: gone}]`) });
    const error = await planError(kit);
    assert.deepEqual(error.diagnostics.map((d) => [d.path, d.code]), [['spec.keypair', 'unresolved-reference'], ['spec.volumes[0].volume', 'unresolved-reference']]);
  });

  it('a private flavor the stack manages: its access list is read (the listing leaves it out), and only its own', async () => {
    const name = `${kit.cloud.prefix}-private`;
    await kit.write({ 'a.yaml': doc('Flavor', name, `vcpus: 1\nram: 256\ndisk: 1\nisPublic: false\naccess: [${kit.api.projectId}]`) });
    await kit.apply(await kit.plan());
    const id = kit.records.get(`Flavor/${name}`)!.cloudId;
    const mark = kit.requestMark();
    const { plan } = await kit.plan();
    assert.deepEqual(plan.actions.map((a) => a.action), ['noop'], 'the access list matches: no grant planned');
    assert.deepEqual(kit.requestsSince(mark).filter((r) => r.includes('/flavors/') && !r.endsWith('/detail')), [`GET /v2.1/flavors/${id}/os-flavor-access`]);
    await kit.api.compute.post(`/flavors/${id}/action`, { removeTenantAccess: { tenant: kit.api.projectId } });
    const revoked = (await kit.plan()).plan.actions[0]!;
    assert.deepEqual([revoked.action, revoked.changes.map((c) => [c.path, c.to])], ['update', [[`spec.access["${kit.api.projectId}"]`, kit.api.projectId]]]);
  });

  it('reads the cloud with one listing per kind, never one GET per object', async () => {
    const servers = Array.from({ length: 12 }, (_, i) => doc('Server', `s${i}`, `flavor: ${externalFlavor.name}\nimage: cirros\nnetworks: none\nmetadata: {n: "${i}"}`));
    await kit.write({ 'a.yaml': servers.join('---\n') });
    await kit.apply(await kit.plan());
    await kit.write({ 'a.yaml': servers.map((s, i) => (i % 2 === 0 ? s.replace(`n: "${i}"`, `n: "x${i}"`) : s)).join('---\n') });
    const mark = kit.requestMark();
    const { plan } = await kit.plan();
    assert.deepEqual([plan.summary.update, plan.summary.noop], [6, 6]);
    const requests = kit.requestsSince(mark).filter((r) => !r.includes('/v3/auth'));
    assert.deepEqual(requests.sort(), [
      'GET /image/v2/images',
      'GET /v2.1/flavors/detail',
      'GET /v2.1/os-aggregates',
      'GET /v2.1/os-keypairs',
      'GET /v2.1/os-server-groups',
      'GET /v2.1/servers/detail',
      'GET /volume/v3/' + kit.api.projectId + '/volumes/detail',
    ].sort());
  });
});
