import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listComputeServices } from '../../provider/resources/compute-service/compute-service-api.ts';
import { doc } from '../cli/commands/apply-cli-kit.ts';
import { openServiceKit, type ServiceKit } from '../provider/resources/compute-service/compute-service-kit.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';
import { resourceOf, startWatch, type WatchProcess } from './watch-kit.ts';

/**
 * The controller holds a ComputeService (issue 16), `novaform watch` as a
 * real process against the engine:
 * - a host disabled by hand is enabled again, unattended (an in-place update);
 * - a drain waits for `novaform approve`: nothing moves before it, the
 *   server moves after it, and the host ends disabled with its reason;
 * - a host put back into service in the manifests is re-enabled.
 */
describe('novaform watch holds a ComputeService', { timeout: 900_000 }, () => {
  const host = 'compute-1';
  const key = `ComputeService/${host}`;
  let kit: ServiceKit;
  let root: string;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let watch: WatchProcess | undefined;
  const write = (spec: string) => writeFile(join(dir, 'host.yaml'), doc('ComputeService', host, spec));
  const service = async () => (await listComputeServices(kit.admin)).find((s) => s.host === host)!;

  before(async () => {
    kit = await openServiceKit('watch');
    root = await mkdtemp(join(tmpdir(), 'novaform-watch-service-'));
    dir = join(root, 'project');
    ({ env, cloudArgs } = cliTarget(kit.cloud, root));
    await mkdir(dir);
    await writeFile(join(dir, 'novaform.yaml'), `stack: ${kit.prefix}\n`);
    await write('enabled: true');
    watch = startWatch([...cloudArgs, '--resync', '2s', dir], { cwd: dir, env });
    await watch.until('the service Ready', (s) => resourceOf(s, key)?.phase === 'Ready');
  });
  after(async () => {
    await watch?.stop();
    if (dir) await spawnCli(['destroy', '--yes', ...cloudArgs, dir], { cwd: dir, env }).catch(() => undefined);
    await kit?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('enables a host disabled behind its back, unattended', async () => {
    await kit.setHost(host, { enabled: false });
    await eventually(async () => ((await service()).enabled ? true : undefined), 60_000, 250);
  });

  it('a drain waits for approval; after novaform approve the server moves and the host is disabled', async () => {
    const server = await kit.boot('d1', { host });
    await write(`enabled: false\ndisabledReason: ${kit.prefix} maintenance\ndrain: live`);
    const waiting = await watch!.until('approval needed', (s) => {
      const r = resourceOf(s, key);
      return r?.phase === 'ApprovalNeeded' ? r : undefined;
    });
    assert.deepEqual(waiting.approval?.reasons, ['migrate']);
    assert.ok(waiting.approval?.changes.some((c) => c.path.includes(server)), JSON.stringify(waiting.approval?.changes));
    // Several resyncs later nothing has moved, and the host is still in service.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.equal(await kit.serverHost(server), host);
    assert.equal((await service()).enabled, true);

    const approved = await spawnCli(['approve', key, dir], { cwd: dir, env });
    assert.equal(approved.code, 0, approved.stdout + approved.stderr);
    await watch!.until('drained and Ready', (s) => resourceOf(s, key)?.phase === 'Ready', 180_000);
    assert.notEqual(await kit.serverHost(server), host);
    const after = await service();
    assert.deepEqual([after.enabled, after.disabledReason], [false, `${kit.prefix} maintenance`]);
    await kit.deleteServer(server);
  });

  it('a host put back into service in the manifests is re-enabled', async () => {
    await write('enabled: true');
    await eventually(async () => ((await service()).enabled ? true : undefined), 60_000, 250);
    await watch!.until('Ready', (s) => resourceOf(s, key)?.phase === 'Ready');
  });
});
