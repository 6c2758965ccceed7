import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { KIND_MODULES } from '../../../provider/resources/registry.ts';
import { notesMarkdown } from '../../../reconciler/export/terraform/notes-markdown.ts';
import { synthesizeTerraform } from '../../../reconciler/export/terraform/synthesize-terraform.ts';
import { buildTerraformModel, type ExportFindings, type ExportManifest } from '../../../reconciler/export/terraform/terraform-model.ts';
import { loadManifests } from '../../../reconciler/manifests/index.ts';
import { checkConfiguration, providerSchema } from './schema-check.ts';

/**
 * Golden tests of `export terraform`'s synthesis: the fixture manifest set
 * (fixtures/all-kinds: every kind, every manifest field, references to
 * manifests and to cloud objects) synthesized as Terraform JSON and notes,
 * compared with the committed files in golden/. Two cases: `fresh` (nothing
 * exists yet: no import blocks) and `adopted` (every object exists, with
 * the findings a plan would give: import blocks, ignore_changes).
 *
 * The findings (cloud ids, pinned references) are fixed inputs here so the
 * goldens are stable; export-e2e.test.ts takes them from a real plan on the
 * engine. Regenerate the goldens after an intended change with:
 *
 *   UPDATE_GOLDEN=1 node --import tsx --test test/export/terraform/golden.test.ts
 *
 * and review the diff. Every output is also checked against the provider's
 * schema copy (provider-schema.json) and, when terraform is installed, by
 * `terraform validate` offline (every error but the missing plugin).
 */

