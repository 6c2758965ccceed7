import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiated } from '../../../../provider/openstack/microversion.ts';
import { serviceApiProblem } from '../../../../provider/resources/compute-service/compute-service-api.ts';
import { isFailedMigration, toComputeService, toHostServer, toMigration } from '../../../../provider/resources/compute-service/compute-service-observed.ts';
import { eventsReason, INSTANCE_ACTION } from '../../../../provider/resources/compute-service/move-failure.ts';

/** The pure parts, with bodies as real Zed (2.93) answered them. */

const RANGE = { min: { major: 2, minor: 1 }, max: { major: 2, minor: 93 } };

describe('toComputeService', () => {
  it('a disabled, forced-down service of real Zed', () => {
    assert.deepEqual(toComputeService({
      binary: 'nova-compute', host: 'compute-1', id: 'c79953cf-3875-4dd0-b171-9cd2f87d8e6d', zone: 'nova', status: 'disabled',
      state: 'down', updated_at: '2026-12-07T05:22:35.981004', disabled_reason: 'svcapi probe', forced_down: true,
    }), {
      id: 'c79953cf-3875-4dd0-b171-9cd2f87d8e6d', host: 'compute-1', zone: 'nova', enabled: false, disabledReason: 'svcapi probe',
      forcedDown: true, up: false, updatedAt: '2026-12-07T05:22:35.981004',
    });
  });

  it('an enabled one: no reason, never reported yet', () => {
    const s = toComputeService({ id: 'u', host: 'h', zone: 'nova', status: 'enabled', state: 'up', updated_at: null, disabled_reason: null, forced_down: false });
    assert.deepEqual([s.enabled, s.disabledReason, s.up, s.updatedAt], [true, null, true, null]);
  });

  it('an integer id (below 2.53) is refused', () => {
    assert.throws(() => toComputeService({ id: 7, host: 'h' }), /not a 2\.53\+ service/);
  });
});

describe('serviceApiProblem', () => {
  it('none from 2.53', () => {
    assert.equal(serviceApiProblem(negotiated('compute', { major: 2, minor: 53 }, RANGE)), undefined);
    assert.equal(serviceApiProblem(negotiated('compute', { major: 2, minor: 93 }, RANGE)), undefined);
  });

  it('one line naming what is in use, what the cloud offers and what is needed', () => {
    assert.equal(serviceApiProblem(negotiated('compute', { major: 2, minor: 52 }, { ...RANGE, max: { major: 2, minor: 52 } })),
      'compute 2.52 is in use (the cloud offers up to 2.52); ComputeService needs 2.53 (service uuids, PUT /os-services/{id})');
    assert.match(serviceApiProblem(undefined)!, /^no compute microversion was negotiated/);
  });
});

describe('toHostServer and toMigration', () => {
  it('a server of another project, flavor embedded (2.47+), with its group', () => {
    const server = toHostServer({
      id: 's1', name: 'web', status: 'ACTIVE', tenant_id: 'p2', 'OS-EXT-SRV-ATTR:host': 'compute-2', 'OS-EXT-STS:task_state': null,
      flavor: { original_name: 'svcapi-tiny', vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0 },
    }, new Map([['s1', ['g1']]]));
    assert.deepEqual(server, {
      id: 's1', name: 'web', status: 'ACTIVE', taskState: null, projectId: 'p2', host: 'compute-2',
      flavor: { name: 'svcapi-tiny', vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0 }, serverGroups: ['g1'],
    });
    assert.deepEqual(toHostServer({ id: 's2', flavor: { id: '1' } }, new Map()).serverGroups, []);
    assert.equal('serverGroups' in toHostServer({ id: 's3' }), false);
  });

  it('a failed live migration of real Zed: no destination', () => {
    const m = toMigration({
      id: 3, uuid: 'm-uuid', source_compute: 'compute-2', dest_compute: null, instance_uuid: 's1', status: 'error',
      migration_type: 'live-migration', created_at: '2026-12-07T05:22:20.000000', updated_at: '2026-12-07T05:22:20.000000',
    });
    assert.deepEqual(m, {
      id: '3', uuid: 'm-uuid', serverId: 's1', type: 'live-migration', status: 'error', sourceHost: 'compute-2', destHost: null,
      createdAt: '2026-12-07T05:22:20.000000', updatedAt: '2026-12-07T05:22:20.000000',
    });
    assert.equal(isFailedMigration(m.status), true);
    for (const ok of ['completed', 'confirmed', 'done', 'finished', 'running']) assert.equal(isFailedMigration(ok), false, ok);
    for (const bad of ['error', 'failed', 'cancelled']) assert.equal(isFailedMigration(bad), true, bad);
  });
});

describe('eventsReason', () => {
  const tracebackOnly = { event: 'conductor_live_migrate_instance', result: 'Error', traceback: 'Traceback (most recent call last):\n  ...\n    raise result\n' };

  it('the failed event\'s details (2.84+), as real Zed records a cold migration with no valid host', () => {
    assert.equal(eventsReason([
      { event: 'cold_migrate', result: 'Error', details: 'No valid host was found. No valid host found for cold migrate' },
      { event: 'conductor_migrate_server', result: 'Error', details: 'No valid host was found. No valid host found for cold migrate' },
    ]), 'No valid host was found. No valid host found for cold migrate');
  });

  it('below 2.84 only the failed event is known: the traceback Zed stores has no exception line', () => {
    assert.equal(eventsReason([tracebackOnly]), 'conductor_live_migrate_instance failed (Nova shows why from compute 2.84)');
  });

  it('nothing failed: no reason', () => {
    assert.equal(eventsReason([{ event: 'compute_live_migration', result: 'Success', details: null }]), undefined);
    assert.equal(eventsReason([]), undefined);
  });

  it('the action of each migration type', () => {
    assert.deepEqual(INSTANCE_ACTION, { 'live-migration': 'live-migration', migration: 'migrate', evacuation: 'evacuate' });
  });
});
