import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShortfall, quotaDemand, quotaShortfalls, type DemandInput, type QuotaResource, type QuotaUsage } from '../../reconciler/quota-fit.ts';

const small = { vcpus: 1, ram: 512 };
const large = { vcpus: 4, ram: 8192 };

function totals(inputs: DemandInput[]): Record<string, number> {
  return Object.fromEntries([...quotaDemand(inputs)].map(([r, d]) => [r, d.amount]));
}

describe('quotaDemand', () => {
  const rows: Array<{ name: string; inputs: DemandInput[]; expect: Record<string, number> }> = [
    { name: 'nothing', inputs: [], expect: {} },
    { name: 'a server create', inputs: [{ kind: 'Server', label: 'Server a', change: 'create', flavor: large }], expect: { instances: 1, cores: 4, ram: 8192 } },
    {
      name: 'two creates add up',
      inputs: [{ kind: 'Server', label: 'Server a', change: 'create', flavor: small }, { kind: 'Server', label: 'Server b', change: 'create', flavor: large }],
      expect: { instances: 2, cores: 5, ram: 8704 },
    },
    { name: 'a resize up needs the growth', inputs: [{ kind: 'Server', label: 'Server a', change: 'resize', flavor: large, oldFlavor: small }], expect: { cores: 3, ram: 7680 } },
    { name: 'a resize down needs nothing', inputs: [{ kind: 'Server', label: 'Server a', change: 'resize', flavor: small, oldFlavor: large }], expect: {} },
    { name: 'a replace on the same flavor needs nothing (it deletes first)', inputs: [{ kind: 'Server', label: 'Server a', change: 'replace', flavor: small, oldFlavor: small }], expect: {} },
    { name: 'a volume create', inputs: [{ kind: 'Volume', label: 'Volume v', change: 'create', size: 20 }], expect: { volumes: 1, gigabytes: 20 } },
    { name: 'an extend needs the growth', inputs: [{ kind: 'Volume', label: 'Volume v', change: 'extend', size: 30, oldSize: 20 }], expect: { gigabytes: 10 } },
    { name: 'a volume replace needs the growth only', inputs: [{ kind: 'Volume', label: 'Volume v', change: 'replace', size: 20, oldSize: 20 }], expect: {} },
    { name: 'key pairs', inputs: [{ kind: 'Keypair', label: 'Keypair k', change: 'create' }, { kind: 'Keypair', label: 'Keypair j', change: 'create' }], expect: { key_pairs: 2 } },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(totals(row.inputs), row.expect));

  it('names each contributor once', () => {
    const demand = quotaDemand([
      { kind: 'Server', label: 'Server a', change: 'create', flavor: small },
      { kind: 'Server', label: 'Server b', change: 'create', flavor: small },
    ]);
    assert.deepEqual(demand.get('instances')?.from, ['Server a', 'Server b']);
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
});
