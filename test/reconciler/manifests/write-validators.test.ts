import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { schemaAjv, validatorRef } from '../../../reconciler/manifests/schema-compiler.ts';
import { schemaDigest, VALIDATOR_NAMES } from '../../../reconciler/manifests/schema-validator.ts';
import { standaloneValidators } from '../../../reconciler/manifests/write-validators.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const QUICKSTART = ['flavors', 'keypair', 'volumes', 'aggregates', 'servers'].map((f) => join(REPO, 'examples', 'quickstart', `${f}.yaml`));

/** Valid documents (the quickstart, an IPv6 fixed IP) and invalid ones that touch every kind of check: unknown field, type, required, formats, enum, the envelope. */
async function documents(): Promise<unknown[]> {
  const valid = (await Promise.all(QUICKSTART.map(async (f) => parseAllDocuments(await readFile(f, 'utf8')).map((d) => d.toJS())))).flat();
  const server = (spec: Record<string, unknown>) => ({ apiVersion: 'novaform/v1', kind: 'Server', metadata: { name: 's' }, spec: { flavor: 'f', image: 'cirros', ...spec } });
  return [
    ...valid,
    server({ bogus: 1 }),
    server({ networks: [{ network: 'not-a-uuid' }] }),
    server({ networks: [{ network: '6f1c2b5e-1d1b-4c1e-9a77-2b1f0e0c9d11', fixedIp: '10.0.0.300' }] }),
    server({ networks: [{ network: '6f1c2b5e-1d1b-4c1e-9a77-2b1f0e0c9d11', fixedIp: 'fe80::1' }] }), // valid: the ipv6 format's own check
    server({ powerState: 'sleeping', metadata: { k: 1 } }),
    { apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'f' }, spec: { vcpus: 0, ram: '1 lots', disk: -1, extraSpecs: { 'bad key': 'x' } } },
    { apiVersion: 'novaform/v1', kind: 'Keypair', metadata: { name: 'k' }, spec: { publicKey: 'x', publicKeyFile: 'y' } },
    { apiVersion: 'novaform/v1', kind: 'Volume', metadata: { name: 'v' }, spec: {} },
    { apiVersion: 'novaform/v2', kind: 'Gadget', metadata: {}, spec: 3 },
  ];
}

describe('the validators npm run build writes as code', () => {
  let dir: string;
  let prebuilt: Record<string, ValidateFunction>;

  before(async () => {
    // Under node_modules, so the generated code's require('ajv/dist/runtime/...') resolves as it does in dist/.
    await mkdir(join(REPO, 'node_modules', '.cache'), { recursive: true });
    dir = await mkdtemp(join(REPO, 'node_modules', '.cache', 'novaform-validators-'));
    await writeFile(join(dir, 'validators.cjs'), standaloneValidators());
    prebuilt = createRequire(import.meta.url)(join(dir, 'validators.cjs'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has one validator per kind and the envelope, and the digest of the schema it was made from', () => {
    assert.deepEqual(Object.keys(prebuilt).filter((k) => k !== 'schemaDigest').sort(), [...VALIDATOR_NAMES].sort());
    assert.equal((prebuilt as unknown as { schemaDigest: string }).schemaDigest, schemaDigest());
    assert.match(schemaDigest(), /^sha256:[0-9a-f]{64}$/);
  });

  it('accepts and refuses what the schema compiled at run time does, with the same errors', async () => {
    const docs = await documents();
    let refused = 0;
    for (const doc of docs) {
      const kind = (doc as { kind?: unknown }).kind;
      const name = VALIDATOR_NAMES.find((n) => n === kind) ?? 'envelope';
      const runtime = schemaAjv().getSchema(validatorRef(name))!;
      const ok = runtime(doc);
      assert.equal(prebuilt[name]!(doc), ok, `${name}: ${JSON.stringify(doc)}`);
      assert.deepEqual(prebuilt[name]!.errors ?? null, runtime.errors ?? null, `${name}: ${JSON.stringify(doc)}`);
      if (!ok) refused += 1;
    }
    assert.equal(refused, 8, 'every invalid document was refused');
  });
});
