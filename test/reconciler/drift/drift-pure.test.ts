import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DriftReport } from '../../../reconciler/drift/drift-model.ts';
import { foreignKeys } from '../../../reconciler/drift/foreign-keys.ts';
import { healthOf } from '../../../reconciler/drift/health.ts';
import { fieldIgnored, IgnoreFileError, parseIgnoreRules, pathMatches, resourceIgnored } from '../../../reconciler/drift/ignore-rules.ts';
import { renderDriftJunit, xml } from '../../../reconciler/drift/render-drift-junit.ts';
import { cell, renderDriftMarkdown } from '../../../reconciler/drift/render-drift-markdown.ts';
import { renderDriftText } from '../../../reconciler/drift/render-drift-text.ts';
import { manifest } from '../plan/fixtures.ts';

/** Table tests of the pure pieces: ignore rules, foreign keys, health, the three renderers. */

describe('ignore rules', () => {
  const rules = parseIgnoreRules('# teams\nServer/* spec.metadata.backup*   # backups\nVolume/legacy-* \n*/db-1 spec.metadata\n\n');
  const cases: Array<[string, string, string, boolean]> = [
    ['Server', 'web-1', 'spec.metadata.backup', true],
    ['Server', 'web-1', 'spec.metadata["backup-policy"]', true],
    ['Server', 'web-1', 'spec.metadata.owner', false],
    ['Volume', 'db-1', 'spec.metadata["a:b"]', true],
    ['Volume', 'db-1', 'spec.metadataX', false],
    ['Volume', 'web-1', 'spec.metadata.backup', false],
  ];
  for (const [kind, name, path, expected] of cases) {
    it(`${kind}/${name} ${path} -> ${expected ? 'ignored' : 'reported'}`, () => assert.equal(fieldIgnored(rules, kind as 'Server', name, path), expected));
  }
  it('whole resources: a rule without a path, or the annotation', () => {
    assert.match(resourceIgnored(rules, 'Volume', 'legacy-7')!, /^\.novaformignore:3: Volume\/legacy-\*$/);
    assert.equal(resourceIgnored(rules, 'Server', 'legacy-7'), undefined);
    const annotated = { ...manifest('Server', 'x', {}), metadata: { name: 'x', annotations: { 'novaform.io/drift': 'ignore' } } } as never;
    assert.equal(resourceIgnored([], 'Server', 'x', annotated), 'annotation novaform.io/drift: ignore');
  });
  it('every bad line at once, with its line number', () => {
    assert.throws(() => parseIgnoreRules('Sever/x\nServer\nServer/x metadata.a\nServer/x spec.a*b\nServer/x spec.a b\n', 'f'), (error: IgnoreFileError) => {
      assert.deepEqual(error.problems.map((p) => p.line), [1, 2, 3, 4, 5]);
      assert.match(error.message, /^f:1: unknown kind 'Sever'/);
      return true;
    });
  });
  it('pathMatches: prefix only at a field boundary unless the rule ends with *', () => {
    assert.equal(pathMatches('spec.meta*', 'spec.metadata.x'), true);
    assert.equal(pathMatches('spec.meta', 'spec.metadata.x'), false);
  });
});

describe('foreignKeys and healthOf', () => {
  it('keys neither declared nor last applied; ownership and cloud keys never', () => {
    const server = manifest('Server', 'w', { metadata: { role: 'web' } });
    assert.deepEqual(foreignKeys(server, { metadata: { role: 'x', old: '1', owner: 'bob', 'novaform:stack': 's' } }, { metadata: { old: '1' } }),
      [{ path: 'spec.metadata.owner', desired: null, actual: 'bob', apply: 'manual' }]);
    assert.deepEqual(foreignKeys(manifest('Volume', 'v', {}), { metadata: { readonly: 'False', attached_mode: 'rw' } }, undefined), []);
    assert.deepEqual(foreignKeys(manifest('Aggregate', 'a', {}), { metadata: { availability_zone: 'z', 'x:y': '1' } }, undefined),
      [{ path: 'spec.metadata["x:y"]', desired: null, actual: '1', apply: 'manual' }]);
    assert.deepEqual(foreignKeys(manifest('Flavor', 'f', { extraSpecs: { a: 1 } }), { extraSpecs: { a: '1', 'hw:numa': '2', 'novaform:stack': 's', 'novaform:name': 'f', 'novaform:retain': 'true' } }, undefined),
      [{ path: 'spec.extraSpecs["hw:numa"]', desired: null, actual: '2', apply: 'manual' }]);
  });
  it('a kind without map fields or health (a keypair): no foreign keys, always healthy', () => {
    assert.deepEqual(foreignKeys(manifest('Keypair', 'k', {}), { metadata: { a: '1' } }, undefined), []);
    assert.deepEqual(healthOf(manifest('Keypair', 'k', {}), { status: 'ERROR' }), { state: 'healthy' });
  });
  const server = (status: string, extra: object = {}) => ({ id: 's', status, taskState: null, ...extra });
  const table: Array<[string, Record<string, unknown>, object, string]> = [
    ['ACTIVE, wants running', {}, server('ACTIVE'), 'healthy'],
    ['SHUTOFF, wants running', {}, server('SHUTOFF'), 'unhealthy'],
    ['SHUTOFF, wants stopped', { powerState: 'stopped' }, server('SHUTOFF'), 'healthy'],
    ['ERROR', {}, server('ERROR', { fault: { message: 'No valid host was found.' } }), 'unhealthy'],
    ['PAUSED', {}, server('PAUSED'), 'unhealthy'],
    ['RESIZE', {}, server('RESIZE'), 'transition'],
  ];
  for (const [label, spec, observed, state] of table) {
    it(`server ${label}: ${state}`, () => assert.equal(healthOf(manifest('Server', 'w', spec), observed).state, state));
  }
  it('the fault message is the cloud\'s', () => {
    assert.deepEqual(healthOf(manifest('Server', 'w', {}), server('ERROR', { fault: { message: 'No valid host was found.' } })), { state: 'unhealthy', message: 'server is ERROR: No valid host was found.' });
    assert.deepEqual(healthOf(manifest('Volume', 'v', {}), { status: 'error' }), { state: 'unhealthy', message: 'volume status is error' });
    assert.equal(healthOf(manifest('Volume', 'v', {}), { status: 'extending' }).state, 'transition');
  });
});

