import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../engine/http/api-error.ts';
import { COMPUTE_VERSIONS, VOLUME_VERSIONS, atLeast, negotiateVersion, requestedVersion, versionHeaders } from '../../../engine/http/microversion.ts';

describe('microversion negotiation', () => {
  const cases: Array<[string | undefined, string | number]> = [
    [undefined, '2.1'], ['latest', '2.100'], ['LATEST', '2.100'], ['2.1', '2.1'], ['2.55', '2.55'], ['2.100', '2.100'],
    ['2.a', 400], ['2.01', 400], ['02.1', 400], ['2', 400], ['', 400], ['2.0', 406], ['2.101', 406], ['3.1', 406], ['1.1', 406],
  ];
  for (const [requested, expected] of cases) {
    it(`${JSON.stringify(requested)} -> ${expected}`, () => {
      if (typeof expected === 'string') {
        const v = negotiateVersion(requested, COMPUTE_VERSIONS);
        assert.equal(`${v.major}.${v.minor}`, expected);
      } else {
        assert.throws(() => negotiateVersion(requested === '' ? '' : requested, COMPUTE_VERSIONS), (e: unknown) => e instanceof ApiError && e.status === expected);
      }
    });
  }

  it('reads the modern header first, the last matching folded entry, then the legacy header', () => {
    assert.equal(requestedVersion({ 'openstack-api-version': 'compute 2.10', 'x-openstack-nova-api-version': '2.20' }, COMPUTE_VERSIONS), '2.10');
    assert.equal(requestedVersion({ 'openstack-api-version': 'compute 2.10, compute 2.30' }, COMPUTE_VERSIONS), '2.30');
    assert.equal(requestedVersion({ 'openstack-api-version': 'volume 3.5' }, COMPUTE_VERSIONS), undefined);
    assert.equal(requestedVersion({ 'x-openstack-nova-api-version': '2.20' }, COMPUTE_VERSIONS), '2.20');
    assert.equal(requestedVersion({ 'x-openstack-nova-api-version': '2.20' }, VOLUME_VERSIONS), undefined);
    assert.equal(requestedVersion({ 'openstack-api-version': 'volume 3.5' }, VOLUME_VERSIONS), '3.5');
  });

  it('compares versions', () => {
    assert.equal(atLeast({ major: 2, minor: 55 }, 2, 55), true);
    assert.equal(atLeast({ major: 2, minor: 54 }, 2, 55), false);
    assert.equal(atLeast({ major: 3, minor: 0 }, 2, 99), true);
  });

  it('renders the response headers', () => {
    assert.deepEqual(versionHeaders({ major: 2, minor: 60 }, COMPUTE_VERSIONS), {
      'OpenStack-API-Version': 'compute 2.60', 'X-OpenStack-Nova-API-Version': '2.60', Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
    });
    assert.deepEqual(versionHeaders({ major: 3, minor: 0 }, VOLUME_VERSIONS), { 'OpenStack-API-Version': 'volume 3.0', Vary: 'OpenStack-API-Version' });
  });
});
