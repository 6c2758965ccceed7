import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadManifests, ManifestPathError, parseSelector } from '../../../reconciler/manifests/index.ts';
import { createFixture, DOCS, where, type Fixture } from './manifest-fixtures.ts';

describe('loadManifests', () => {
  let fx: Fixture;
  before(async () => { fx = await createFixture(); });
  after(() => fx.remove());

  it('reads several documents per file, with each document\'s place, skipping empty ones', async () => {
    await fx.write({ 'multi.yaml': `# comment\n---\n${DOCS.flavor('a')}---\n${DOCS.flavor('b')}---\n` });
    const result = await fx.load(['multi.yaml']);
    assert.deepEqual(result.errors, []);
    assert.equal(result.documentCount, 2);
    assert.deepEqual(result.manifests.map((m) => [m.metadata.name, m.source]), [
      ['a', { file: 'multi.yaml', line: 3, column: 1 }],
      ['b', { file: 'multi.yaml', line: 12, column: 1 }],
    ]);
    assert.deepEqual(result.manifests[1]!.locate('spec.ram'), { file: 'multi.yaml', line: 18, column: 8 });
  });

  it('walks directories recursively in a deterministic order and takes .yaml, .yml and .json', async () => {
    await fx.write({
      'tree/b.yaml': DOCS.volume('b'),
      'tree/a/z.yml': DOCS.volume('az'),
      'tree/a/y.json': JSON.stringify({ apiVersion: 'novaform/v1', kind: 'Volume', metadata: { name: 'ay' }, spec: { size: '2GiB' } }),
      'tree/C.yaml': DOCS.volume('C'),
      'tree/c/d.yaml': DOCS.volume('cd'),
      'tree/notes.txt': 'not a manifest',
      'tree/.hidden/x.yaml': DOCS.volume('hidden'),
      'tree/node_modules/x.yaml': DOCS.volume('dep'),
      'tree/novaform.yaml': 'stack: demo\n',
    });
    const result = await fx.load(['tree']);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.files, ['tree/C.yaml', 'tree/a/y.json', 'tree/a/z.yml', 'tree/b.yaml', 'tree/c/d.yaml']);
    assert.deepEqual(result.manifests.map((m) => m.metadata.name), ['C', 'ay', 'az', 'b', 'cd']);
    assert.equal(result.manifests[1]!.kind === 'Volume' && result.manifests[1]!.spec.size, 2, 'quantities are converted in JSON too');
    assert.deepEqual(result.manifests[1]!.source, { file: 'tree/a/y.json', line: 1, column: 1 });
  });

  it('reads a file named explicitly whatever its extension, once even when named twice; follows no symlink loop', async () => {
    await fx.write({ 'explicit/manifest.txt': DOCS.volume('t') });
    await symlink('.', join(fx.dir, 'explicit', 'loop'));
    const result = await fx.load(['explicit', 'explicit/manifest.txt', './explicit/manifest.txt']);
    assert.deepEqual(result.files, ['explicit/manifest.txt']);
    assert.equal(result.manifests.length, 1);
  });

  it('a path that does not exist is a ManifestPathError', async () => {
    await assert.rejects(fx.load(['nope']), (error: unknown) => error instanceof ManifestPathError && error.message === 'nope: no such file or directory');
  });

  it('--selector: every term must match; all documents are still validated', async () => {
    const labelled = (name: string, labels: string) => `apiVersion: novaform/v1\nkind: Volume\nmetadata:\n  name: ${name}\n  labels: ${labels}\nspec: {size: 1}\n`;
    await fx.write({ 'sel.yaml': [labelled('a', '{tier: web, env: prod}'), labelled('b', '{tier: web, env: dev}'), labelled('c', '{tier: db}'), labelled('d', '{}')].join('---\n') });
    const names = async (...selector: string[]) => (await fx.load(['sel.yaml'], { selector: parseSelector(selector) })).manifests.map((m) => m.metadata.name);
    assert.deepEqual(await names(), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await names('tier=web'), ['a', 'b']);
    assert.deepEqual(await names('tier=web', 'env=prod'), ['a']);
    assert.deepEqual(await names('tier=web,env=dev'), ['b']);
    assert.deepEqual(await names('tier=cache'), []);
    await fx.write({ 'sel2.yaml': `${labelled('a', '{tier: web}')}---\n${labelled('b', '{tier: db}').replace('size: 1', 'size: -1')}` });
    const invalid = await fx.load(['sel2.yaml'], { selector: parseSelector(['tier=web']) });
    assert.deepEqual(invalid.errors.map(where), ['sel2.yaml:13:14 spec.size invalid-value'], 'an unselected document is still checked');
  });

  it('references: manifests become dependsOn; the rest are unresolvedRefs for the planner', async () => {
    await fx.write({
      'refs.yaml': [
        DOCS.flavor('m1'),
        DOCS.volume('data', 'size: 1\n  image: debian-12'),
        'apiVersion: novaform/v1\nkind: Aggregate\nmetadata: {name: fast}\nspec: {availabilityZone: az-fast}\n',
        DOCS.server('web', 'flavor: m1\n  image: cirros\n  keypair: ops\n  availabilityZone: az-fast\n  volumes: [{volume: data}, {volume: old-vol}]'),
        DOCS.server('db', 'flavor: m1.large\n  image: cirros\n  availabilityZone: nova'),
      ].join('---\n'),
    });
    const result = await fx.load(['refs.yaml']);
    assert.deepEqual(result.errors, []);
    const web = result.manifests.find((m) => m.metadata.name === 'web')!;
    assert.deepEqual(web.dependsOn, [
      { kind: 'Flavor', name: 'm1', path: 'spec.flavor' },
      { kind: 'Aggregate', name: 'fast', path: 'spec.availabilityZone' },
      { kind: 'Volume', name: 'data', path: 'spec.volumes[0].volume' },
    ]);
    assert.deepEqual(
      result.unresolvedRefs.map((r) => `${r.from.kind}/${r.from.name} ${r.path} -> ${r.target} ${r.name} @${r.location.line}:${r.location.column}`),
      [
        'Volume/data spec.image -> Image debian-12 @16:10',
        'Server/web spec.image -> Image cirros @29:10',
        'Server/web spec.keypair -> Keypair ops @30:12',
        'Server/web spec.volumes[1].volume -> Volume old-vol @32:38',
        'Server/db spec.flavor -> Flavor m1.large @39:11',
        'Server/db spec.image -> Image cirros @40:10',
        'Server/db spec.availabilityZone -> AvailabilityZone nova @41:21',
      ],
    );
  });

  it('a reference left out by the selector is unresolved with outsideSelection', async () => {
    await fx.write({ 'out.yaml': `${DOCS.flavor('m1.small')}---\n${DOCS.server('web').replace('name: web', 'name: web\n  labels: {tier: web}')}` });
    const result = await fx.load(['out.yaml'], { selector: parseSelector(['tier=web']) });
    assert.deepEqual(result.manifests.map((m) => [m.metadata.name, m.dependsOn]), [['web', []]]);
    assert.deepEqual(result.unresolvedRefs.filter((r) => r.target === 'Flavor').map((r) => [r.name, r.outsideSelection]), [['m1.small', true]]);
  });

  it('warns when an unresolved reference looks like a typo of a manifest name', async () => {
    await fx.write({ 'typo.yaml': `${DOCS.flavor('m1.small')}---\n${DOCS.server('web', 'flavor: m1.smal\n  image: cirros')}` });
    const result = await fx.load(['typo.yaml']);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings.map((w) => [where(w), w.severity, w.message, w.hints]), [
      ['typo.yaml:15:11 spec.flavor unresolved-reference', 'warning', "no Flavor manifest is named 'm1.smal'; it must exist in the cloud at plan time", ["did you mean 'm1.small'?"]],
    ]);
  });

  it('returns specs in Nova\'s units', async () => {
    await fx.write({ 'units.yaml': DOCS.flavor('m1', 'vcpus: 2\n  ram: 2GiB\n  disk: 16GiB\n  ephemeral: 1TiB\n  swap: 512MiB') });
    const [flavor] = (await fx.load(['units.yaml'])).manifests;
    assert.deepEqual(flavor!.spec, { vcpus: 2, ram: 2048, disk: 16, ephemeral: 1024, swap: 512 });
  });

  it('the quickstart example validates', async () => {
    const result = await loadManifests(['examples/quickstart']);
    assert.deepEqual([...result.errors, ...result.warnings], []);
    assert.deepEqual(result.manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort(), [
      'Aggregate/qs-fast', 'Flavor/qs.small', 'Keypair/quickstart', 'Server/qs-batch', 'Server/qs-web', 'Volume/qs-data',
    ]);
    const batch = result.manifests.find((m) => m.metadata.name === 'qs-batch')!;
    assert.deepEqual(batch.dependsOn.map((d) => `${d.kind}/${d.name}`), ['Flavor/qs.small', 'Aggregate/qs-fast']);
  });
});