describe('renderers', () => {
  const report: DriftReport = {
    version: 1, stack: 's', inSync: false,
    resources: [
      { kind: 'Server', name: 'w<1>', id: 'id-1', category: 'changed', message: 'm & "q"', changes: [{ path: 'spec.metadata.a', desired: 'x|y', actual: 'bad\u0001<', apply: 'manual' }] },
      { kind: 'Volume', name: 'd', id: 'v', category: 'missing', message: 'gone', changes: [] },
    ],
    summary: { changed: 1, missing: 1, unhealthy: 0, unmanaged: 0 },
    checked: [{ kind: 'Flavor', name: 'f', id: 'f' }], pending: [{ kind: 'Server', name: 'new', id: null, action: 'create', message: 'never applied' }],
    notes: [{ kind: 'Server', name: 'w<1>', message: 'n' }], ignored: [{ kind: 'Keypair', name: 'k', reason: 'r' }],
  };
  it('xml escapes markup and drops characters XML 1.0 forbids', () => assert.equal(xml('a<&>"\'\u0001\u0009'), 'a&lt;&amp;&gt;&quot;&apos;\u0009'));
  it('JUnit: counts, failures, passes and skips', () => {
    const out = renderDriftJunit(report, { time: 1.5 });
    assert.match(out, /<testsuites name="novaform drift" tests="5" failures="2" errors="0" skipped="2" time="1.500">/);
    assert.match(out, /<testcase classname="novaform.drift.s.Server" name="w&lt;1&gt;" time="0">\n      <failure type="changed" message="changed: m &amp; &quot;q&quot;">Server w&lt;1&gt; \(id-1\) is changed: m &amp; &quot;q&quot;\nspec.metadata.a: desired &quot;x\|y&quot;, actual &quot;bad\\u0001&lt;&quot; \(apply leaves it/);
    assert.match(out, /<testcase classname="novaform.drift.s.Flavor" name="f" time="0"><\/testcase>/);
    assert.ok(!out.includes('\u0001'));
  });
  it('Markdown: cells cannot break the table', () => {
    assert.equal(cell('a|b\n<c>\\'), 'a\\|b<br>&lt;c&gt;\\\\');
    const out = renderDriftMarkdown(report);
    assert.match(out, /\| changed \| Server \| w&lt;1&gt; \| `id-1` \| m & "q" \|/);
    assert.match(out, /\*\*Pending \(not drift\)\*\*\n\n- create Server new: never applied/);
  });
  it('text: the summary, each resource with its changes, then pending, notes and ignored', () => {
    assert.equal(renderDriftText(report), [
      'Drift in stack s: 1 changed, 1 missing, 0 unhealthy, 0 unmanaged; 1 in sync.', '',
      '  ~ changed   Server w<1> (id-1): m & "q"',
      '      spec.metadata.a: desired "x|y", actual "bad\\u0001<" (apply leaves it: fix by hand, declare it, or ignore it)',
      '  - missing   Volume d (v): gone', '',
      'Pending (manifest changes not applied yet; not drift):', '  + create Server new: never applied', '',
      'Notes (not drift):', '  Server w<1>: n', '', 'Ignored:', '  Keypair k: r', '',
    ].join('\n'));
  });
});
