import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kindModule } from '../../provider/resources/registry.ts';
import type { ExecutablePlan, PlannedStep } from '../../reconciler/plan/executable-plan.ts';
import type { CloudSnapshot } from '../../reconciler/plan/read-cloud.ts';
import { preflightQuota } from '../../reconciler/quota-preflight.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';

/**
 * How the pre-flight sizes what a step refers to (a server's flavor): from
 * the plan's snapshot without a second GET, a flavor gone as "unknown",
 * and a failing GET as an error rather than a guess. Against the engine:
 * the failure comes from its fault knob.
 */
describe('preflightQuota sizing a server\'s flavor', { skip: !!process.env.NOVAFORM_TEST_CLOUD && 'uses the engine\'s fault knob' }, () => {
  let cloud: TestCloud;
  before(async () => { cloud = await openTestCloud({ name: 'qlookup' }); });
  after(async () => { await cloud.close(); });

  const serverCreate = (flavor: { id: string; name: string }): PlannedStep => ({
    resource: { kind: 'Server', name: 'a', id: null, action: 'create', dataLoss: false, changes: [], dependsOn: [], deletionPolicy: 'Delete', warnings: [] },
    handler: kindModule('Server'),
    owner: { stack: 'qlookup', kind: 'Server', name: 'a' },
    buildSpec: () => ({ name: 'a', flavor, image: 'img-1', networks: 'none' }),
    changes: [],
  });
  // The pre-flight reads only the steps, the pins and the clients of a plan.
  const planOf = (steps: PlannedStep[]) => ({ steps, pinned: new Map(), clients: cloud.admin }) as unknown as ExecutablePlan;
  const snapshot = (flavor: Record<string, unknown>): CloudSnapshot => ({ objects: new Map([['Flavor', [{ id: String(flavor.id), ...flavor }]]]), images: [], unavailable: {} });

  it('takes the flavor from the plan\'s snapshot instead of reading it again', async () => {
    const log = cloud.engine!.engine.requestLog;
    const before = log.length;
    const check = await preflightQuota(planOf([serverCreate({ id: 'only-in-snapshot', name: 'snap' })]), { snapshot: snapshot({ id: 'only-in-snapshot', name: 'snap', vcpus: 3, ram: 1024 }) });
    assert.deepEqual(check.warnings, []);
    assert.equal(check.demand.get('cores')?.amount, 3);
    assert.equal(check.demand.get('ram')?.amount, 1024);
    assert.deepEqual(log.slice(before).filter((r) => r.url.includes('/flavors')).map((r) => r.url), []);
  });

  it('a flavor the cloud does not know is unknown: a warning, and the server is not counted', async () => {
    const log = cloud.engine!.engine.requestLog;
    const before = log.length;
    const check = await preflightQuota(planOf([serverCreate({ id: 'no-such-flavor', name: 'gone' })]));
    assert.deepEqual(check.warnings, ['quota pre-flight: the size of flavor gone of Server a is unknown, so it was not counted']);
    assert.equal(check.demand.size, 0);
    assert.equal(check.ok, true);
    assert.deepEqual(log.slice(before).filter((r) => r.url.includes('/flavors')).map((r) => `${r.method} ${r.status}`), ['GET 404'], 'read once, answered 404');
  });

  it('a flavor that is not created yet is unknown without a request', async () => {
    const check = await preflightQuota(planOf([serverCreate({ id: '(known after apply: Flavor later)', name: 'later' })]));
    assert.deepEqual(check.warnings, ['quota pre-flight: the size of flavor later of Server a is unknown, so it was not counted']);
  });

  it('a failing read is an error, not an unknown size', async () => {
    const faults = cloud.engine!.engine.config.faults as { apiErrorRate: number };
    faults.apiErrorRate = 1;
    try {
      await assert.rejects(preflightQuota(planOf([serverCreate({ id: 'any', name: 'm1' })])), (error: Error) => /50[03]/.test(error.message) || /computeFault|serviceUnavailable|Service Unavailable|Internal Server Error/i.test(error.message));
    } finally {
      faults.apiErrorRate = 0;
    }
  });
});
