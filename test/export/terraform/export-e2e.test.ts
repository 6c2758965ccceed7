import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../../cli/cli-error.ts';
import { run as exportTerraform } from '../../../cli/commands/export-terraform.ts';
import { doc, openCliKit, type CliKit, type RunOutcome } from '../../cli/commands/apply-cli-kit.ts';
import { aggregatesByName, serversByName, volumesByName } from '../../e2e/e2e-kit.ts';
import { checkConfiguration, providerSchema } from './schema-check.ts';

/**
 * `novaform export terraform` on the engine (127.0.0.1): apply a small
 * manifest set, export, and check every import block's id against the ids
 * the cloud's API shows; then lose `.novaform/` and export again: the same
 * configuration, since the ids come from the plan's ownership matching,
 * not from local state. (A ServerGroup is left out on purpose: Nova keeps
 * no stamp on a group, so without the state it is "not ours" until an
 * `import` says otherwise; the goldens cover its mapping.)
 */

interface Config {
  import?: Array<{ to: string; id: string }>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

describe('export terraform on the engine', { timeout: 300_000 }, () => {
  let kit: CliKit;
  let out: string;
  let project: string;

  const runExport = async (args: string[]): Promise<RunOutcome> => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (t: string) => { stdout += t; return true; } }, stderr: { write: (t: string) => { stderr += t; return true; } }, env: kit.env, cwd: kit.dir };
    try {
      return { code: await exportTerraform(args, io), stdout, stderr };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return { code: error.exitCode, stdout, stderr: `${stderr}novaform: ${error.message}\n` };
    }
  };
  const exported = async (): Promise<{ text: string; config: Config; notes: string }> => {
    const outcome = await runExport([project, '--out', out]);
    assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
    const text = await readFile(join(out, 'cdk.tf.json'), 'utf8');
    return { text, config: JSON.parse(text) as Config, notes: await readFile(join(out, 'NOTES.md'), 'utf8') };
  };

  before(async () => {
    kit = await openCliKit('tfexport');
    project = kit.dir;
    out = await mkdtemp(join(tmpdir(), 'novaform-tf-out-'));
    const admin = kit.cloud.engine!.engine.config.users.find((u) => u.name === 'admin')!;
    const { body } = await kit.cloud.admin.identity.get('/auth/projects');
    const projectId = (body.projects as Array<{ id: string; name: string }>).find((p) => p.name === admin.project)!.id;
    await kit.write({
      'novaform.yaml': 'stack: tfexport\n',
      'stack.yaml': [
        doc('Flavor', 'tfx.small', `vcpus: 1\nram: 128\ndisk: 1\nisPublic: false\naccess: [${projectId}]\nextraSpecs: {hw:cpu_policy: shared}`),
        doc('Keypair', 'tfx-key', 'publicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK tfx@novaform'),
        doc('Volume', 'tfx-data', 'size: 1\nmetadata: {purpose: data}'),
        doc('Aggregate', 'tfx-agg', 'availabilityZone: tfx-zone\nhosts: [compute-1]'),
        doc('Server', 'tfx-web', 'flavor: tfx.small\nimage: cirros\nkeypair: tfx-key\nnetworks: none\navailabilityZone: tfx-zone\ntags: [web]\nvolumes:\n  - volume: tfx-data\n    device: /dev/vdb'),
      ].join('---\n'),
    });
  });
  after(async () => {
    if (kit) {
      await kit.run('destroy', ['--yes', project]).catch(() => undefined);
      await kit.close();
    }
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('before apply: no import block, every resource noted as to be created', async () => {
    const { config, notes } = await exported();
    assert.equal(config.import, undefined);
    assert.match(notes, /Server\/tfx-web `metadata.name`: not created yet/);
    assert.deepEqual(checkConfiguration(config as never, providerSchema()), []);
  });

  it('after apply: the import ids are the cloud\'s ids; losing .novaform/ changes nothing', async () => {
    const applied = await kit.run('apply', ['--yes', project]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);

    const first = await exported();
    const imports = Object.fromEntries((first.config.import ?? []).map((i) => [i.to, i.id]));
    const api = kit.cloud.admin;
    const server = (await serversByName(api)).get('tfx-web')!;
    const volume = (await volumesByName(api)).get('tfx-data')!;
    const aggregate = (await aggregatesByName(api)).get('tfx-agg')!;
    const flavors = (await api.compute.get('/flavors/detail', { query: { is_public: 'None' } })).body.flavors as Array<{ id: string; name: string }>;
    const flavorId = flavors.find((f) => f.name === 'tfx.small')!.id;
    const access = (await api.compute.get(`/flavors/${flavorId}/os-flavor-access`)).body.flavor_access as Array<{ tenant_id: string }>;
    assert.deepEqual(imports, {
      'openstack_compute_flavor_v2.tfx_small': flavorId,
      [`openstack_compute_flavor_access_v2.tfx_small_access_${/^[0-9]/.test(access[0]!.tenant_id) ? '_' : ''}${access[0]!.tenant_id}`]: `${flavorId}/${access[0]!.tenant_id}`,
      'openstack_compute_keypair_v2.tfx-key': 'tfx-key',
      'openstack_blockstorage_volume_v3.tfx-data': volume.id,
      'openstack_compute_aggregate_v2.tfx-agg': aggregate.id,
      'openstack_compute_instance_v2.tfx-web': server.id,
      'openstack_compute_volume_attach_v2.tfx-web_volume_tfx-data': `${server.id}/${volume.id}`,
    });
    assert.deepEqual(server.volumes, [volume.id]);
    assert.deepEqual(checkConfiguration(first.config as never, providerSchema()), []);
    const web = first.config.resource.openstack_compute_instance_v2!['tfx-web']!;
    assert.equal(web.flavor_id, '${openstack_compute_flavor_v2.tfx_small.id}');
    assert.equal(web.availability_zone, '${openstack_compute_aggregate_v2.tfx-agg.zone}');

    await rm(join(project, '.novaform'), { recursive: true, force: true });
    const second = await exported();
    assert.equal(second.text, first.text);
    assert.equal(second.notes, first.notes);
  });

  it('refuses an --out inside the manifests, and bad input, in one line', async () => {
    const inside = await runExport([project, '--out', join(project, 'tf')]);
    assert.equal(inside.code, 2);
    assert.match(inside.stderr, /^novaform: --out .* is inside the manifests' path/);
    const missing = await runExport([project]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--out DIR is required/);
  });

  it('no cloud reachable: the usual one-line error, nothing written', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'novaform-tf-none-'));
    try {
      const env = { ...kit.env, OS_AUTH_URL: 'http://127.0.0.1:9/v3' };
      let stderr = '';
      const io = { stdout: { write: () => true }, stderr: { write: (t: string) => { stderr += t; return true; } }, env, cwd: kit.dir };
      const error = await exportTerraform([project, '--out', empty], io).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof CliError, String(error));
      assert.equal(error.exitCode, 1);
      assert.doesNotMatch(error.message, /\n/);
      assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
      await assert.rejects(readFile(join(empty, 'cdk.tf.json')));
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
