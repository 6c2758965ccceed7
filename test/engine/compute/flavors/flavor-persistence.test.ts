import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestEngine } from '../../../helpers/engine-harness.ts';

describe('flavor persistence', () => {
  it('keeps a created flavor, its extra specs, access and description across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-flavors-'));
    try {
      const first = await startTestEngine({ dataDir });
      const admin = await first.login('admin');
      const demo = await first.login('demo');
      await admin.post('/v2.1/flavors', { flavor: { name: 'kept', ram: 1024, vcpus: 2, disk: 10, id: 'keep', description: 'stays', 'os-flavor-access:is_public': false } }, '2.55');
      await admin.post('/v2.1/flavors/keep/os-extra_specs', { extra_specs: { 'hw:cpu_policy': 'dedicated' } });
      await admin.post('/v2.1/flavors/keep/action', { addTenantAccess: { tenant: demo.projectId } });
      await admin.post('/v2.1/flavors', { flavor: { name: 'dropped', ram: 64, vcpus: 1, disk: 0, id: 'drop' } });
      await admin.delete('/v2.1/flavors/drop');
      await first.close();

      const second = await startTestEngine({ dataDir });
      try {
        const admin2 = await second.login('admin');
        const demo2 = await second.login('demo');
        const flavor = (await admin2.get('/v2.1/flavors/keep', '2.61')).body.flavor;
        assert.equal(flavor.name, 'kept');
        assert.equal(flavor.ram, 1024);
        assert.equal(flavor.description, 'stays');
        assert.deepEqual(flavor.extra_specs, { 'hw:cpu_policy': 'dedicated' });
        assert.equal(flavor['os-flavor-access:is_public'], false);
        assert.deepEqual((await admin2.get('/v2.1/flavors/keep/os-flavor-access')).body.flavor_access, [{ flavor_id: 'keep', tenant_id: demo2.projectId }]);
        assert.equal((await demo2.get('/v2.1/flavors/keep')).status, 200);
        assert.equal((await admin2.get('/v2.1/flavors/drop')).status, 404);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
