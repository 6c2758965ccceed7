import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extraSpecMatches } from '../../../engine/scheduler/extra-specs-ops.ts';
import { aggregateExtraSpecsFilter, imagePropertiesFilter, requestedInstanceType } from '../../../engine/scheduler/host-filters.ts';

describe('extraSpecMatches (nova extra_specs_ops.match)', () => {
  const cases: Array<[string | undefined, string, boolean]> = [
    ['true', 'true', true],
    ['True', 'true', false],
    ['1024', '= 512', true],
    ['256', '= 512', false],
    ['512', '== 512.0', true],
    ['512', '!= 512', false],
    ['10', '>= 10', true],
    ['10', '<= 9', false],
    ['abc', 's== abc', true],
    ['abc', 's!= abc', false],
    ['abc', 's< abd', true],
    ['abc', 's>= abd', false],
    ['avx2 sse4', '<in> avx2', true],
    ['sse4', '<in> avx2', false],
    ['avx2 sse4 aes', '<all-in> aes avx2', true],
    ['avx2', '<all-in> aes avx2', false],
    ['b', '<or> a <or> b <or> c', true],
    ['d', '<or> a <or> b', false],
    ['x', '= not-a-number', false],
    [undefined, '= 1', false],
    [undefined, 'plain', false],
    ['two words', 'two words', true],
  ];
  for (const [value, req, expected] of cases) {
    it(`${JSON.stringify(value)} vs "${req}" -> ${expected}`, () => assert.equal(extraSpecMatches(value, req), expected));
  }
});

describe('aggregateExtraSpecsFilter', () => {
  const metadata = new Map([['ssd', new Set(['false', 'true'])]]);
  it('passes when any aggregate value satisfies each relevant spec', () => {
    assert.equal(aggregateExtraSpecsFilter(metadata, { 'aggregate_instance_extra_specs:ssd': 'true' }), true);
    assert.equal(aggregateExtraSpecsFilter(metadata, { ssd: 'true', 'quota:cpu_shares': '10' }), true);
    assert.equal(aggregateExtraSpecsFilter(metadata, { ssd: 'maybe' }), false);
    assert.equal(aggregateExtraSpecsFilter(new Map(), {}), true);
  });
});

describe('image properties', () => {
  it('canonicalises legacy names and aliases', () => {
    const image = { properties: { architecture: 'AMD64', hypervisor_type: 'xapi', vm_mode: 'hv' } } as never;
    assert.deepEqual(requestedInstanceType(image), ['x86_64', 'xen', 'hvm']);
    assert.equal(imagePropertiesFilter(image), false);
    assert.equal(imagePropertiesFilter(image, [['x86_64', 'xen', 'hvm']]), true);
    assert.equal(imagePropertiesFilter({ properties: { hw_architecture: 'x86_64' } } as never, []), false, 'a host advertising nothing fits no constrained image');
  });
});
