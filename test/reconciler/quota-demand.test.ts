import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldChange } from '../../provider/resources/types.ts';
import type { QuotaDemand, QuotaStep } from '../../provider/resources/quota-demand.ts';
import { KIND_MODULES, kindModule } from '../../provider/resources/registry.ts';

/**
 * The kind modules' `quotaDemand`: what one planned step needs from the
 * project's quotas. Pure: the lookup is a table of the objects a step may
 * refer to, the input the pre-flight gives it (quota-preflight.test.ts
 * runs the whole pre-flight against the engine).
 */

const small = { id: 'f-small', name: 'small', vcpus: 1, ram: 512 };
const large = { id: 'f-large', name: 'large', vcpus: 4, ram: 8192 };
const flavors = [small, large];

function step(action: string, extra: { spec?: unknown; observed?: unknown; changes?: FieldChange[] } = {}): QuotaStep<any, any> & { lookedUp: string[] } {
  const lookedUp: string[] = [];
  return {
    action,
    changes: extra.changes ?? [],
    ...(extra.observed !== undefined ? { observed: extra.observed } : {}),
    spec: () => extra.spec,
    lookedUp,
    async lookup(kind, ref) {
      lookedUp.push(`${kind} ${ref.id ?? ref.name}`);
      return flavors.find((f) => (ref.id !== undefined ? f.id === ref.id : f.name === ref.name));
    },
  };
}

const demand = (kind: string, s: QuotaStep<any, any>): Promise<QuotaDemand | undefined> => kindModule(kind).quotaDemand!(s);
const server = (flavor: { id: string; name: string }) => ({ name: 'a', flavor: { id: flavor.id, name: flavor.name }, image: 'img', networks: 'none' });

describe('the Server module\'s quota demand', () => {
  it('a create needs an instance and its flavor\'s cores and RAM', async () => {
    assert.deepEqual(await demand('Server', step('create', { spec: server(large) })), { needs: { instances: 1, cores: 4, ram: 8192 } });
  });
  it('a resize up needs the growth; the old size comes from the server when Nova embeds it', async () => {
    const s = step('resize', { spec: server(large), observed: { id: 's1', flavor: { name: 'small', vcpus: 1, ram: 512 } } });
    assert.deepEqual(await demand('Server', s), { needs: { cores: 3, ram: 7680 } });
    assert.deepEqual(s.lookedUp, ['Flavor f-large']);
  });
  it('an update carrying a resize change counts as a resize; the old flavor is looked up by id below 2.47', async () => {
    const s = step('update', { spec: server(small), observed: { id: 's1', flavor: { id: 'f-large' } }, changes: [{ path: 'spec.flavor', from: 'large', to: 'small', apply: 'resize' } as FieldChange] });
    assert.deepEqual(await demand('Server', s), { needs: { cores: -3, ram: -7680 } });
  });
  it('a replace on the same flavor needs nothing more (it deletes first)', async () => {
    assert.deepEqual(await demand('Server', step('replace', { spec: server(small), observed: { id: 's1', flavor: { id: 'f-small' } } })), { needs: { cores: 0, ram: 0 } });
  });
  it('an update without a resize needs nothing, and builds no spec', async () => {
    let built = false;
    const s = { ...step('update'), spec: () => { built = true; return undefined; } };
    assert.equal(await demand('Server', s), undefined);
    assert.equal(built, false);
  });
  it('says what is unknown: its spec, or its flavor\'s size', async () => {
    assert.deepEqual(await demand('Server', step('create')), { unknown: 'spec' });
    assert.deepEqual(await demand('Server', step('create', { spec: server({ id: 'f-gone', name: 'gone' }) })), { unknown: 'size', of: 'flavor gone' });
  });
});

describe('the Volume module\'s quota demand', () => {
  it('a create needs a volume and its size', async () => {
    assert.deepEqual(await demand('Volume', step('create', { spec: { name: 'v', size: 20, metadata: {} } })), { needs: { volumes: 1, gigabytes: 20 } });
  });
  it('a replace needs the growth only', async () => {
    assert.deepEqual(await demand('Volume', step('replace', { spec: { name: 'v', size: 30, metadata: {} }, observed: { id: 'v1', size: 20 } })), { needs: { gigabytes: 10 } });
  });
  it('an extend needs the growth', async () => {
    const changes = [{ path: 'spec.size', from: 20, to: 30, apply: 'extend' } as FieldChange];
    assert.deepEqual(await demand('Volume', step('update', { changes })), { needs: { gigabytes: 10 } });
  });
  it('an update without an extend needs nothing', async () => {
    assert.equal(await demand('Volume', step('update', { changes: [{ path: 'spec.description', from: 'a', to: 'b', apply: 'update' } as FieldChange] })), undefined);
  });
  it('a create whose spec cannot be built yet says so', async () => {
    assert.deepEqual(await demand('Volume', step('create')), { unknown: 'spec' });
  });
});

describe('the Keypair module\'s quota demand', () => {
  it('only a create needs a key pair', async () => {
    assert.deepEqual(await demand('Keypair', step('create')), { needs: { key_pairs: 1 } });
    assert.equal(await demand('Keypair', step('replace')), undefined);
  });
});

it('kinds without a quota demand consume no checked quota', () => {
  const without = KIND_MODULES.filter((m) => !m.quotaDemand).map((m) => m.kind);
  assert.deepEqual(without.sort(), ['Aggregate', 'ComputeService', 'Flavor', 'Quota']);
});
