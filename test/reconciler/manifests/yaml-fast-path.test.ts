import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isScalar } from 'yaml';
import type { PathSegment } from '../../../reconciler/manifests/json-path.ts';
import { parseYamlStream } from '../../../reconciler/manifests/parse-documents.ts';
import { fastLocate, scanFastYaml, type FastNode } from '../../../reconciler/manifests/yaml-fast-path.ts';
import { locateNode, offsetLocation } from '../../../reconciler/manifests/yaml-locate.ts';
import { createFixture, PUBLIC_KEY } from './manifest-fixtures.ts';

/**
 * The fast path's contract: whatever it reads, it reads exactly as `yaml`
 * does (document indexes, values, the place of every path), and it refuses
 * what it does not read. Compared here on the examples, generated stacks and
 * texts written to sit on the subset's edges.
 */

/** Every path into `value`, plus paths that leave it (a missing key, an index past the end, a step into a scalar). */
function pathsOf(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const paths: PathSegment[][] = [prefix, [...prefix, 'missing'], [...prefix, 0], [...prefix, 99]];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** Asserts the fast path reads `text` (all of it) exactly as `yaml` does. */
function assertSameAsYaml(text: string, label: string): void {
  const fast = scanFastYaml(text);
  assert.ok(fast, `${label}: the fast path refused it`);
  const { docs, lineCounter } = parseYamlStream(text);
  const nonEmpty = docs.flatMap((doc, index) => (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null) ? [] : [index]));
  assert.deepEqual(fast.documents.map((d) => d.index), nonEmpty, `${label}: document indexes`);
  for (const range of fast.documents) {
    const root = fast.read(range) as FastNode;
    assert.ok(root, `${label}: document ${range.index} refused`);
    const doc = docs[range.index]!;
    assert.deepEqual([...doc.errors, ...doc.warnings], [], `${label}: yaml finds problems the fast path missed`);
    assert.deepStrictEqual(root.value, doc.toJS(), `${label}: document ${range.index} value`);
    const source = { file: 'f.yaml', doc, lineCounter };
    for (const path of pathsOf(root.value)) {
      for (const target of ['value', 'key'] as const) {
        const fastAt = offsetLocation('f.yaml', fast.lineCounter, fastLocate(root, path, target));
        assert.deepEqual(fastAt, locateNode(source, path, target), `${label}: document ${range.index} ${JSON.stringify(path)} ${target}`);
      }
    }
  }
}

/** True when some document of `text` is refused (or the whole text). */
function refused(text: string): boolean {
  const fast = scanFastYaml(text);
  return !fast || fast.documents.some((range) => fast.read(range) === undefined);
}

const ACCEPTED: Record<string, string> = {
  'nested mappings, lists and comments': [
    '# a leading comment', 'apiVersion: novaform/v1   # trailing', 'kind: Server', 'metadata:', '  name: web-1', '  labels: {tier: web, ssd: "true"}',
    'spec:', '  flavor: m1.small', '  networks:', '  - uuid: 3f1c', '    fixedIp: 10.0.0.4', '  -   port: p1', '  volumes:', '    - volume: data',
    '      device: /dev/vdb', '    -', '      volume: logs', '  tags: [a, b c, "d,e", \'f\']', '  metadata: {}', '  list: []', '  empty:', '  commented: # nothing',
    '  nullish: ~', '  nulls: [null, Null, NULL]', '  bools: [true, False, TRUE]', '  ints: [0, -7, 007, 123456789012345]', '  floats: [1.5, -.5, 2e3, 1.]',
    '  strings: [1.5GiB, 2GB, 0o, 0x, yes, no, on, -x, /dev/vdb]', '  url: http://example.com/a#frag', '  key:with:colons: v', '  hw:cpu_policy: dedicated',
    '  dash-key_1.x/y: "a # not a comment"', "  single: 'it is'", '  spaced:    value   ',
  ].join('\n'),
  'several documents, empty ones counted': '---\na: 1\n---\n---\n# only a comment\n---\nb: [x]\n---\n',
  'content before the first marker': 'a: 1\n---\nb: 2\n',
  'comments before the first marker': '# c\n\n---\na: 1\n',
  'an indented top level': '  a: 1\n  b:\n    c: 2\n',
  'a list at its key\'s indent, then more keys': 'a:\n- 1\n- x: y\n  z: [w]\nb: 2\n',
  'a list item holding a list': 'a:\n  -\n    - 1\n    - 2\n',
  'no final newline': 'a: b',
  'unicode': 'name: café ☕\nnote: "ünï"\n',
  'empty flow collections with spaces': 'a: { }\nb: [ ]\n',
};

