import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDuration, parseDuration } from '../../cli/duration.ts';

describe('parseDuration', () => {
  const rows: Array<[string, number | undefined]> = [
    ['30s', 30_000], ['10m', 600_000], ['1h30m', 5_400_000], ['500ms', 500], ['1.5s', 1500], ['45', 45_000], [' 2m ', 120_000],
    ['0', undefined], ['0s', undefined], ['soon', undefined], ['10 m', undefined], ['-5s', undefined], ['', undefined], ['1d', undefined],
  ];
  for (const [text, ms] of rows) it(`${JSON.stringify(text)} -> ${ms}`, () => assert.equal(parseDuration(text), ms));
});

describe('describeDuration', () => {
  it('reads back like the flag', () => {
    assert.deepEqual([3000, 90_000, 600_000, 5_400_000, 250].map(describeDuration), ['3s', '1m30s', '10m', '1h30m', '250ms']);
  });
});
