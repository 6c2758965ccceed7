import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApplyMode, FieldChange } from '../../../provider/resources/types.ts';
import { actionOf, dataLossWarnings, toPlannedChange } from '../../../reconciler/plan/plan-action.ts';

const change = (apply: ApplyMode, dataLoss = false, path = `spec.${apply}`): FieldChange => ({ path, from: 1, to: 2, apply, dataLoss });

describe('actionOf', () => {
  const table: Array<[ApplyMode[], string]> = [
    [[], 'noop'],
    [['update'], 'update'],
    [['extend'], 'update'],
    [['attach', 'detach', 'power'], 'update'],
    [['update', 'resize'], 'resize'],
    [['resize', 'update'], 'resize'],
    [['rebuild', 'resize', 'update'], 'rebuild'],
    [['update', 'replace', 'rebuild'], 'replace'],
    [['replace'], 'replace'],
  ];
  for (const [modes, expected] of table) {
    it(`[${modes.join(', ')}] -> ${expected}`, () => assert.equal(actionOf(modes.map((m) => change(m))), expected));
  }
});

describe('toPlannedChange', () => {
  it('keeps every key, with absent values as null (JSON has no undefined)', () => {
    const planned = toPlannedChange({ path: 'spec.metadata.a', from: undefined, to: 'x', apply: 'update', dataLoss: false });
    assert.deepEqual(planned, { path: 'spec.metadata.a', from: null, to: 'x', apply: 'update', dataLoss: false });
    assert.equal(JSON.stringify(planned), '{"path":"spec.metadata.a","from":null,"to":"x","apply":"update","dataLoss":false}');
  });
});

describe('dataLossWarnings', () => {
  const table: Array<[string, Parameters<typeof dataLossWarnings>, string[]]> = [
    ['rebuild', ['Server', 'web', 'rebuild', [change('rebuild', true, 'spec.image')]], ['data loss: rebuilding Server web wipes its root disk (spec.image)']],
    ['replace', ['Volume', 'd', 'replace', [change('replace', true, 'spec.volumeType'), change('update')]], ['data loss: Volume d is deleted and created again; what it holds is lost (spec.volumeType)']],
    ['replace without loss (a flavor)', ['Flavor', 'f', 'replace', [change('replace', false, 'spec.ram')]], []],
    ['update', ['Server', 'web', 'update', [change('update')]], []],
    ['delete of a server', ['Server', 'web', 'delete', []], ['data loss: deleting Server web destroys its data']],
    ['delete of a keypair', ['Keypair', 'k', 'delete', []], []],
  ];
  for (const [title, args, expected] of table) it(title, () => assert.deepEqual(dataLossWarnings(...args), expected));
});
