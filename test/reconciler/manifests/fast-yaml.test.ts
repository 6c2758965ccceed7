import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isScalar } from 'yaml';
import { checkDocument } from '../../../reconciler/manifests/check-document.ts';
import type { Locator } from '../../../reconciler/manifests/convert-sizes.ts';
import { readFastYaml } from '../../../reconciler/manifests/fast-yaml.ts';
import type { FileLocator } from '../../../reconciler/manifests/lazy-locator.ts';
import { resolveLimits } from '../../../reconciler/manifests/limits.ts';
import { parseDocuments, parseYamlStream } from '../../../reconciler/manifests/parse-documents.ts';
import { createFixture, PUBLIC_KEY } from './manifest-fixtures.ts';

/**
 * The fast reader's contract: whatever it reads, `yaml` reads the same
 * (document indexes, values) with no error or warning; what it cannot be
 * sure of it leaves to `yaml`. Compared here on the examples, generated
 * stacks, and texts written to sit on the edges where js-yaml and `yaml`
 * differ.
 */

/** Asserts that, if the fast reader takes `text`, yaml reads it the same and without problems; returns whether it took it. */
function agreesWithYaml(text: string, label: string): boolean {
  const fast = readFastYaml(text);
  if (!fast) return false;
  const { docs } = parseYamlStream(text);
  for (const doc of docs) assert.deepEqual([...doc.errors, ...doc.warnings].map((p) => p.message), [], `${label}: yaml finds problems the fast reader missed`);
  const isEmpty = (doc: (typeof docs)[number]) => doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
  const yamlIndexes = docs.flatMap((doc, index) => (isEmpty(doc) ? [] : [index]));
  const fastIndexes = fast.flatMap((value, index) => (value === null ? [] : [index]));
  assert.deepEqual(fastIndexes, yamlIndexes, `${label}: document indexes`);
  for (const index of yamlIndexes) assert.deepStrictEqual(fast[index], docs[index]!.toJS(), `${label}: document ${index}`);
  return true;
}

/** Texts js-yaml reads as yaml does: the fast reader MUST take them. */
const READ_FAST: Record<string, string> = {
  'nested mappings, lists and comments': [
    '# a leading comment', 'apiVersion: novaform/v1   # trailing', 'kind: Server', 'metadata:', '  name: web-1', '  labels: {tier: web, ssd: "true"}',
    'spec:', '  flavor: m1.small', '  networks:', '  - uuid: 3f1c', '    fixedIp: 10.0.0.4', '  -   port: p1', '  volumes:', '    - volume: data',
    '      device: /dev/vdb', '    -', '      volume: logs', '  tags: [a, b c, "d,e", \'f\']', '  metadata: {}', '  list: []', '  empty:', '  commented: # nothing',
    '  nullish: ~', '  nulls: [null, Null, NULL]', '  bools: [true, False, TRUE]', '  ints: [0, -7, 007, 123456789012345, 0o17, 0x1F, +1]',
    '  floats: [1.5, -.5, 2e3, 1., .inf, -.Inf, .NaN]', '  strings: [1.5GiB, 2GB, 0o, 0x, 0b11, 1_000, 2001-01-01, yes, no, on, -x, /dev/vdb]',
    '  url: http://example.com/a#frag', '  key:with:colons: v', '  hw:cpu_policy: dedicated', '  dash-key_1.x/y: "a # not a comment"', "  single: 'it''s'",
    '  spaced:    value   ', '  escaped: "x\\ny\\"z"', '  apostrophe: it\'s', '  hash: x#y',
  ].join('\n'),
  'several documents, empty ones counted': '---\na: 1\n---\n---\n# only a comment\n---\nb: [x]\n---\n',
  'content before the first marker': 'a: 1\n---\nb: 2\n',
  'comments before the first marker': '# c\n\n---\na: 1\n',
  'a file of comments': '# nothing here\n',
  'document end markers': 'a: 1\n...\n---\nb: 2\n...\n',
  'a null document before others': '~\n---\na: 1\n',
  'an indented top level': '  a: 1\n  b:\n    c: 2\n',
  "a list at its key's indent, then more keys": 'a:\n- 1\n- x: y\n  z: [w]\nb: 2\n',
  'a list item holding a list': 'a:\n  -\n    - 1\n    - 2\n',
  'a list of flow mappings': 'a:\n  - {volume: v, device: /dev/vdb}\n  - [x, "]"]\n',
  'no final newline': 'a: b',
  'unicode': 'name: café ☕\nnote: "ünï"\n',
  'empty flow collections with spaces': 'a: { }\nb: [ ]\n',
  'block scalars': 'a: |\n  text\n  more\nb: >-\n  folded\n  line\n',
  'a multi-line plain scalar': 'a: one\n  two\n',
  'number and bool keys': '1: x\ntrue: y\n0x1F: z\n',
  'CR line ends': 'a: 1\r\nb: 2\r\n',
  'a BOM': '\uFEFFa: 1\n',
};

