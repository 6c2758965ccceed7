import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestDigests } from '../../../reconciler/plan/manifest-digests.ts';
import { parseSavedPlan, serializePlan, verifySavedPlan } from '../../../reconciler/plan/saved-plan.ts';
import { doc, openPlanKit, type PlanKit } from './plan-kit.ts';

/**
 * `plan --out FILE` then `apply FILE`: the saved plan (no specs, no
 * secrets) is applied only while a fresh plan is the same plan.
 */
describe('saved plans against the cloud', () => {
  let kit: PlanKit;
  const digests = async () => manifestDigests((await kit.load()).files, kit.dir);

  before(async () => {
    kit = await openPlanKit('saved');
    await kit.write({
      'stack.yaml': [
        doc('Flavor', `${kit.cloud.prefix}-f`, 'vcpus: 1\nram: 256\ndisk: 1'),
        doc('Server', 'web', `flavor: ${kit.cloud.prefix}-f\nimage: cirros\nnetworks: none\nmetadata: {role: web}\nuserData: "secret-token-123"`),
      ].join('---\n'),
    });
    await kit.apply(await kit.plan());
    await kit.write({ 'stack.yaml': (await readFile(join(kit.dir, 'stack.yaml'), 'utf8')).replace('role: web', 'role: api') });
  });
  after(async () => kit?.close());

  it('the JSON plan has the stable shape, the manifest digests and no secret', async () => {
    const { plan } = await kit.plan();
    const saved = JSON.parse(serializePlan(plan));
    assert.deepEqual(Object.keys(saved), ['version', 'stack', 'cloud', 'createdAt', 'actions', 'summary', 'manifests']);
    assert.equal(saved.version, 1);
    assert.equal(saved.stack, kit.stack);
    assert.deepEqual(Object.keys(saved.manifests), ['stack.yaml']);
    assert.match(saved.manifests['stack.yaml'], /^sha256:[0-9a-f]{64}$/);
    const web = saved.actions.find((a: { kind: string }) => a.kind === 'Server');
    assert.deepEqual(Object.keys(web), ['kind', 'name', 'id', 'action', 'dataLoss', 'changes', 'dependsOn', 'deletionPolicy', 'warnings', 'observedDigest']);
    assert.deepEqual(web.changes, [{ path: 'spec.metadata.role', from: 'web', to: 'api', apply: 'update', dataLoss: false }]);
    assert.deepEqual(Object.keys(saved.summary), ['create', 'import', 'update', 'resize', 'rebuild', 'replace', 'delete', 'noop']);
    assert.ok(!serializePlan(plan).includes('secret-token-123'));
  });

  it('a saved plan verifies against a fresh plan of the same manifests and cloud', async () => {
    const saved = parseSavedPlan(serializePlan((await kit.plan()).plan));
    assert.equal(verifySavedPlan(saved, await kit.plan(), await digests()), undefined);
  });

  it('is refused once the cloud changed (someone else touched the server)', async () => {
    const saved = parseSavedPlan(serializePlan((await kit.plan()).plan));
    const id = kit.records.get('Server/web')!.cloudId;
    await kit.api.compute.post(`/servers/${id}/metadata`, { metadata: { backup: 'daily' } });
    assert.equal(verifySavedPlan(saved, await kit.plan(), await digests()), 'the cloud changed since the plan was made: Server web changed in the cloud');
  });

  it('is refused once a manifest changed', async () => {
    const saved = parseSavedPlan(serializePlan((await kit.plan()).plan));
    await kit.write({ 'stack.yaml': (await readFile(join(kit.dir, 'stack.yaml'), 'utf8')).replace('role: api', 'role: db') });
    assert.equal(verifySavedPlan(saved, await kit.plan(), await digests()), 'the manifests changed since the plan was made: stack.yaml (changed)');
  });
});
