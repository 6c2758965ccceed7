import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord } from '../../../reconciler/state/state-model.ts';
import { matchDeclared, ownedInCloud, type DeclaredMatchInput } from '../../../reconciler/plan/match-observed.ts';
import { aggregate, owned, server, snapshot, volume } from './fixtures.ts';

const record = (kind: ResourceRecord['kind'], name: string, cloudId: string): ResourceRecord =>
  ({ id: `${kind}/${name}`, kind, name, cloudId, lastApplied: {}, deletionPolicy: 'Delete', updatedAt: '' });

const stampedKey = (stack: string, name: string) => `ssh-ed25519 AAAA novaform:stack=${stack} novaform:name=${name}`;

const cloud = snapshot({
  servers: [server('s1', owned('prod', 'web')), server('s2', owned('prod', 'dup')), server('s3', owned('prod', 'dup')), server('s4', owned('other', 'web')), server('s5', {})],
  volumes: [volume('v1', 'data', owned('prod', 'data'), { status: 'deleting' }), volume('v2', 'data', owned('prod', 'data')), volume('v3', 'scratch', {})],
  flavors: [{ id: 'f1', name: 'm1', extraSpecs: owned('prod', 'm1') }, { id: 'f2', name: 'public', extraSpecs: {} }, { id: 'f3', name: 'shared', extraSpecs: owned('other', 'shared') }],
  keypairs: [{ id: 'ops', name: 'ops', publicKey: stampedKey('prod', 'ops') }, { id: 'mine', name: 'mine', publicKey: 'ssh-ed25519 AAAA alice' }, { id: 'x509', name: 'x509', publicKey: '-----BEGIN' }],
  aggregates: [aggregate('1', 'bare', [], {}, 'az1'), aggregate('2', 'busy', ['compute-1'], {}), aggregate('3', 'theirs', [], owned('other', 'theirs')), aggregate('4', 'renamed', [], owned('prod', 'gpu'))],
});

const NOW = Date.parse('2026-12-06T10:00:00Z');
const input = (kind: DeclaredMatchInput['kind'], name: string, extra: Partial<DeclaredMatchInput> = {}): DeclaredMatchInput =>
  ({ snapshot: cloud, stack: 'prod', kind, name, now: NOW, graceMs: 120_000, ...extra });
const pending = (secondsAgo: number) => ({ pendingCreate: { at: new Date(NOW - secondsAgo * 1000).toISOString() } });

describe('matchDeclared', () => {
  const table: Array<[string, DeclaredMatchInput, string | undefined, RegExp?]> = [
    ['a server by its stamp', input('Server', 'web'), 's1'],
    ["never another stack's server", input('Server', 'other-web'), undefined],
    ['the state record wins (a duplicate is a warning)', input('Server', 'dup', { record: record('Server', 'dup', 's3') }), 's3'],
    ['two stamped without a record: an error naming both', input('Server', 'dup'), undefined, /2 servers carry the ownership of Server 'dup' in stack 'prod' \(s2, s3\)/],
    ['a record whose object is gone falls back to the stamp', input('Server', 'web', { record: record('Server', 'web', 'gone') }), 's1'],
    ['a same-named server not made by novaform is an error, never duplicated', input('Server', 's5'), undefined, /a server named 's5' \(s5\) already exists and was not created by novaform/],
    ['a volume being deleted is not matched', input('Volume', 'data'), 'v2'],
    ['a flavor by the stamp in its extra specs', input('Flavor', 'm1'), 'f1'],
    ["a hand-made flavor of the name is never adopted", input('Flavor', 'public'), undefined, /a flavor named 'public' \(f2\) already exists and was not created by novaform/],
    ["another stack's flavor of the name is never adopted", input('Flavor', 'shared'), undefined, /belongs to stack 'other'/],
    ['a keypair by the stamp in its key comment', input('Keypair', 'ops'), 'ops'],
    ['a keypair without a stamp is ours only with a record', input('Keypair', 'x509', { record: record('Keypair', 'x509', 'x509') }), 'x509'],
    ['a keypair without a stamp or a record is not ours', input('Keypair', 'mine'), undefined, /keypair named 'mine'/],
    ['an aggregate by its stamp, whatever its cloud name', input('Aggregate', 'gpu'), '4'],
    ['a bare aggregate of the name is not taken without evidence', input('Aggregate', 'bare'), undefined, /was not created by novaform/],
    ['a bare aggregate of the name is what a create with an unknown outcome made', input('Aggregate', 'bare', pending(10)), '1'],
    ['a create with an unknown outcome and nothing listed yet: wait within the grace period', input('Flavor', 'new', pending(10)), undefined, /outcome is unknown; nothing shows in the cloud yet, and novaform waits 110s more/],
    ['after the grace period: create', input('Flavor', 'new', pending(300)), undefined],
    ['import by id takes an object novaform did not create', input('Flavor', 'public', { spec: { import: { id: 'f2' } } }), 'f2'],
    ['import by name', input('Volume', 'scratch', { spec: { import: { name: 'scratch' } } }), 'v3'],
    ['import of nothing is an error', input('Volume', 'scratch', { spec: { import: { id: 'nope' } } }), undefined, /spec.import: no volume with id nope exists/],
    ["import of another stack's object is an error", input('Flavor', 'x', { spec: { import: { id: 'f3' } } }), undefined, /belongs to stack 'other'.*cannot take over/],
  ];
  for (const [title, args, id, error] of table) {
    it(title, () => {
      const match = matchDeclared(args);
      if (error) {
        assert.equal(match.ok, false);
        assert.match((match as { message: string }).message, error);
      } else {
        assert.equal(match.ok, true, (match as { message?: string }).message);
        assert.equal((match as { observed?: { id: string } }).observed?.id, id);
      }
    });
  }

  it('says how an object was found when it is not yet recorded as ours', () => {
    const imported = matchDeclared(input('Flavor', 'public', { spec: { import: { id: 'f2' } } }));
    assert.equal(imported.ok && imported.via, 'import');
    const adopted = matchDeclared(input('Aggregate', 'bare', pending(10)));
    assert.equal(adopted.ok && adopted.via, 'journal');
  });

  it('warns about duplicates next to the recorded object', () => {
    const match = matchDeclared(input('Server', 'dup', { record: record('Server', 'dup', 's2') }));
    assert.deepEqual(match.ok && match.warnings, ["other cloud objects also carry this stack's ownership of Server dup (s3): duplicates from an interrupted run? novaform leaves them alone; delete them"]);
  });
});