/** Texts js-yaml reads differently from yaml, or that yaml refuses: the fast reader MUST leave them to yaml. */
const LEFT_TO_YAML: Record<string, string> = {
  'an anchor and alias': 'a: &x 1\nb: *x\n',
  'a billion laughs': 'a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n',
  'a tag': 'a: !!str 1\n',
  'a custom tag': 'a: !thing 1\n',
  'a YAML 1.1 directive': '%YAML 1.1\n---\na: yes\n',
  'a duplicate key': 'a: 1\na: 2\n',
  'a duplicate flow key': 'a: {b: 1, b: 2}\n',
  'a null key': '~: x\n',
  'a null key spelled out': 'null: x\n',
  'a flow collection key': '[a]: 1\n',
  'a flow mapping key': '{a: 1}: 2\n',
  'a flow key inside a flow mapping': 'x: {[a]: 1}\n',
  'an explicit collection key': '? [a]\n: 1\n',
  'a value with a colon and space': 'a: b: c\n',
  'a comment right after a quote': 'a: "b"#c\n',
  'content after a marker': '--- a: 1\n',
  'an under-indented flow sequence': 'a:\n  b: [1,\n  2]\n',
  'an unindented flow sequence': 'a: [1,\n2]\n',
  'an under-indented double-quoted scalar': 'a:\n  b: "x\ny"\n',
  'an under-indented single-quoted scalar': "a:\n  b: 'x\ny'\n",
  'text after a quoted scalar': 'a: "x" y\n',
  'a tab in indentation': 'a:\n\tb: 1\n',
  'bad indentation': 'a:\n    b: 1\n  c: 2\n',
  'a comment inside a mapping, then a deeper key': 'a: x\n#c\n  b: 1\n',
  'nesting past the limit': Array.from({ length: 120 }, (_, depth) => `${'  '.repeat(depth)}k${depth}:`).join('\n') + ' 1\n',
};

/** The rest of the hand-written reader's edge cases: either way is allowed, but what is read MUST match yaml. */
const EITHER_WAY: Record<string, string> = {
  'a tab after a colon': 'a:\tb\n',
  'a nested flow collection': 'a: [[1]]\n',
  'a trailing comma in a flow collection': 'a: [1, ]\n',
  'a quoted key': '"a": 1\n',
  'a complex key': '? a\n: 1\n',
  'a merge key': '<<: {a: 1}\n',
  'a __proto__ key': '__proto__: 1\n',
  'a key without a space after its colon': 'a:1\n',
  'a top-level list': '- a\n- b\n',
  'a top-level scalar': 'just text\n',
  'a JSON document': '{"a": 1}\n',
  'a long integer': 'a: 1234567890123456789\n',
  'a list item holding a list on its line': 'a:\n- - 1\n',
  'a flow key with a colon': 'a: {b:c: 1}\n',
  'a multi-line flow mapping': 'a: {b: 1,\n  c: 2}\n',
};

describe('the fast YAML reader', () => {
  for (const [label, text] of Object.entries(EITHER_WAY)) {
    it(`reads ${label} as yaml does, if it reads it`, () => void agreesWithYaml(text, label));
  }

  for (const [label, text] of Object.entries(READ_FAST)) {
    it(`reads ${label} as yaml does`, () => assert.equal(agreesWithYaml(text, label), true, `${label}: left to yaml`));
  }

  for (const [label, text] of Object.entries(LEFT_TO_YAML)) {
    it(`leaves ${label} to yaml`, () => assert.equal(readFastYaml(text), undefined, label));
  }

  it('reads the examples and generated stacks as yaml does', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (/\.ya?ml$/.test(entry.name)) files.push(join(dir, entry.name));
      }
    };
    await walk(new URL('../../../examples', import.meta.url).pathname);
    let read = 0;
    for (const file of files) if (agreesWithYaml(await readFile(file, 'utf8'), file)) read += 1;
    assert.ok(read >= files.length - 2, `only ${read} of ${files.length} example files were read fast`);
    assert.equal(agreesWithYaml(generatedStack(50), 'generated stack'), true, 'the generated stack was left to yaml');
  });
});

