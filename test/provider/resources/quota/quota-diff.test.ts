import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quotaHandler } from '../../../../provider/resources/quota/quota-handler.ts';
import { limitOfPath, limitPath } from '../../../../provider/resources/quota/quota-keys.ts';
import type { QuotaObserved } from '../../../../provider/resources/quota/quota-observed.ts';
import { UnsupportedChangeError } from '../../../../provider/resources/types.ts';

const noRefs = () => { throw new Error('a quota refers to nothing'); };
const context = (lastApplied?: unknown) => ({ computeAtLeast: () => true, ...(lastApplied !== undefined ? { lastApplied } : {}) });
const project: QuotaObserved = {
  id: 'p1', name: 'team-a',
  compute: { values: { instances: { limit: 10, used: 3 }, cores: { limit: 20, used: 6 }, key_pairs: { limit: 100, used: 0 } }, defaults: { instances: 10, cores: 20, key_pairs: 100 } },
  blockStorage: { values: { volumes: { limit: 10, used: 2 }, gigabytes_ssd: { limit: -1, used: 40 } }, defaults: { volumes: 10, gigabytes_ssd: -1 } },
};
const spec = (manifest: Parameters<typeof quotaHandler.fromManifest>[1]) => quotaHandler.fromManifest('team-a', manifest, noRefs);

describe('Quota diff', () => {
  it('names each limit that changes, old -> new, by its manifest path', () => {
    const changes = quotaHandler.diff(spec({ compute: { instances: 20, cores: 20 }, blockStorage: { volumeTypes: { ssd: { gigabytes: 500 } } } }), project, context());
    assert.deepEqual(changes.map((c) => [c.path, c.from, c.to, c.apply]), [
      ['spec.compute.instances', 10, 20, 'update'],
      ['spec.blockStorage.volumeTypes["ssd"].gigabytes', -1, 500, 'update'],
    ]);
  });

  it('refuses a limit below usage, naming it; unlimited and a limit equal to usage are fine', () => {
    assert.throws(() => quotaHandler.diff(spec({ compute: { instances: 2 } }), project, context()),
      (e: unknown) => e instanceof UnsupportedChangeError && e.path === 'spec.compute.instances' && /2 is below the project's usage: 3 in use/.test(e.message));
    assert.deepEqual(quotaHandler.diff(spec({ compute: { instances: 3, cores: -1 } }), project, context()).map((c) => c.to), [3, -1]);
  });

  it('a limit set before and named no more goes back to its default; limits never named are left alone', () => {
    const observed: QuotaObserved = { ...project, compute: { ...project.compute!, values: { ...project.compute!.values, key_pairs: { limit: 5, used: 0 }, cores: { limit: 64, used: 6 } } } };
    const lastApplied = spec({ compute: { instances: 10, keyPairs: 5 } });
    const changes = quotaHandler.diff(spec({ compute: { instances: 10 } }), observed, context(lastApplied));
    assert.deepEqual(changes.map((c) => [c.path, c.from, c.to]), [['spec.compute.keyPairs', 5, 100]]);
  });

  it('a quota the service does not have (a volume type that does not exist) is an error', () => {
    assert.throws(() => quotaHandler.diff(spec({ blockStorage: { volumeTypes: { nvme: { volumes: 1 } } } }), project, context()), /block storage service has no quota 'volumes_nvme' \(is the volume type there\?\)/);
  });

  it('block-storage limits on a cloud without Cinder are an error; compute limits alone plan', () => {
    const noCinder: QuotaObserved = { id: 'p1', name: 'team-a', compute: project.compute!, blockStorageMissing: 'no volume endpoint' };
    assert.throws(() => quotaHandler.diff(spec({ blockStorage: { volumes: 1 } }), noCinder, context()), /block storage quotas cannot be read \(no volume endpoint\)/);
    assert.equal(quotaHandler.diff(spec({ compute: { instances: 11 } }), noCinder, context()).length, 1);
  });

  it('manifest paths and quota keys map both ways', () => {
    for (const [service, key] of [['compute', 'server_group_members'], ['volume', 'volumes'], ['volume', 'snapshots_fast_ssd']] as const) {
      assert.deepEqual(limitOfPath(limitPath(service, key)), { service, key });
    }
  });

  it('the pre-flight sees the limits a manifest sets, by quota resource', () => {
    assert.deepEqual(quotaHandler.quotaLimits!(spec({ compute: { instances: 4, metadataItems: 9 }, blockStorage: { gigabytes: 50 } }), project), { projectId: 'p1', limits: { instances: 4, gigabytes: 50 } });
  });

  it('describes a project as the manifest of its limits that differ from the defaults', () => {
    const observed: QuotaObserved = { ...project, compute: { ...project.compute!, values: { ...project.compute!.values, cores: { limit: 64, used: 6 } } }, blockStorage: { ...project.blockStorage!, values: { ...project.blockStorage!.values, gigabytes_ssd: { limit: 500, used: 40 } } } };
    assert.deepEqual(quotaHandler.toManifest!(observed, () => undefined), { name: 'team-a', spec: { compute: { cores: 64 }, blockStorage: { volumeTypes: { ssd: { gigabytes: 500 } } } }, notes: [] });
  });
});