describe('ownedInCloud', () => {
  it('lists every object whose stamp names the stack, and nothing else', () => {
    assert.deepEqual(ownedInCloud(cloud, 'prod').map((o) => `${o.kind}/${o.name}=${o.observed.id}`).sort(), [
      'Aggregate/gpu=4', 'Flavor/m1=f1', 'Keypair/ops=ops', 'Server/dup=s2', 'Server/dup=s3', 'Server/web=s1', 'Volume/data=v2',
    ]);
  });
});

describe('matchDeclared: a kind that configures what the cloud made (Quota)', () => {
  const projects = snapshot({ objects: new Map([['Quota', [{ id: 'p1', name: 'team-a' }, { id: 'p2', name: 'twin' }, { id: 'p3', name: 'twin' }, { id: 'p4', name: 'p1' }]]]) });
  const quota = (name: string, spec: object, extra: Partial<DeclaredMatchInput> = {}) => matchDeclared({ snapshot: projects, stack: 'prod', kind: 'Quota', name, now: NOW, graceMs: 0, spec, ...extra });

  it('the project the manifest names, by name (its own name by default) or by id; an exact id wins', () => {
    assert.equal((quota('team-a', {}) as { observed: { id: string } }).observed.id, 'p1');
    assert.equal((quota('x', { project: 'team-a' }) as { observed: { id: string } }).observed.id, 'p1');
    assert.equal((quota('x', { project: 'p1' }) as { observed: { id: string } }).observed.id, 'p1', "p1 is an id, and also p4's name");
    assert.equal((quota('team-a', {}) as { via?: string }).via, undefined, 'not an import: the plan action is update or noop');
  });

  it('a project that does not exist is an error, never a create; a shared name is an error naming both', () => {
    const missing = quota('gone', {});
    assert.equal(missing.ok, false);
    assert.equal((missing as { code: string }).code, 'target-not-found');
    assert.match((missing as { message: string }).message, /no project with the id or name 'gone' exists in the cloud/);
    assert.match((quota('twin', {}) as { message: string }).message, /2 projects are named 'twin' \(p2, p3\)/);
  });

  it('a manifest that now names another project says the one it named before is left as it is', () => {
    const moved = quota('q', { project: 'team-a' }, { record: record('Quota', 'q', 'p2') });
    assert.deepEqual((moved as { warnings?: readonly string[] }).warnings, ['the manifest now names project p1; p2, which it named before, is left as it is']);
  });
});