const server = (i: number) =>
  `apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: s${i}\n  labels: {group: g${i}, tier: web}\nspec:\n  flavor: f\n  image: cirros\n  availabilityZone: az-${i}\n  metadata: {role: app, ssd: "true"}\n  tags: [bench, g${i}]\n  volumes:\n    - {volume: v${i}, device: /dev/vdb}\n`;
const flavor = `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: f\nspec:\n  vcpus: 1\n  ram: 512MiB\n  disk: 1\n`;
const keypair = `apiVersion: novaform/v1\nkind: Keypair\nmetadata:\n  name: k\nspec:\n  publicKey: ${PUBLIC_KEY}\n`;
/** A keypair, a flavor and `count` servers, each with a volume reference to nothing (so one cloud-only reference each). */
const generatedStack = (count: number) => [keypair, flavor, ...Array.from({ length: count }, (_, i) => server(i))].join('---\n');

describe('places of a fast-read file', () => {
  it('are never looked up for valid documents, and are right when asked for', async () => {
    const text = generatedStack(20);
    const calls: string[] = [];
    const real = (await import('../../../reconciler/manifests/lazy-locator.ts')).lazyLocator('s.yaml', text);
    // A recording wrapper around the real lazy locator: the contract under test is that nothing calls it.
    const later: FileLocator = (index, path, target) => {
      calls.push(`${index} ${path.join('.')}`);
      return real(index, path, target);
    };
    const limits = resolveLimits({});
    const checked = [];
    for (const parsed of parseDocuments('s.yaml', text, limits.maxAliasCount, [], later)) {
      const locateLater: Locator = (path, target) => later(parsed.index, path, target);
      const outcome = await checkDocument(parsed, '/nowhere/s.yaml', limits, [], locateLater);
      assert.deepEqual(outcome.diagnostics, []);
      checked.push(outcome.doc!);
    }
    assert.equal(checked.length, 22);
    assert.ok(checked.every((doc) => doc.references.length > 0 || doc.kind !== 'Server'));
    assert.deepEqual(calls, [], 'a valid document looked up a place');
    const last = checked.at(-1)!;
    assert.deepEqual(last.location, { file: 's.yaml', line: 17 + 14 * 19, column: 1 });
    assert.deepEqual(last.references.find((ref) => ref.path.join('.') === 'spec.flavor')?.location, { file: 's.yaml', line: last.location.line + 6, column: 11 });
  });

  it('places diagnostics of a 1,000-document file as yaml does, read fast or not', async () => {
    const fixture = await createFixture();
    try {
      const doc = (i: number, ram: string) => `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: f${i}\nspec:\n  vcpus: 1\n  ram: ${ram}\n  disk: 1\n`;
      const docs = (anchor: boolean) => Array.from({ length: 1000 }, (_, i) => doc(i, i === 10 || i === 990 ? '2GB' : i === 500 && anchor ? '&r 512' : '512'));
      // With an anchor in document 500 the whole file goes to yaml; without, to the fast reader.
      for (const anchor of [false, true]) {
        await fixture.write({ 'a.yaml': docs(anchor).join('---\n') });
        assert.equal(readFastYaml(docs(anchor).join('---\n')) === undefined, anchor);
        const result = await fixture.load();
        // Each document is 8 lines plus its `---`; `ram` is the 7th line, its value at column 8.
        assert.deepEqual(result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.path}`), [`a.yaml:${10 * 9 + 7}:8 spec.ram`, `a.yaml:${990 * 9 + 7}:8 spec.ram`]);
        assert.equal(result.documentCount, 1000);
        const later = result.manifests.find((m) => m.metadata.name === 'f999')!;
        assert.deepEqual(later.source, { file: 'a.yaml', line: 999 * 9 + 1, column: 1 });
        assert.deepEqual(later.locate('spec.disk'), { file: 'a.yaml', line: 999 * 9 + 8, column: 9 });
      }
    } finally {
      await fixture.remove();
    }
  });
});
