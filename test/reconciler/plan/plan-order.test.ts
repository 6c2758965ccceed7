import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kind } from '../../../provider/resources/types.ts';
import { orderSteps, type OrderNode } from '../../../reconciler/plan/plan-order.ts';

const node = (key: string, after: string[] = [], isDelete = false): OrderNode => {
  const [kind, name] = key.split('/') as [Kind, string];
  return { key, kind, name, isDelete, after };
};

describe('orderSteps', () => {
  it('without edges: kind order then name; deletes last in reverse kind order', () => {
    const result = orderSteps([
      node('Server/b'), node('Server/a'), node('Flavor/z'), node('Volume/v', [], true), node('Server/old', [], true), node('Keypair/k'), node('Aggregate/g'), node('Volume/a'),
    ]);
    assert.deepEqual(result, { ok: true, order: ['Flavor/z', 'Keypair/k', 'Volume/a', 'Aggregate/g', 'Server/a', 'Server/b', 'Server/old', 'Volume/v'] });
  });

  it('edges win over the stable order', () => {
    const result = orderSteps([node('Aggregate/a', ['Aggregate/b']), node('Aggregate/b')]);
    assert.deepEqual(result, { ok: true, order: ['Aggregate/b', 'Aggregate/a'] });
  });

  it('a non-delete after a delete waits for it; unknown keys are ignored', () => {
    const result = orderSteps([node('Aggregate/new', ['Aggregate/old', 'Flavor/elsewhere']), node('Aggregate/old', [], true), node('Flavor/f')]);
    assert.deepEqual(result, { ok: true, order: ['Flavor/f', 'Aggregate/old', 'Aggregate/new'] });
  });

  it('is the same whatever the input order', () => {
    const nodes = [node('Server/s', ['Flavor/f', 'Volume/v']), node('Volume/v'), node('Flavor/f'), node('Keypair/k')];
    const expected = orderSteps(nodes);
    assert.deepEqual(orderSteps([...nodes].reverse()), expected);
    assert.deepEqual(expected, { ok: true, order: ['Flavor/f', 'Keypair/k', 'Volume/v', 'Server/s'] });
  });

  it('reports cycles instead of an order', () => {
    const result = orderSteps([node('Aggregate/a', ['Aggregate/b']), node('Aggregate/b', ['Aggregate/a']), node('Flavor/f')]);
    assert.deepEqual(result, { ok: false, cycles: [['Aggregate/a', 'Aggregate/b']] });
    assert.deepEqual(orderSteps([node('Server/s', ['Server/s'])]), { ok: false, cycles: [['Server/s']] });
  });

  it('orders a thousand steps quickly', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => node(`Server/s${String(i).padStart(4, '0')}`, i > 0 ? [`Server/s${String(i - 1).padStart(4, '0')}`] : []));
    const started = performance.now();
    const result = orderSteps([...nodes].reverse());
    assert.ok(result.ok && result.order[999] === 'Server/s0999');
    assert.ok(performance.now() - started < 1000);
  });
});
