import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMPUTE_CASES } from './compute-cases.ts';
import { OPERATOR_CASES } from './operator-cases.ts';
import { coverageProblems, NOT_COVERED } from './schema-coverage.ts';
import { schemaIds } from './tempest-schemas.ts';
import { VOLUME_CASES } from './volume-cases.ts';

describe('tempest schema coverage', () => {
  it('every compute schema is checked by a case or listed in NOT_COVERED with a reason', () => {
    assert.deepEqual(coverageProblems('compute', [...COMPUTE_CASES, ...OPERATOR_CASES].map((c) => c.schema)), []);
  });

  it('every volume schema is checked by a case or listed in NOT_COVERED with a reason', () => {
    assert.deepEqual(coverageProblems('volume', VOLUME_CASES.map((c) => c.schema)), []);
  });

  it('reports the numbers', (t) => {
    for (const [service, cases] of [['compute', [...COMPUTE_CASES, ...OPERATOR_CASES]], ['volume', VOLUME_CASES]] as const) {
      const covered = new Set(cases.map((c) => c.schema));
      t.diagnostic(`${service}: ${covered.size} of ${schemaIds(service).length} tempest schemas checked by ${cases.length} requests; ${Object.keys(NOT_COVERED[service]).length} NOT_COVERED entries`);
    }
  });
});
