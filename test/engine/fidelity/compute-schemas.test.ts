import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPUTE_CASES, setupComputeEnv, type ComputeEnv } from './compute-cases.ts';
import { runCase } from './schema-kit.ts';
import { tempestProblems } from './tempest-schemas.ts';

/**
 * Every compute API the engine serves (compute-cases.ts), checked against
 * tempest's response schemas (compute 2.1–2.79) at each tempest boundary version.
 */
describe('compute responses match tempest schemas', () => {
  let env: ComputeEnv;
  before(async () => {
    env = await setupComputeEnv();
  });
  after(() => env?.t.close());

  it('the checker rejects what tempest rejects', () => {
    assert.notDeepEqual(tempestProblems('compute', 'servers.get_server', '2.1', { status: 200, body: { server: { id: 'x' } } }), []);
    assert.notDeepEqual(tempestProblems('compute', 'servers.delete_server', '2.1', { status: 200, body: undefined }), [], 'status not in status_code');
    assert.notDeepEqual(tempestProblems('compute', 'servers.delete_server', '2.1', { status: 204, body: { a: 1 } }), [], 'a body where none is expected');
    assert.notDeepEqual(tempestProblems('compute', 'servers.update_tag', '2.26', { status: 201, headers: new Headers(), body: undefined }), [], 'missing Location');
  });

  for (const c of COMPUTE_CASES) {
    it(`${c.schema}: ${c.title}`, async () => {
      const { versions, failures } = await runCase('compute', env, c);
      assert.ok(versions.length > 0);
      assert.deepEqual(failures, [], `${c.schema} at ${versions.join(' ')}`);
    });
  }
});
