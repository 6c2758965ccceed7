import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventually } from '../../helpers/engine-harness.ts';
import { createActiveServer, showServer, startActionsEngine, waitForStatus } from '../compute/servers/actions/action-fixtures.ts';

describe('topology and moves across a restart', () => {
  it('keeps added and silent hosts, re-registers a deleted control service, and finishes a live migration', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-topology-'));
    try {
      const first = await startActionsEngine({ dataDir, config: { hosts: ['compute-1'], faults: { buildDelayMs: 300 } } });
      let serverId: string;
      let target: string;
      try {
        const admin = await first.login('admin');
        assert.equal((await admin.post('/novaform/v1/hosts', { name: 'added-1', vcpus: 8 })).status, 201);
        await admin.post('/novaform/v1/hosts', { name: 'silent-1', down: true });
        assert.equal((await admin.delete('/v2.1/os-services/2')).status, 204);
        serverId = (await createActiveServer(admin)).id;
        const source = (await showServer(admin, serverId))['OS-EXT-SRV-ATTR:host'];
        target = source === 'compute-1' ? 'added-1' : 'compute-1';
        assert.equal((await admin.post(`/v2.1/servers/${serverId}/action`, { 'os-migrateLive': { host: target, block_migration: 'auto' } }, '2.68')).status, 202);
        assert.equal((await showServer(admin, serverId)).status, 'MIGRATING');
      } finally {
        await first.close();
      }

      const second = await startActionsEngine({ dataDir, config: { hosts: ['compute-1'], faults: { buildDelayMs: 30 } } });
      try {
        const admin = await second.login('admin');
        const services = (await admin.get('/v2.1/os-services')).body.services;
        const control = services.filter((s: any) => s.host === 'controller').map((s: any) => [s.binary, s.id]);
        // The conductor came back as a new row, with a new id.
        assert.equal(control[0][0], 'nova-scheduler');
        assert.equal(control[0][1], 1);
        assert.equal(control[1][0], 'nova-conductor');
        assert.ok(control[1][1] > 5);
        const byHost = new Map(services.map((s: any) => [s.host, s]));
        assert.equal((byHost.get('added-1') as any).state, 'up');
        assert.equal((byHost.get('silent-1') as any).state, 'down');
        const done = await waitForStatus(admin, serverId, 'ACTIVE');
        await eventually(async () => second.engine.context.store.migrations.find((m) => m.serverId === serverId && m.status === 'completed'));
        assert.equal(done['OS-EXT-SRV-ATTR:host'], target);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
