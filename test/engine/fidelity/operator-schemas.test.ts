import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPERATOR_CASES, setupOperatorEnv, type OperatorEnv } from './operator-cases.ts';
import { runCase } from './schema-kit.ts';

/**
 * The operator APIs (operator-cases.ts: os-services, os-hypervisors,
 * os-hosts, os-migrations; migrate, live-migrate, evacuate) against tempest's
 * compute schemas at each tempest boundary version.
 */
describe('operator API responses match tempest schemas', () => {
  let env: OperatorEnv;
  before(async () => {
    env = await setupOperatorEnv();
  });
  after(() => env?.t.close());

  for (const c of OPERATOR_CASES) {
    it(`${c.schema}: ${c.title}`, async () => {
      const { versions, failures } = await runCase('compute', env, c);
      assert.ok(versions.length > 0);
      assert.deepEqual(failures, [], `${c.schema} at ${versions.join(' ')}`);
    });
  }
});
