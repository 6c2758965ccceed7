import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notesMarkdown } from '../../../reconciler/export/terraform/notes-markdown.ts';
import { synthesizeTerraform } from '../../../reconciler/export/terraform/synthesize-terraform.ts';
import { buildTerraformModel, type ExportFindings, type ExportManifest } from '../../../reconciler/export/terraform/terraform-model.ts';
import { checkConfiguration, providerSchema } from './schema-check.ts';

/**
 * A manifest its kind's mapping exports as no resource (a ComputeService:
 * terraform-provider-openstack has no resource for a nova-compute service),
 * alone and beside other manifests: the model gives it its fields' notes
 * and one note of its own (none of the policy or "not created yet" notes,
 * which speak of a Terraform resource), nothing can refer to it, and the
 * configuration synthesizes without it. The goldens cover the notes' text;
 * this covers the shapes. Also the Quota mapping's resource choice: the
 * block-storage quota set only with block-storage limits.
 */

const findings = (observed: Record<string, { id: string }>): ExportFindings => ({
  observed: (kind, name) => observed[`${kind}/${name}`],
  pinned: () => undefined,
});

const drained: ExportManifest = { kind: 'ComputeService', name: 'compute-1', spec: { enabled: false, drain: 'cold', managementPolicy: 'observe' } };

describe('export terraform: a manifest exported as no resource', () => {
  it('only such manifests: no resource, no import block, a configuration the schema check and the notes accept', async () => {
    const cases: Array<Record<string, { id: string }>> = [{}, { 'ComputeService/compute-1': { id: 'e5000000-0000-4000-8000-000000000001' } }];
    for (const observed of cases) {
      const model = buildTerraformModel([drained], findings(observed));
      assert.equal(model.entries.length, 1);
      assert.deepEqual(model.entries[0]!.resources, []);
      assert.deepEqual(model.entries[0]!.notes.map((n) => n.field), ['spec.enabled', 'spec.drain', 'metadata.name']);
      assert.match(model.entries[0]!.notes.at(-1)!.reason, /exported as no resource/);
      assert.equal(model.resolve('ComputeService', 'compute-1'), undefined);

      const config = JSON.parse(await synthesizeTerraform(model, { stack: 'only' })) as Record<string, unknown>;
      assert.equal(config.resource, undefined);
      assert.equal(config.import, undefined);
      assert.deepEqual(checkConfiguration(config as never, providerSchema()), []);
      const notes = notesMarkdown(model, 'only');
      assert.match(notes, /- ComputeService\/compute-1 `spec.drain`: an operation/);
      assert.doesNotMatch(notes, /ComputeService\/compute-1: `/, 'no import-block line: it has no resource');
    }
  });

  it('beside other manifests: theirs are exported as without it', async () => {
    const flavor: ExportManifest = { kind: 'Flavor', name: 'compute-1', spec: { vcpus: 1, ram: 512, disk: 1 } };
    const alone = buildTerraformModel([flavor], findings({}));
    const mixed = buildTerraformModel([flavor, drained], findings({}));
    assert.deepEqual(mixed.entries.find((e) => e.kind === 'Flavor'), alone.entries[0]);
    assert.deepEqual(mixed.resolve('Flavor', 'compute-1'), { type: 'openstack_compute_flavor_v2', terraformName: 'compute-1' });
    const config = JSON.parse(await synthesizeTerraform(mixed, { stack: 'mixed' })) as { resource: Record<string, unknown> };
    assert.deepEqual(Object.keys(config.resource), ['openstack_compute_flavor_v2']);
  });
});

describe('export terraform: the Quota mapping', () => {
  const resources = (spec: Record<string, unknown>) => buildTerraformModel([{ kind: 'Quota', name: 'team-a', spec }], findings({ 'Quota/team-a': { id: 'p-1' } })).entries[0]!.resources;

  it('compute limits only: the compute quota set alone, with the project id the plan found', () => {
    const [compute, ...rest] = resources({ compute: { instances: 3, serverGroupMembers: 2 } });
    assert.deepEqual(rest, []);
    assert.deepEqual(compute!.attributes, { project_id: 'p-1', instances: 3, server_group_members: 2 });
    assert.equal(compute!.importId, 'p-1');
  });

  it('block-storage limits only: the compute quota set carries the project alone; no volume_type_quota without volume types', () => {
    const [compute, blockStorage] = resources({ project: 'team-a', blockStorage: { gigabytes: -1 } });
    assert.deepEqual(compute!.attributes, { project_id: 'p-1' });
    assert.equal(blockStorage!.type, 'openstack_blockstorage_quotaset_v3');
    assert.deepEqual(blockStorage!.attributes, { project_id: 'p-1', gigabytes: -1, volume_type_quota: undefined });
    assert.equal(blockStorage!.importId, 'p-1');
  });
});
