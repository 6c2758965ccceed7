import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord } from '../../../reconciler/state/state-model.ts';
import { matchDeclared, ownedInCloud } from '../../../reconciler/plan/match-observed.ts';
import { aggregate, owned, server, snapshot, volume } from './fixtures.ts';

const record = (kind: ResourceRecord['kind'], name: string, cloudId: string): ResourceRecord =>
  ({ id: `${kind}/${name}`, kind, name, cloudId, lastApplied: {}, deletionPolicy: 'Delete', updatedAt: '' });

const cloud = snapshot({
  servers: [server('s1', owned('prod', 'web')), server('s2', owned('prod', 'dup')), server('s3', owned('prod', 'dup')), server('s4', owned('other', 'web')), server('s5', {})],
  volumes: [volume('v1', 'data', owned('prod', 'data'), { status: 'deleting' }), volume('v2', 'data', owned('prod', 'data'))],
  flavors: [{ id: 'f1', name: 'm1' }, { id: 'f2', name: 'twin' }, { id: 'f3', name: 'twin' }],
  keypairs: [{ id: 'ops', name: 'ops' }],
  aggregates: [aggregate('1', 'bare', [], {}, 'az1'), aggregate('2', 'busy', ['compute-1'], {}), aggregate('3', 'theirs', [], owned('other', 'theirs')), aggregate('4', 'renamed', [], owned('prod', 'gpu'))],
});

describe('matchDeclared', () => {
  const table: Array<[string, Parameters<typeof matchDeclared>, string | undefined, RegExp?]> = [
    ['a server by ownership', [cloud, 'prod', 'Server', 'web'], 's1'],
    ['never another stack\'s server, nor an unowned one of the name', [cloud, 'prod', 'Server', 's5'], undefined],
    ['the state record wins (a duplicate is a warning)', [cloud, 'prod', 'Server', 'dup', record('Server', 'dup', 's3')], 's3'],
    ['two owners without a record: an error naming both', [cloud, 'prod', 'Server', 'dup'], undefined, /2 servers carry the ownership of Server 'dup' in stack 'prod' \(s2, s3\)/],
    ['a record whose object is gone falls back to ownership', [cloud, 'prod', 'Server', 'web', record('Server', 'web', 'gone')], 's1'],
    ['a volume being deleted is not matched', [cloud, 'prod', 'Volume', 'data'], 'v2'],
    ['a flavor by its unique name', [cloud, 'prod', 'Flavor', 'm1'], 'f1'],
    ['two flavors of the name: an error', [cloud, 'prod', 'Flavor', 'twin'], undefined, /2 flavors are named 'twin' \(f2, f3\)/],
    ['a keypair by name', [cloud, 'prod', 'Keypair', 'ops'], 'ops'],
    ['an aggregate by ownership, whatever its cloud name', [cloud, 'prod', 'Aggregate', 'gpu'], '4'],
    ['a bare aggregate of the name (an interrupted create) is claimed', [cloud, 'prod', 'Aggregate', 'bare'], '1'],
    ['an unowned aggregate in use is not taken', [cloud, 'prod', 'Aggregate', 'busy'], undefined, /was not created by novaform/],
    ['another stack\'s aggregate is not taken', [cloud, 'prod', 'Aggregate', 'theirs'], undefined, /belongs to stack 'other'/],
  ];
  for (const [title, args, id, error] of table) {
    it(title, () => {
      const match = matchDeclared(...args);
      if (error) {
        assert.equal(match.ok, false);
        assert.match((match as { message: string }).message, error);
      } else {
        assert.equal(match.ok, true);
        assert.equal((match as { observed?: { id: string } }).observed?.id, id);
      }
    });
  }

  it('warns about duplicates next to the recorded object', () => {
    const match = matchDeclared(cloud, 'prod', 'Server', 'dup', record('Server', 'dup', 's2'));
    assert.deepEqual(match.ok && match.warnings, ["other cloud objects also carry this stack's ownership of Server dup (s3): duplicates from an interrupted run? novaform leaves them alone; delete them"]);
  });
});

describe('ownedInCloud', () => {
  it('lists servers, volumes and aggregates whose metadata names the stack, and nothing else', () => {
    assert.deepEqual(ownedInCloud(cloud, 'prod').map((o) => `${o.kind}/${o.name}=${o.observed.id}`), [
      'Volume/data=v2', 'Aggregate/gpu=4', 'Server/web=s1', 'Server/dup=s2', 'Server/dup=s3',
    ]);
  });
});