const REFUSED: Record<string, string> = {
  'a tab': 'a:\tb\n',
  'CR line ends': 'a: 1\r\nb: 2\r\n',
  'a BOM': '\uFEFFa: 1\n',
  'an anchor and alias': 'a: &x 1\nb: *x\n',
  'a tag': 'a: !!str 1\n',
  'a directive': '%YAML 1.2\n---\na: 1\n',
  'a document end marker': 'a: 1\n...\n',
  'content after a marker': '--- a: 1\n',
  'a block scalar': 'a: |\n  text\n',
  'a multi-line plain scalar': 'a: one\n  two\n',
  'a multi-line flow collection': 'a: [1,\n  2]\n',
  'a nested flow collection': 'a: [[1]]\n',
  'a trailing comma in a flow collection': 'a: [1, ]\n',
  'an escape in a double-quoted scalar': 'a: "x\\ny"\n',
  'a duplicate key': 'a: 1\na: 2\n',
  'a duplicate flow key': 'a: {b: 1, b: 2}\n',
  'a non-string key': 'true: 1\n',
  'a number key': '1: x\n',
  'a quoted key': '"a": 1\n',
  'a complex key': '? a\n: 1\n',
  'a merge key': '<<: {a: 1}\n',
  'a __proto__ key': '__proto__: 1\n',
  'a key without a space after its colon': 'a:1\n',
  'a value with a colon and space': 'a: b: c\n',
  'a top-level list': '- a\n- b\n',
  'a top-level scalar': 'just text\n',
  'a JSON document': '{"a": 1}\n',
  'bad indentation': 'a:\n    b: 1\n  c: 2\n',
  'a hex number': 'a: 0x1F\n',
  'an octal number': 'a: 0o17\n',
  'a long integer': 'a: 1234567890123456\n',
  'a plus sign': 'a: +1\n',
  'infinity': 'a: .inf\n',
  'a list item holding a list on its line': 'a:\n- - 1\n',
  'a flow key with a colon': 'a: {b:c: 1}\n',
  'a comment right after a quote': 'a: "b"#c\n',
};

describe('the YAML fast path', () => {
  for (const [label, text] of Object.entries(ACCEPTED)) {
    it(`reads ${label} exactly as yaml does`, () => assertSameAsYaml(text, label));
  }

  for (const [label, text] of Object.entries(REFUSED)) {
    it(`leaves ${label} to the full parser`, () => assert.equal(refused(text), true, label));
  }

  it('reads the examples and generated stacks exactly as yaml does', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (/\.ya?ml$/.test(entry.name)) files.push(join(dir, entry.name));
      }
    };
    await walk(new URL('../../../examples', import.meta.url).pathname);
    let read = 0;
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      if (refused(text)) continue;
      assertSameAsYaml(text, file);
      read += 1;
    }
    assert.ok(read >= 3, `only ${read} example files were in the subset`);
    const server = (i: number) => `apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: s${i}\n  labels: {group: g${i}, tier: web}\nspec:\n  flavor: f\n  image: cirros\n  availabilityZone: az-${i}\n  metadata: {role: app, ssd: "true"}\n  tags: [bench, g${i}]\n  volumes:\n    - {volume: v${i}, device: /dev/vdb}\n`;
    const keypair = `apiVersion: novaform/v1\nkind: Keypair\nmetadata:\n  name: k\nspec:\n  publicKey: ${PUBLIC_KEY}\n`;
    assertSameAsYaml([keypair, ...Array.from({ length: 50 }, (_, i) => server(i))].join('---\n'), 'generated stack');
  });
});

describe('loading a file the fast path reads only in part', () => {
  it('places diagnostics of a 1,000-document file the same on both sides of a refused document', async () => {
    const fixture = await createFixture();
    try {
      const doc = (i: number, ram: string) => `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: f${i}\nspec:\n  vcpus: 1\n  ram: ${ram}\n  disk: 1\n`;
      // Document 500 has an anchor (outside the subset): the documents after it go to the full parser.
      const docs = Array.from({ length: 1000 }, (_, i) => (i === 500 ? doc(i, '&r 512') : doc(i, i === 10 || i === 990 ? '2GB' : '512')));
      await fixture.write({ 'a.yaml': docs.join('---\n') });
      const result = await fixture.load();
      // Each document is 8 lines plus its `---`; `ram` is the 7th line, its value at column 8.
      assert.deepEqual(result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.path}`), [`a.yaml:${10 * 9 + 7}:8 spec.ram`, `a.yaml:${990 * 9 + 7}:8 spec.ram`]);
      assert.equal(result.errors[0]!.message, result.errors[1]!.message);
      assert.equal(result.documentCount, 1000);
      const later = result.manifests.find((m) => m.metadata.name === 'f999')!;
      assert.deepEqual(later.source, { file: 'a.yaml', line: 999 * 9 + 1, column: 1 });
      assert.deepEqual(later.locate('spec.disk'), { file: 'a.yaml', line: 999 * 9 + 8, column: 9 });
    } finally {
      await fixture.remove();
    }
  });
});