const HERE = import.meta.dirname;
const FIXTURE = join(HERE, 'fixtures', 'all-kinds');
const GOLDEN = join(HERE, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const run = promisify(execFile);

/** What the plan pins for references no manifest defines. */
const PINNED: Record<string, { id: string; name: string }> = {
  'Image/cirros': { id: 'c1a2b3c4-0000-4000-8000-00000000c1e0', name: 'cirros' },
  'Flavor/m1.tiny': { id: 'f1a2b3c4-0000-4000-8000-0000000000f1', name: 'm1.tiny' },
  'Keypair/ops-key': { id: 'ops-key', name: 'ops-key' },
};

/**
 * The cloud objects of the `adopted` case, as the plan's snapshot shows
 * them: the fields the mappings read (ids; a private flavor's access list,
 * one project of two granted; a keypair's stamped key; a server's attached
 * volumes, one of two attached; a Quota's project id, found by name or by
 * id; a compute service, which exports no resource either way).
 */
const OBSERVED: Record<string, Record<string, unknown>> = {
  'Flavor/fx.private': { id: 'a1000000-0000-4000-8000-000000000001', name: 'fx.private', access: ['0b1f1f2f3e4d4c5b8a796a5b4c3d2e1f'], extraSpecs: {} },
  'Flavor/fx.public': { id: 'a1000000-0000-4000-8000-000000000002', name: 'fx.public', extraSpecs: {} },
  'Keypair/fx-key': { id: 'fx-key', name: 'fx-key', type: 'ssh', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK quickstart@novaform novaform:stack=fixture novaform:name=fx-key' },
  'Keypair/fx-inline': { id: 'fx-inline', name: 'fx-inline', type: 'ssh', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK inline@fixture' },
  'Keypair/fx-cert': { id: 'fx-cert', name: 'fx-cert', type: 'x509', publicKey: '' },
  'Volume/fx-data': { id: 'b2000000-0000-4000-8000-000000000001', name: 'fx-data' },
  'Volume/fx-logs': { id: 'b2000000-0000-4000-8000-000000000002', name: 'fx-logs' },
  'Aggregate/fx-agg': { id: '42', name: 'fx-agg' },
  'ServerGroup/fx-spread': { id: 'c3000000-0000-4000-8000-000000000001', name: 'fx-spread' },
  'ServerGroup/fx-near': { id: 'c3000000-0000-4000-8000-000000000002', name: 'fx-near' },
  'Server/fx-web': { id: 'd4000000-0000-4000-8000-000000000001', name: 'fx-web', volumeIds: ['b2000000-0000-4000-8000-000000000001'] },
  'Server/fx-batch': { id: '5b6c7d8e-0000-4000-8000-000000000001', name: 'fx-batch', volumeIds: [] },
  'Server/fx-auto': { id: 'd4000000-0000-4000-8000-000000000003', name: 'fx-auto', volumeIds: [] },
  'Quota/fx-team': { id: '7e2d4c1a9b8f4e3d8c2b1a0f9e8d7c6b', name: 'fx-project' },
  'Quota/fx-ops': { id: '8b1f2e3a7c4d4e0f9a6b5c4d3e2f1a0b', name: 'ops' },
  'ComputeService/fx-compute-1': { id: 'e5000000-0000-4000-8000-000000000001', host: 'compute-1' },
  'ComputeService/fx-compute-2': { id: 'e5000000-0000-4000-8000-000000000002', host: 'compute-2' },
};

const findings = (adopted: boolean): ExportFindings => ({
  observed: (kind, name) => (adopted ? OBSERVED[`${kind}/${name}`] as { id: string } | undefined : undefined),
  pinned: (target, written) => PINNED[`${target}/${written}`],
});

interface Synthesized {
  readonly config: string;
  readonly notes: string;
}

async function synthesize(manifests: readonly ExportManifest[], adopted: boolean): Promise<Synthesized> {
  const model = buildTerraformModel(manifests, findings(adopted));
  return { config: await synthesizeTerraform(model, { stack: 'fixture', cloud: 'fixture-cloud' }), notes: notesMarkdown(model, 'fixture') };
}

/** Compares `actual` with the golden file, or writes it with UPDATE_GOLDEN=1. */
async function matchesGolden(file: string, actual: string): Promise<void> {
  const path = join(GOLDEN, file);
  if (UPDATE) await writeFile(path, actual);
  assert.equal(actual, await readFile(path, 'utf8'), `${file} differs from the golden (UPDATE_GOLDEN=1 regenerates it; review the diff)`);
}

/** Problems `terraform validate` finds without the provider plugin: every error but the missing provider. */
async function offlineValidate(config: string): Promise<string[] | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-tf-validate-'));
  try {
    await writeFile(join(dir, 'cdk.tf.json'), config);
    // No CLI config, no network: validate reads the configuration only.
    const cliConfig = join(dir, 'terraformrc');
    await writeFile(cliConfig, '');
    let stdout: string;
    try {
      ({ stdout } = await run('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env: { PATH: process.env.PATH ?? '', TF_CLI_CONFIG_FILE: cliConfig, HOME: dir } }));
    } catch (error) {
      const e = error as { code?: string; stdout?: string };
      if (e.code === 'ENOENT') return undefined;
      stdout = e.stdout ?? '';
    }
    const result = JSON.parse(stdout) as { diagnostics: Array<{ severity: string; summary: string; detail?: string }> };
    return result.diagnostics
      .filter((d) => d.severity === 'error' && d.summary !== 'Missing required provider')
      .map((d) => `${d.summary}: ${d.detail ?? ''}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('export terraform: golden configurations of every kind and field', () => {
  let manifests: ExportManifest[];
  const outputs = new Map<string, Synthesized>();

  before(async () => {
    const loaded = await loadManifests([FIXTURE], { cwd: HERE });
    assert.deepEqual(loaded.errors, []);
    manifests = loaded.manifests.map((m) => ({ kind: m.kind, name: m.metadata.name, spec: m.spec as unknown as Record<string, unknown> }));
    outputs.set('fresh', await synthesize(manifests, false));
    outputs.set('adopted', await synthesize(manifests, true));
  });
  after(() => {
    if (UPDATE) process.stderr.write(`golden files rewritten in ${GOLDEN}\n`);
  });

  it('the fixture declares every kind and every spec field of its schema', async () => {
    const declared = new Map<string, Set<string>>();
    for (const file of (await readdir(FIXTURE)).filter((f) => f.endsWith('.yaml') && f !== 'novaform.yaml')) {
      for (const document of parseAllDocuments(await readFile(join(FIXTURE, file), 'utf8'))) {
        const { kind, spec } = document.toJS() as { kind: string; spec: Record<string, unknown> };
        const fields = declared.get(kind) ?? declared.set(kind, new Set()).get(kind)!;
        for (const field of Object.keys(spec)) fields.add(field);
      }
    }
    for (const module of KIND_MODULES) {
      const file = `${module.kind.replace(/[A-Z]/g, (c, i) => `${i > 0 ? '-' : ''}${c.toLowerCase()}`)}.schema.json`;
      const schema = JSON.parse(await readFile(join(HERE, '..', '..', '..', 'schemas', file), 'utf8')) as { $defs: { spec: { properties: Record<string, unknown> } } };
      const missing = Object.keys(schema.$defs.spec.properties).filter((field) => !declared.get(module.kind)?.has(field));
      assert.deepEqual(missing, [], `${module.kind}: the fixture declares no ${missing.join(', ')}`);
    }
  });

  it('every kind has a Terraform mapping', () => {
    assert.deepEqual(KIND_MODULES.filter((m) => m.terraform === undefined).map((m) => m.kind), []);
  });

  for (const name of ['fresh', 'adopted']) {
    it(`${name}: the configuration and the notes equal the goldens`, async () => {
      const { config, notes } = outputs.get(name)!;
      await matchesGolden(`${name}.tf.json`, config);
      await matchesGolden(`${name}.NOTES.md`, notes);
    });

    it(`${name}: every resource type and attribute is in the provider's schema copy, with a compatible type`, () => {
      assert.deepEqual(checkConfiguration(JSON.parse(outputs.get(name)!.config), providerSchema()), []);
    });

    it(`${name}: terraform validate finds nothing but the missing provider plugin`, async (t) => {
      const problems = await offlineValidate(outputs.get(name)!.config);
      if (problems === undefined) return t.skip('terraform is not installed');
      assert.deepEqual(problems, []);
    });
  }

  it('adopted: import blocks carry the ids, grants and attachments only where the cloud has them', () => {
    const config = JSON.parse(outputs.get('adopted')!.config) as { import: Array<{ to: string; id: string }> };
    const imports = Object.fromEntries(config.import.map((i) => [i.to, i.id]));
    assert.equal(imports['openstack_compute_flavor_v2.fx_private'], 'a1000000-0000-4000-8000-000000000001');
    assert.equal(imports['openstack_compute_flavor_access_v2.fx_private_access__0b1f1f2f3e4d4c5b8a796a5b4c3d2e1f'], 'a1000000-0000-4000-8000-000000000001/0b1f1f2f3e4d4c5b8a796a5b4c3d2e1f');
    assert.equal(imports['openstack_compute_flavor_access_v2.fx_private_access__9f8e7d6c5b4a49382716a5b4c3d2e1f0'], undefined);
    assert.equal(imports['openstack_compute_volume_attach_v2.fx-web_volume_fx-data'], 'd4000000-0000-4000-8000-000000000001/b2000000-0000-4000-8000-000000000001');
    assert.equal(imports['openstack_compute_volume_attach_v2.fx-web_volume_fx-logs'], undefined);
    assert.equal(imports['openstack_compute_keypair_v2.fx-key'], 'fx-key');
    assert.equal(imports['openstack_compute_aggregate_v2.fx-agg'], '42');
    assert.equal(imports['openstack_compute_quotaset_v2.fx-team'], '7e2d4c1a9b8f4e3d8c2b1a0f9e8d7c6b');
    assert.equal(imports['openstack_blockstorage_quotaset_v3.fx-team_block_storage'], '7e2d4c1a9b8f4e3d8c2b1a0f9e8d7c6b');
    assert.equal(imports['openstack_blockstorage_quotaset_v3.fx-ops_block_storage'], undefined);
    assert.deepEqual(Object.keys(imports).filter((to) => to.includes('compute-')), [], 'a ComputeService exports no resource');
    const fresh = JSON.parse(outputs.get('fresh')!.config) as { import?: unknown[] };
    assert.equal(fresh.import, undefined);
  });

  it('user data is never written: a sensitive variable stands for it', () => {
    for (const { config } of outputs.values()) {
      assert.doesNotMatch(config, /packages: \[nginx\]/);
      const parsed = JSON.parse(config) as { variable: Record<string, { sensitive: boolean }>; resource: Record<string, Record<string, Record<string, unknown>>> };
      assert.equal(parsed.variable['user_data_fx-web']?.sensitive, true);
      assert.equal(parsed.resource.openstack_compute_instance_v2!['fx-web']!.user_data, '${var.user_data_fx-web}');
    }
  });
});

describe('the schema check fails on what the provider does not have', () => {
  let config: Record<string, any>;
  before(async () => {
    config = JSON.parse(await readFile(join(GOLDEN, 'adopted.tf.json'), 'utf8'));
  });
  const mutated = (change: (c: Record<string, any>) => void) => {
    const copy = structuredClone(config);
    change(copy);
    return checkConfiguration(copy, providerSchema());
  };

  it('a misspelled attribute', () => {
    assert.deepEqual(mutated((c) => {
      const flavor = c.resource.openstack_compute_flavor_v2.fx_private;
      flavor.vcpu = flavor.vcpus;
      delete flavor.vcpus;
    }), ['openstack_compute_flavor_v2.fx_private: no attribute named vcpu', 'openstack_compute_flavor_v2.fx_private: required attribute vcpus is missing']);
  });

  it('a value of the wrong type, a computed-only attribute, a bad enum value, a misspelled type', () => {
    assert.deepEqual(mutated((c) => { c.resource.openstack_compute_flavor_v2.fx_private.ram = '1GiB'; }), ['openstack_compute_flavor_v2.fx_private.ram: "1GiB" is not a int']);
    assert.deepEqual(mutated((c) => { c.resource.openstack_compute_instance_v2['fx-web'].id = 'x'; }), ['openstack_compute_instance_v2.fx-web.id: computed only, it cannot be set']);
    assert.deepEqual(mutated((c) => { c.resource.openstack_compute_instance_v2['fx-web'].power_state = 'stopped'; }), ['openstack_compute_instance_v2.fx-web.power_state: "stopped" is not one of active, shutoff, shelved_offloaded, paused']);
    assert.match(mutated((c) => { c.resource.openstack_compute_flavour_v2 = c.resource.openstack_compute_flavor_v2; })[0]!, /resource type openstack_compute_flavour_v2 is not in the schema copy/);
  });

  it('a reference to a missing attribute or resource, a bad import target, an unknown ignore_changes entry, an unpinned provider', () => {
    assert.deepEqual(mutated((c) => { c.resource.openstack_compute_instance_v2['fx-web'].flavor_id = '${openstack_compute_flavor_v2.fx_private.uuid}'; }),
      ['openstack_compute_instance_v2.fx-web.flavor_id: ${openstack_compute_flavor_v2.fx_private.uuid}: openstack_compute_flavor_v2 has no attribute uuid']);
    assert.equal(mutated((c) => { c.resource.openstack_compute_instance_v2['fx-web'].flavor_id = '${openstack_compute_flavor_v2.nope.id}'; }).length, 1);
    assert.equal(mutated((c) => { c.import[0].to = 'openstack_compute_flavor_v2.nope'; }).length, 1);
    assert.deepEqual(mutated((c) => { c.resource.openstack_compute_instance_v2['fx-web'].lifecycle.ignore_changes = ['userdata']; }),
      ['openstack_compute_instance_v2.fx-web.lifecycle.ignore_changes: no attribute named userdata']);
    assert.equal(mutated((c) => { c.terraform.required_providers.openstack.version = '~> 3.0'; }).length, 1);
  });

  it('terraform validate, offline, fails on a misspelled meta-argument', async (t) => {
    const copy = structuredClone(config);
    copy.resource.openstack_compute_instance_v2['fx-web'].lifecycle.prevent_destroi = true;
    const problems = await offlineValidate(JSON.stringify(copy));
    if (problems === undefined) return t.skip('terraform is not installed');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /prevent_destroi/);
  });
});
