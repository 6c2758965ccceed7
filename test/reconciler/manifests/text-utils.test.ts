import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCycles } from '../../../reconciler/manifests/graph-cycles.ts';
import { formatPath, parsePath, pointerToSegments } from '../../../reconciler/manifests/json-path.ts';
import { resolveLimits } from '../../../reconciler/manifests/limits.ts';
import { matchesSelector, parseSelector, SelectorSyntaxError } from '../../../reconciler/manifests/selector.ts';
import { editDistance, suggest } from '../../../reconciler/manifests/suggest.ts';
import { byteOffsetLocation, firstInvalidUtf8 } from '../../../reconciler/manifests/utf8.ts';

describe('suggest', () => {
  it('edit distance counts a transposition as one edit', () => {
    assert.equal(editDistance('imgae', 'image'), 1);
    assert.equal(editDistance('vcpu', 'vcpus'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
  const cases: Array<[string, string[], string | undefined]> = [
    ['vcpu', ['vcpus', 'ram', 'disk'], 'vcpus'],
    ['extra_specs', ['extraSpecs', 'access'], 'extraSpecs'],
    ['is-public', ['isPublic', 'access'], 'isPublic'],
    ['memory_mb', ['vcpus', 'ram'], 'ram'],
    ['key', ['keypair', 'image'], 'keypair'],
    ['key', ['publicKey', 'type'], 'publicKey'],
    ['Sever', ['Flavor', 'Server'], 'Server'],
    ['colour', ['vcpus', 'ram'], undefined],
    ['x', ['y'], undefined],
    ['', ['a'], undefined],
  ];
  for (const [word, candidates, expected] of cases) it(`${word} → ${expected}`, () => assert.equal(suggest(word, candidates), expected));
});

describe('JSON paths', () => {
  it('formats and parses identifiers, indexes and quoted keys', () => {
    const segments = ['spec', 'extraSpecs', 'hw:cpu_policy'];
    assert.equal(formatPath(segments), 'spec.extraSpecs["hw:cpu_policy"]');
    assert.deepEqual(parsePath('spec.extraSpecs["hw:cpu_policy"]'), segments);
    assert.equal(formatPath(['spec', 'volumes', 0, 'volume']), 'spec.volumes[0].volume');
    assert.deepEqual(parsePath('spec.volumes[0].volume'), ['spec', 'volumes', 0, 'volume']);
    assert.deepEqual(parsePath(''), []);
    assert.throws(() => parsePath('spec..x'), /not a JSON path/);
  });
  it('tells list indexes from numeric keys with the data', () => {
    assert.deepEqual(pointerToSegments('/spec/metadata/0', { spec: { metadata: { 0: 'a' } } }), ['spec', 'metadata', '0']);
    assert.deepEqual(pointerToSegments('/spec/tags/0', { spec: { tags: ['a'] } }), ['spec', 'tags', 0]);
    assert.deepEqual(pointerToSegments('/a~1b/c~0d', {}), ['a/b', 'c~d']);
  });
});

describe('findCycles', () => {
  const graph = (edges: Record<string, string[]>) => (node: string) => edges[node] ?? [];
  it('finds each cycle once, starting at its earliest node', () => {
    assert.deepEqual(findCycles(['a', 'b', 'c', 'd'], graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })), [['a', 'b', 'c']]);
    assert.deepEqual(findCycles(['x', 'y', 'z'], graph({ x: ['x'], y: ['z'], z: ['y'] })), [['x'], ['y', 'z']]);
  });
  it('reports nothing for a DAG', () => {
    assert.deepEqual(findCycles(['s', 'f', 'v'], graph({ s: ['f', 'v'], v: ['f'] })), []);
  });
});

describe('selectors', () => {
  it('parses key=value terms, comma-separated and repeated', () => {
    assert.deepEqual(parseSelector(['tier=web,env=prod', 'novaform.io/team==a']), [
      { key: 'tier', value: 'web' }, { key: 'env', value: 'prod' }, { key: 'novaform.io/team', value: 'a' },
    ]);
  });
  for (const bad of ['tier', '=web', 'tier!=web', 'ti er=web']) {
    it(`refuses ${bad}`, () => assert.throws(() => parseSelector([bad]), SelectorSyntaxError));
  }
  it('matches when every term matches', () => {
    assert.equal(matchesSelector({ a: '1', b: '2' }, parseSelector(['a=1', 'b=2'])), true);
    assert.equal(matchesSelector({ a: '1' }, parseSelector(['a=1', 'b=2'])), false);
    assert.equal(matchesSelector(undefined, []), true);
    assert.equal(matchesSelector({ a: '' }, parseSelector(['a='])), true);
  });
});

describe('UTF-8', () => {
  const cases: Array<[number[], number]> = [
    [[0x61, 0x62], -1],
    [[0xc3, 0xa9], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x61, 0xe9, 0x62], 1],
    [[0xc0, 0xaf], 0],
    [[0xed, 0xa0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0x61, 0xe2, 0x82], 1],
  ];
  for (const [bytes, offset] of cases) it(`${bytes.map((b) => b.toString(16)).join(' ')} → ${offset}`, () => assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), offset));
  it('locates a byte by line and character column', () => {
    const bytes = Buffer.concat([Buffer.from('ab\nçé'), Buffer.from([0xff])]);
    assert.deepEqual(byteOffsetLocation('f', bytes, bytes.length - 1), { file: 'f', line: 2, column: 3 });
  });
});

describe('limits', () => {
  it('defaults to 1 MiB per file, 10 MiB in all, 100 alias nodes', () => {
    assert.deepEqual(resolveLimits(), { maxFileBytes: 1048576, maxTotalBytes: 10485760, maxAliasCount: 100, maxPublicKeyFileBytes: 65536 });
    assert.equal(resolveLimits({ maxFileBytes: 5 }).maxFileBytes, 5);
    assert.throws(() => resolveLimits({ maxTotalBytes: -1 }), RangeError);
  });
});
