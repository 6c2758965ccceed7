import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenStackError } from '../../../provider/openstack/errors.ts';
import { ServerUpdateError } from '../../../provider/resources/server/server-update.ts';
import type { FieldChange } from '../../../provider/resources/types.ts';
import { ResourceFailedError } from '../../../provider/resources/wait.ts';
import { describeChanges, needsReplace, unapprovedChanges } from '../../../reconciler/apply/change-guard.ts';
import { kindModule } from '../../../provider/resources/registry.ts';
import { executionResolver } from '../../../reconciler/apply/execution-resolver.ts';
import { describeFailure, isTransientStepError, retryDelayMs, StepError } from '../../../reconciler/apply/step-errors.ts';

function cloudError(status: number, extra: Partial<ConstructorParameters<typeof OpenStackError>[0]> = {}): OpenStackError {
  return new OpenStackError({ method: 'POST', url: 'http://c/v2.1/servers', status, cloudMessage: `answer ${status}`, ...extra });
}

describe('isTransientStepError', () => {
  const rows: Array<[string, unknown, boolean]> = [
    ['503', cloudError(503), true],
    ['500', cloudError(500), true],
    ['429', cloudError(429), true],
    ['409 (busy)', cloudError(409), true],
    ['connection reset', cloudError(0, { kind: 'connection' }), true],
    ['400', cloudError(400), false],
    ['403 quota', cloudError(403), false],
    ['413 without Retry-After (quota)', cloudError(413), false],
    ['413 with Retry-After (rate limit)', cloudError(413, { retryAfterMs: 1000 }), true],
    ['404', cloudError(404), false],
    ['a failed readiness', new ResourceFailedError('server x', 'No valid host was found'), false],
    ['our own refusal', new StepError('run plan again'), false],
    ['a plain Error', new Error('boom'), false],
    ['server update, all parts transient', new ServerUpdateError('s', [{ step: 'metadata', error: cloudError(503) }, { step: 'tags', error: cloudError(409) }]), true],
    ['server update, one part terminal', new ServerUpdateError('s', [{ step: 'metadata', error: cloudError(503) }, { step: 'resize', error: cloudError(400) }]), false],
  ];
  for (const [name, error, expected] of rows) it(name, () => assert.equal(isTransientStepError(error), expected));
});

describe('retryDelayMs', () => {
  const options = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 10_000 };
  const rows: Array<[number, unknown, number]> = [
    [1, undefined, 1000],
    [2, undefined, 2000],
    [3, undefined, 4000],
    [5, undefined, 10_000],
    [1, cloudError(429, { retryAfterMs: 5000 }), 5000],
    [3, cloudError(429, { retryAfterMs: 1000 }), 4000],
    [1, cloudError(429, { retryAfterMs: 60_000 }), 10_000],
  ];
  for (const [attempt, error, expected] of rows) {
    it(`attempt ${attempt}${error ? ' with Retry-After' : ''} -> ${expected} ms`, () => assert.equal(retryDelayMs(attempt, options, error), expected));
  }
});

