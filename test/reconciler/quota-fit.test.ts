import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShortfall, quotaDemand, quotaShortfalls, type DemandInput, type QuotaResource, type QuotaUsage } from '../../reconciler/quota-fit.ts';

function totals(inputs: DemandInput[]): Record<string, number> {
  return Object.fromEntries([...quotaDemand(inputs)].map(([r, d]) => [r, d.amount]));
}

describe('quotaDemand', () => {
  const rows: Array<{ name: string; inputs: DemandInput[]; expect: Record<string, number> }> = [
    { name: 'nothing', inputs: [], expect: {} },
    { name: 'one step', inputs: [{ label: 'Server a', needs: { instances: 1, cores: 4, ram: 8192 } }], expect: { instances: 1, cores: 4, ram: 8192 } },
    {
      name: 'steps add up',
      inputs: [{ label: 'Server a', needs: { instances: 1, cores: 1, ram: 512 } }, { label: 'Server b', needs: { instances: 1, cores: 4, ram: 8192 } }],
      expect: { instances: 2, cores: 5, ram: 8704 },
    },
    { name: 'a shrink adds nothing', inputs: [{ label: 'Server a', needs: { cores: -3, ram: -7680 } }], expect: {} },
    { name: 'zero adds nothing', inputs: [{ label: 'Volume v', needs: { gigabytes: 0 } }], expect: {} },
    { name: 'a shrink does not cancel another step\'s growth', inputs: [{ label: 'Server a', needs: { cores: -2 } }, { label: 'Server b', needs: { cores: 2 } }], expect: { cores: 2 } },
    { name: 'several services', inputs: [{ label: 'Volume v', needs: { volumes: 1, gigabytes: 20 } }, { label: 'Keypair k', needs: { key_pairs: 1 } }], expect: { volumes: 1, gigabytes: 20, key_pairs: 1 } },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(totals(row.inputs), row.expect));

  it('names each contributor once, in the order resources are first needed', () => {
    const demand = quotaDemand([
      { label: 'Server a', needs: { instances: 1, cores: 1 } },
      { label: 'Server a', needs: { cores: 1 } },
      { label: 'Server b', needs: { instances: 1 } },
    ]);
    assert.deepEqual([...demand.keys()], ['instances', 'cores']);
    assert.deepEqual(demand.get('instances')?.from, ['Server a', 'Server b']);
    assert.deepEqual(demand.get('cores'), { amount: 2, from: ['Server a'] });
  });
});

describe('quotaShortfalls', () => {
  const demandOf = (entries: Array<[QuotaResource, number]>) => new Map(entries.map(([r, amount]) => [r, { amount, from: ['Server a'] }]));
  const q = (limit: number, inUse: number, reserved = 0): QuotaUsage => ({ limit, inUse, reserved });
  const rows: Array<{ name: string; demand: Array<[QuotaResource, number]>; quotas: Partial<Record<QuotaResource, QuotaUsage>>; expect: Array<[string, number, number]> }> = [
    { name: 'fits exactly', demand: [['instances', 4]], quotas: { instances: q(10, 6) }, expect: [] },
    { name: 'one too many', demand: [['instances', 5]], quotas: { instances: q(10, 6) }, expect: [['instances', 5, 4]] },
    { name: 'reserved counts as used', demand: [['cores', 2]], quotas: { cores: q(10, 8, 1) }, expect: [['cores', 2, 1]] },
    { name: 'unlimited', demand: [['ram', 1_000_000]], quotas: { ram: q(-1, 5) }, expect: [] },
    { name: 'not shown, not checked', demand: [['gigabytes', 500]], quotas: {}, expect: [] },
    { name: 'over-used quota leaves 0, not a negative', demand: [['volumes', 1]], quotas: { volumes: q(2, 3) }, expect: [['volumes', 1, 0]] },
    {
      name: 'every quota that does not fit',
      demand: [['instances', 2], ['cores', 8], ['ram', 512]],
      quotas: { instances: q(10, 9), cores: q(20, 16), ram: q(51200, 0) },
      expect: [['instances', 2, 1], ['cores', 8, 4]],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const found = quotaShortfalls(demandOf(row.demand), row.quotas);
      assert.deepEqual(found.map((s) => [s.resource, s.needs, s.left]), row.expect);
    });
  }
});

describe('formatShortfall', () => {
  it('says what the plan needs and what is left', () => {
    assert.equal(
      formatShortfall({ resource: 'instances', needs: 6, left: 4, limit: 10, inUse: 6, reserved: 0, from: [] }, 'demo'),
      'quota: the plan needs 6 instances but project demo has 4 left (limit 10, in use 6)',
    );
  });
  it('names the resources that need it, and reserved usage', () => {
    assert.equal(
      formatShortfall({ resource: 'gigabytes', needs: 1, left: 0, limit: 10, inUse: 9, reserved: 1, from: ['Volume data', 'Volume logs'] }, 'p1'),
      'quota: the plan needs 1 GiB of volume storage but project p1 has 0 left (limit 10, in use 9, reserved 1) — for Volume data, Volume logs',
    );
  });
  it('names the first five of many, then counts the rest', () => {
    const from = Array.from({ length: 10_000 }, (_, i) => `Server s${i}`);
    assert.equal(
      formatShortfall({ resource: 'instances', needs: 10_000, left: 10, limit: 10, inUse: 0, reserved: 0, from }, 'p1'),
      'quota: the plan needs 10000 instances but project p1 has 10 left (limit 10, in use 0) — for Server s0, Server s1, Server s2, Server s3, Server s4, and 9995 more',
    );
  });
  it('counts server groups', () => {
    assert.equal(
      formatShortfall({ resource: 'server_groups', needs: 2, left: 1, limit: 10, inUse: 9, reserved: 0, from: [] }, 'p1'),
      'quota: the plan needs 2 server groups but project p1 has 1 left (limit 10, in use 9)',
    );
  });
});
