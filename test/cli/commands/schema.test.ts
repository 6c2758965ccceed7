import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv } from '../../../reconciler/manifests/schema-compiler.ts';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/novaform.js');
const cli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('novaform schema', () => {
  it('prints the combined schema: valid draft 2020-12, the committed file, and it validates manifests', async () => {
    const run = cli(['schema']);
    assert.equal(run.status, 0, run.stderr);
    const schema = JSON.parse(run.stdout);
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.$id, 'https://novaform.dev/schemas/v1/novaform.schema.json');
    assert.equal(new Ajv2020({ strict: false }).validateSchema(schema), true);
    const committed = await readFile(new URL('../../../schemas/novaform.schema.json', import.meta.url), 'utf8');
    assert.equal(run.stdout, committed);
    const validate = createAjv().compile(schema);
    assert.equal(validate({ apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'f' }, spec: { vcpus: 1, ram: '1GiB', disk: 1 } }), true);
    assert.equal(validate({ apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'f' }, spec: { vcpus: 1 } }), false);
  });

  it('prints one kind\'s schema, case-insensitively', () => {
    const run = cli(['schema', 'server']);
    assert.equal(run.status, 0, run.stderr);
    const schema = JSON.parse(run.stdout);
    assert.equal(schema.$id, 'https://novaform.dev/schemas/v1/server.schema.json');
    const validate = createAjv().compile(schema);
    assert.equal(validate({ apiVersion: 'novaform/v1', kind: 'Server', metadata: { name: 's' }, spec: { flavor: 'f', image: 'i' } }), true);
    assert.equal(validate({ apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'f' }, spec: { vcpus: 1, ram: 1, disk: 1 } }), false);
  });

  it('exits 2 for an unknown kind, with a suggestion, and for extra arguments', () => {
    const run = cli(['schema', 'Sever']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown kind 'Sever'; expected one of Quota, Flavor, Keypair, Volume, Aggregate, ServerGroup, Server, ComputeService \(did you mean 'Server'\?\)/);
    assert.equal(cli(['schema', 'Flavor', 'Server']).status, 2);
  });
});