describe('describeFailure', () => {
  it('keeps the cloud message and pulls out the request id', () => {
    const error = cloudError(403, { cloudMessage: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances', requestId: 'req-abc' });
    const failure = describeFailure(error);
    assert.match(failure.message, /Quota exceeded for instances/);
    assert.equal(failure.requestId, 'req-abc');
  });
  it('finds the request id inside a server update failure', () => {
    const error = new ServerUpdateError('s', [{ step: 'resize', error: cloudError(400, { requestId: 'req-inner' }) }]);
    assert.equal(describeFailure(error).requestId, 'req-inner');
    assert.match(describeFailure(error).message, /resize: answer 400/);
  });
  it('has no request id for our own errors', () => assert.deepEqual(describeFailure(new StepError('x')), { message: 'x' }));
});

const change = (path: string, apply: FieldChange['apply'], dataLoss = false): FieldChange => ({ path, from: 'a', to: 'b', apply, dataLoss });

describe('unapprovedChanges', () => {
  const rows: Array<{ name: string; planned: FieldChange[]; fresh: FieldChange[]; expect: string[] }> = [
    { name: 'nothing fresh', planned: [change('spec.name', 'update')], fresh: [], expect: [] },
    { name: 'planned paths pass', planned: [change('spec.image', 'rebuild', true)], fresh: [change('spec.image', 'rebuild', true)], expect: [] },
    { name: 'a new metadata update passes', planned: [], fresh: [change('spec.metadata.a', 'update')], expect: [] },
    { name: 'a new attach passes', planned: [], fresh: [change('spec.volumes["v"]', 'attach')], expect: [] },
    { name: 'a new extend passes', planned: [], fresh: [change('spec.size', 'extend')], expect: [] },
    { name: 'a new rebuild needs the plan', planned: [change('spec.name', 'update')], fresh: [change('spec.image', 'rebuild', true)], expect: ['spec.image'] },
    { name: 'a new resize needs the plan', planned: [], fresh: [change('spec.flavor', 'resize')], expect: ['spec.flavor'] },
    { name: 'a new replace needs the plan', planned: [], fresh: [change('spec.networks', 'replace', true)], expect: ['spec.networks'] },
    { name: 'a harmless mode with data loss needs the plan', planned: [], fresh: [change('spec.x', 'update', true)], expect: ['spec.x'] },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(unapprovedChanges(row.planned, row.fresh).map((c) => c.path), row.expect));
  }
  it('needsReplace and describeChanges', () => {
    const changes = [change('spec.flavor', 'resize'), change('spec.networks', 'replace', true)];
    assert.deepEqual(needsReplace(changes).map((c) => c.path), ['spec.networks']);
    assert.equal(describeChanges(changes), 'spec.flavor (resize), spec.networks (replace)');
  });
});

describe('onFailed (a kind module capability the executor feature-detects)', () => {
  const errored = { id: 's1', status: 'ERROR', taskState: null, fault: { code: 500, message: 'No valid host was found.' } };
  const paused = { id: 's1', status: 'PAUSED', taskState: null };
  const rows: Array<[string, 'Volume' | 'Server', unknown, unknown, string]> = [
    ['a kind without it: a failed object fails the step', 'Volume', {}, { status: 'error' }, 'fail'],
    ['server ERROR, default', 'Server', { onError: 'fail' }, errored, 'fail'],
    ['server ERROR, recreate', 'Server', { onError: 'recreate' }, errored, 'recreate'],
    ['server ERROR, keep', 'Server', { onError: 'keep' }, errored, 'keep'],
    ['server PAUSED is never recreated', 'Server', { onError: 'recreate' }, paused, 'fail'],
  ];
  for (const [name, kind, spec, observed, expected] of rows) {
    it(name, () => assert.equal(kindModule(kind).onFailed?.(spec, observed) ?? 'fail', expected));
  }
});

describe('executionResolver', () => {
  const sources = (overrides: Partial<Parameters<typeof executionResolver>[0]> = {}) => ({
    applied: new Map<string, string>(),
    planned: new Map<string, string>(),
    recorded: (_kind: string, _name: string): string | undefined => undefined,
    pinned: new Map<string, { id: string; name: string }>(),
    superseded: new Set<string>(),
    ...overrides,
  });
  it('what this run applied wins', () => {
    const resolve = executionResolver(sources({ applied: new Map([['Flavor/f', 'new']]), planned: new Map([['Flavor/f', 'old']]) }));
    assert.deepEqual(resolve('Flavor', 'f'), { id: 'new', name: 'f' });
  });
  it('then the id the plan read, then the state store', () => {
    assert.equal(executionResolver(sources({ planned: new Map([['Flavor/f', 'p']]), recorded: () => 'r' }))('Flavor', 'f').id, 'p');
    assert.equal(executionResolver(sources({ recorded: (kind, name) => (kind === 'Flavor' && name === 'f' ? 'r' : undefined) }))('Flavor', 'f').id, 'r');
  });
  it('never the old id of something this run replaces', () => {
    const resolve = executionResolver(sources({ planned: new Map([['Volume/v', 'old']]), recorded: () => 'old', superseded: new Set(['Volume/v']) }));
    assert.deepEqual(resolve('Volume', 'v'), { id: undefined, name: 'v' });
  });
  it('pinned cloud objects, with their cloud name', () => {
    const resolve = executionResolver(sources({ pinned: new Map([['Flavor/m1.tiny', { id: '1', name: 'm1.tiny' }]]) }));
    assert.deepEqual(resolve('Flavor', 'm1.tiny'), { id: '1', name: 'm1.tiny' });
  });
  it('sees ids applied after it was made', () => {
    const applied = new Map<string, string>();
    const resolve = executionResolver(sources({ applied }));
    assert.equal(resolve('Keypair', 'k').id, undefined);
    applied.set('Keypair/k', 'k');
    assert.equal(resolve('Keypair', 'k').id, 'k');
  });
});
