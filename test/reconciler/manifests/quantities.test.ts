import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantityHints, toUnit } from '../../../reconciler/manifests/quantities.ts';

describe('toUnit', () => {
  const ok: Array<[number | string, 'MiB' | 'GiB', number]> = [
    [2048, 'MiB', 2048],
    ['2GiB', 'MiB', 2048],
    ['512MiB', 'MiB', 512],
    ['2Gi', 'MiB', 2048],
    ['1.5GiB', 'MiB', 1536],
    ['0.5GiB', 'MiB', 512],
    ['1TiB', 'MiB', 1048576],
    ['2048KiB', 'MiB', 2],
    ['16GiB', 'GiB', 16],
    ['1TiB', 'GiB', 1024],
    ['1.5TiB', 'GiB', 1536],
    ['2048MiB', 'GiB', 2],
    ['0GiB', 'GiB', 0],
    [20, 'GiB', 20],
  ];
  for (const [value, unit, expected] of ok) {
    it(`${JSON.stringify(value)} → ${expected} ${unit}`, () => assert.deepEqual(toUnit(value, unit), { ok: true, value: expected }));
  }

  const refused: Array<[string, 'MiB' | 'GiB', string]> = [
    ['1.5GiB', 'GiB', '"1.5GiB" is 1.5 GiB, not a whole number of GiB'],
    ['512MiB', 'GiB', '"512MiB" is 0.5 GiB, not a whole number of GiB'],
    ['1KiB', 'MiB', '"1KiB" is 0.0009765625 MiB, not a whole number of MiB'],
    ['2GB', 'MiB', '"2GB" is not a quantity'],
    ['2 GiB', 'MiB', '"2 GiB" is not a quantity'],
  ];
  for (const [value, unit, message] of refused) {
    it(`refuses ${value} as ${unit}`, () => {
      const result = toUnit(value, unit);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.message, message);
    });
  }

  it('suggests the neighbouring whole sizes', () => {
    const result = toUnit('1.5GiB', 'GiB');
    assert.deepEqual(!result.ok && result.hints, ['sizes here are whole GiB: write "1GiB" or "2GiB"']);
    const small = toUnit('512MiB', 'GiB');
    assert.deepEqual(!small.ok && small.hints, ['sizes here are whole GiB: write "1GiB"']);
  });
});

describe('quantityHints', () => {
  const cases: Array<[string, string]> = [
    ['2GB', 'Nova counts in binary units: write "2GiB"'],
    ['512M', 'Nova counts in binary units: write "512MiB"'],
    ['1.5T', 'Nova counts in binary units: write "1.5TiB"'],
    ['2 GiB', 'no space between number and unit: write "2GiB"'],
    ['2gib', 'units are case-sensitive: write "2GiB"'],
    ['2048', 'write the number without quotes (2048 means MiB), or add a unit: "2048MiB"'],
    ['lots', 'e.g. 2048 or "2GiB"'],
  ];
  for (const [text, hint] of cases) it(`${text} → ${hint}`, () => assert.deepEqual(quantityHints(text, 'MiB'), [hint]));
});
