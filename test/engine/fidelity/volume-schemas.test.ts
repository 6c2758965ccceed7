import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VOLUME_CASES, setupVolumeEnv, type VolumeEnv } from './volume-cases.ts';
import { runCase } from './schema-kit.ts';
import { tempestProblems } from './tempest-schemas.ts';

/**
 * Every Cinder v3 API the engine serves (volume-cases.ts), checked against
 * tempest's volume response schemas (3.0, folders up to 3.69; Cinder's max is
 * 3.70) at each tempest boundary version.
 */
describe('volume responses match tempest schemas', () => {
  let env: VolumeEnv;
  before(async () => {
    env = await setupVolumeEnv();
  });
  after(() => env?.t.close());

  it('the checker rejects what tempest rejects', () => {
    assert.notDeepEqual(tempestProblems('volume', 'volumes.show_volume', '3.0', { status: 200, body: { volume: { id: 'x' } } }), []);
    // 3.65 adds consumes_quota: a 3.0 body with it fails at 3.0 and passes the 3.65 check of that key.
    const problems = (mv: string) => tempestProblems('volume', 'volumes.show_volume', mv, { status: 200, body: { volume: { consumes_quota: true } } });
    assert.ok(problems('3.0').some((p) => p.includes('(consumes_quota)')));
    assert.ok(!problems('3.65').some((p) => p.includes('(consumes_quota)')));
  });

  for (const c of VOLUME_CASES) {
    it(`${c.schema}: ${c.title}`, async () => {
      const { versions, failures } = await runCase('volume', env, c);
      assert.ok(versions.length > 0);
      assert.deepEqual(failures, [], `${c.schema} at ${versions.join(' ')}`);
    });
  }
});
