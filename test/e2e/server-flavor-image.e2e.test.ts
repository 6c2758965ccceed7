import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isNotFound } from '../../provider/openstack/errors.ts';
import { doc, type RunOutcome } from '../cli/commands/apply-cli-kit.ts';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget, createImage, edit, serversByName, spawnCli } from './e2e-kit.ts';

/**
 * A server's flavor and image changed in one edit apply in one run (issue
 * 9, item 8). Nova checks a rebuild's image against the server's current
 * flavor and a resize's flavor against its current image, so the order
 * matters both ways:
 *
 * 1. small flavor + cirros -> bigger flavor + an image needing it
 *    (min_ram 512, min_disk 2): only resize-then-rebuild is accepted.
 * 2. -> a lean flavor (256 MiB) + cirros: the lean flavor is too small for
 *    the current image, so only rebuild-then-resize is accepted.
 *
 * The real `novaform` runs as a child process. On the engine by default;
 * with NOVAFORM_TEST_CLOUD=real-openstack (and OS_CLIENT_CONFIG_FILE) on
 * that cloud, where the second image is uploaded through Glance here and
 * deleted afterwards, like everything the stack made.
 */
const cloudName = process.env[TEST_CLOUD_ENV];

interface PlanJson {
  summary: Record<string, number>;
  actions: Array<{ kind: string; name: string; action: string; dataLoss: boolean; warnings: string[]; changes: Array<{ path: string; apply: string; to: unknown }> }>;
}

describe('a server\'s flavor and image changed in one edit', { timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let root: string;
  let project: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let imageId: string | undefined;
  let p: string;
  const run = (command: string, ...args: string[]): Promise<RunOutcome> =>
    spawnCli([command, ...cloudArgs, ...args, project], { cwd: project, env });
  const server = async () => (await serversByName(cloud.admin)).get(`${p}-vm`)!;
  const planJson = async (): Promise<PlanJson> => {
    const out = await run('plan', '--output', 'json');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    return JSON.parse(out.stdout) as PlanJson;
  };
  const flavor = (name: string, ram: number, disk: number) => doc('Flavor', `${p}.${name}`, `vcpus: 1\nram: ${ram}\ndisk: ${disk}`);

  before(async () => {
    cloud = await openTestCloud({ name: 'fi' });
    p = cloud.prefix;
    root = await mkdtemp(join(tmpdir(), 'novaform-fi-'));
    project = join(root, 'project');
    ({ env, cloudArgs } = cliTarget(cloud, root));
    imageId = await createImage(cloud.admin, `${p}-big`, { min_ram: 512, min_disk: 2 });
    await mkdir(project);
    await writeFile(join(project, 'novaform.yaml'), `stack: ${p}\n`);
    await writeFile(join(project, 'flavors.yaml'), [flavor('small', 256, 1), flavor('big', 512, 2), flavor('lean', 256, 2)].join('---\n'));
    await writeFile(join(project, 'server.yaml'), doc('Server', `${p}-vm`, `flavor: ${p}.small\nimage: cirros\nnetworks: none`));
  });
  after(async () => {
    if (project) await run('destroy', '--yes');
    if (imageId) {
      try {
        await cloud.admin.image.delete(`/images/${imageId}`);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    await cloud?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('creates the server on the small flavor with cirros', async () => {
    const out = await run('apply', '--yes');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /Apply complete: 4 created/);
    const vm = await server();
    assert.equal(vm.status, 'ACTIVE');
    assert.equal(vm.flavor, `${p}.small`);
  });

  it('bigger flavor + an image that needs it: the plan shows both, one apply resizes then rebuilds', async () => {
    const before = await server();
    await edit(join(project, 'server.yaml'), [`flavor: ${p}.small`, `flavor: ${p}.big`], ['image: cirros', `image: ${p}-big`]);

    const plan = await planJson();
    const vm = plan.actions.find((a) => a.name === `${p}-vm`)!;
    assert.equal(vm.action, 'rebuild');
    assert.equal(vm.dataLoss, true);
    assert.deepEqual(vm.changes.map((c) => `${c.path} ${c.apply}`).sort(), ['spec.flavor resize', 'spec.image rebuild']);
    const text = await run('plan');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`spec\\.flavor: ${p}\\.small -> ${p}\\.big \\(resize\\)`));
    assert.match(text.stdout, /spec\.image: /);

    const out = await run('apply', '--yes');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /Apply complete: 1 rebuilt/);
    const after = await server();
    assert.equal(after.id, before.id, 'changed in place, not replaced');
    assert.equal(after.status, 'ACTIVE');
    assert.equal(after.flavor, `${p}.big`);
    assert.equal(after.image, imageId);
    assert.equal((await planJson()).actions.filter((a) => a.action !== 'noop').length, 0, 'nothing left to do');
  });

  it('a leaner flavor than the current image allows + cirros: one apply rebuilds then resizes', async () => {
    const before = await server();
    await edit(join(project, 'server.yaml'), [`flavor: ${p}.big`, `flavor: ${p}.lean`], [`image: ${p}-big`, 'image: cirros']);
    const plan = await planJson();
    const vm = plan.actions.find((a) => a.name === `${p}-vm`)!;
    assert.deepEqual(vm.changes.map((c) => `${c.path} ${c.apply}`).sort(), ['spec.flavor resize', 'spec.image rebuild']);

    const out = await run('apply', '--yes');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const after = await server();
    assert.equal(after.id, before.id);
    assert.equal(after.status, 'ACTIVE');
    assert.equal(after.flavor, `${p}.lean`);
    assert.notEqual(after.image, imageId);
    assert.equal((await planJson()).actions.filter((a) => a.action !== 'noop').length, 0, 'nothing left to do');
  });
});
