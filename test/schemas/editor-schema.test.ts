import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvErrors from 'ajv-errors';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { packageFile } from '../../schemas/package-files.ts';
import { startYamlLanguageServer, type YamlLanguageServer } from '../helpers/yaml-language-server.ts';

/**
 * The committed schemas/novaform.schema.json as tools other than novaform
 * use it: ajv with its own extension packages, and the YAML language
 * server that editors run.
 */

const SCHEMA_FILE = packageFile('schemas/novaform.schema.json');
const QUICKSTART = packageFile('examples/quickstart');
const MODELINE = '# yaml-language-server: $schema=../../schemas/novaform.schema.json';

async function manifestFiles(): Promise<string[]> {
  return (await readdir(QUICKSTART)).filter((name) => name.endsWith('.yaml') && name !== 'novaform.yaml').sort();
}

describe('the published schema in ajv (default options, ajv-formats, ajv-errors)', () => {
  it('compiles in strict mode (no unknown keyword or format) and accepts every quickstart document', async () => {
    const complaints: unknown[] = [];
    const ajv = new Ajv2020({ allErrors: true, logger: { log: () => {}, warn: (...args) => complaints.push(args), error: (...args) => complaints.push(args) } });
    addFormats.default(ajv);
    ajvErrors.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')));
    // ajv's default strictTypes only logs about `minimum` beside a $ref to a union type; any other complaint
    // (an unknown keyword or format) would make strict ajv throw or misread the schema.
    assert.deepEqual(complaints.map(String).filter((text) => !text.endsWith('(strictTypes)')), []);
    let documents = 0;
    for (const name of await manifestFiles()) {
      for (const document of parseAllDocuments(await readFile(join(QUICKSTART, name), 'utf8'))) {
        assert.equal(validate(document.toJS()), true, `${name}: ${JSON.stringify(validate.errors)}`);
        documents += 1;
      }
    }
    assert.ok(documents >= 6, `only ${documents} documents`);
    // errorMessage means the same to ajv-errors as to novaform: the phrase replaces the rule's raw errors.
    const flavor = { apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'f' }, spec: { vcpus: 1, ram: 512, disk: 1, extraSpecs: { 'hw/cpu_policy': 'dedicated' } } };
    assert.equal(validate(flavor), false);
    assert.ok(validate.errors!.some((e) => e.keyword === 'errorMessage' && /an extra spec key of 1-255 characters/.test(e.message ?? '')), JSON.stringify(validate.errors));
  });
});

describe('the published schema in the YAML language server (what editors show)', () => {
  let workspace: string;
  let server: YamlLanguageServer;
  before(async () => {
    // The modelines say ../../schemas/novaform.schema.json: keep that layout.
    workspace = await mkdtemp(join(tmpdir(), 'novaform-editor-'));
    await mkdir(join(workspace, 'schemas'));
    await mkdir(join(workspace, 'examples', 'quickstart'), { recursive: true });
    await copyFile(SCHEMA_FILE, join(workspace, 'schemas', 'novaform.schema.json'));
    server = await startYamlLanguageServer({ schemas: { [join(workspace, 'schemas', 'novaform.schema.json')]: 'mapped/*.yaml' } });
  });
  after(async () => {
    await server?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('finds nothing wrong with the quickstart manifests', async () => {
    for (const name of await manifestFiles()) {
      const text = await readFile(join(QUICKSTART, name), 'utf8');
      assert.deepEqual(await server.diagnostics(join(workspace, 'examples', 'quickstart', name), text), [], name);
    }
  });

  it('checks every document of every quickstart file: a modeline heads each document', async () => {
    for (const name of await manifestFiles()) {
      const lines = (await readFile(join(QUICKSTART, name), 'utf8')).split('\n');
      const edited = lines.flatMap((line) => (line === 'spec:' ? [line, '  bogus: 1'] : [line]));
      const found = await server.diagnostics(join(workspace, 'examples', 'quickstart', `edited-${name}`), edited.join('\n'));
      const bogusLines = edited.flatMap((line, i) => (line === '  bogus: 1' ? [i + 1] : []));
      assert.deepEqual(found.map((d) => [d.line, d.message]), bogusLines.map((line) => [line, 'Property bogus is not allowed.']), name);
    }
  });

  it('a modeline covers only its own document; `yaml.schemas` covers them all', async () => {
    const documents = ['apiVersion: novaform/v1', 'kind: Flavor', 'metadata: {name: a}', 'spec: {vcpus: two, ram: 512, disk: 1}', '---', 'apiVersion: novaform/v1', 'kind: Flavor', 'metadata: {name: b}', 'spec: {vcpus: three, ram: 512, disk: 1}'];
    const withOneModeline = await server.diagnostics(join(workspace, 'examples', 'one-modeline.yaml'), [MODELINE.replace('../../', '../'), ...documents].join('\n'));
    assert.deepEqual(withOneModeline.map((d) => d.line), [5]);
    const mapped = await server.diagnostics(join(workspace, 'mapped', 'flavors.yaml'), documents.join('\n'));
    assert.deepEqual(mapped.map((d) => [d.line, d.message]), [[4, 'Incorrect type. Expected "integer".'], [9, 'Incorrect type. Expected "integer".']]);
  });

  it('shows the schema\'s own phrase where novaform has one, and plain messages elsewhere', async () => {
    const text = [
      'apiVersion: novaform/v1', 'kind: Flavor', 'metadata: {name: f}', 'spec:', '  vcpus: 1', '  ram: 2 gigs', '  disk: 1', '  extraSpecs: {"hw/cpu_policy": dedicated}',
      '---', 'apiVersion: novaform/v1', 'kind: Keypair', 'metadata: {name: k}', 'spec:', '  publicKey: ssh-ed25519 AAAA', '  colour: blue',
    ].join('\n');
    const found = await server.diagnostics(join(workspace, 'mapped', 'phrases.yaml'), text);
    const byLine = new Map(found.map((d) => [d.line, d.message]));
    assert.match(byLine.get(6) ?? '', /^an integer number of MiB or a quantity such as "2GiB"/);
    assert.match(byLine.get(8) ?? '', /^an extra spec key of 1-255 characters/);
    // The keypair's one-of rule is wrapped so its phrase does not replace this message.
    assert.equal(byLine.get(15), 'Property colour is not allowed.');
  });
});
