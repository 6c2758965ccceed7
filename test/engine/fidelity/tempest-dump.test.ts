import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  boundaryVersions, changeVersions, folderVersions, freshDump, SCHEMA_FILE, schemaAt, schemaIds, TEMPEST_VERSION, tempestInstalled,
} from './tempest-schemas.ts';

describe('the committed tempest schema dump', () => {
  it('equals a fresh dump of the installed python3-tempest', { skip: !tempestInstalled && 'python3-tempest is not installed (/usr/bin/python3 cannot import tempest)' }, () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    const fresh = freshDump();
    assert.ok(fresh === committed, `test/engine/fidelity/tempest-schemas.json is stale: run /usr/bin/python3 scripts/dump-tempest-schemas.py > test/engine/fidelity/tempest-schemas.json (tempest ${JSON.parse(fresh).tempest}, committed ${TEMPEST_VERSION})`);
  });

  it('holds compute 2.1–2.79 and volume 3.0–3.69 folders', () => {
    const compute = folderVersions('compute');
    assert.equal(compute[0], '2.1');
    assert.equal(compute.at(-1), '2.79');
    assert.ok(compute.length >= 30, compute.join(' '));
    assert.deepEqual(folderVersions('volume'), ['3.0', '3.7', '3.55', '3.57', '3.61', '3.63', '3.64', '3.65', '3.69']);
    assert.ok(schemaIds('compute').length > 100 && schemaIds('volume').length > 100);
  });

  it('resolves a schema to the last folder at or below the version', () => {
    assert.deepEqual(changeVersions('compute', 'servers.get_server'), ['2.1', '2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.63', '2.71', '2.73']);
    const at = (mv: string) => schemaAt('compute', 'servers.get_server', mv);
    assert.equal(at('2.2'), at('2.1'));
    assert.equal(at('2.8'), at('2.3'));
    assert.notEqual(at('2.9'), at('2.8'));
    assert.equal(at('2.79'), at('2.73'));
    assert.equal(schemaAt('compute', 'servers.get_remote_consoles', '2.5'), undefined, 'remote consoles start at 2.6');
  });

  it('tests each folder version and the version before it', () => {
    const versions = boundaryVersions('compute', '2.1', '2.79');
    for (const v of ['2.1', '2.2', '2.3', '2.8', '2.9', '2.46', '2.47', '2.78', '2.79']) assert.ok(versions.includes(v), v);
    assert.ok(!versions.includes('2.80'));
    assert.deepEqual(boundaryVersions('volume', '3.60', '3.70'), ['3.60', '3.61', '3.62', '3.63', '3.64', '3.65', '3.68', '3.69', '3.70']);
  });
});
