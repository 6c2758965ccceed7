import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * The real `openstack` CLI (Debian's python3-openstackclient 6.0) against
 * `novaform engine serve` started as its own process. CI installs the CLI
 * and sets NOVAFORM_REQUIRE_OPENSTACK_CLI=1 so a missing CLI fails instead
 * of skipping.
 */
const hasCli = spawnSync('openstack', ['--version'], { encoding: 'utf8' }).status === 0;
const required = process.env.NOVAFORM_REQUIRE_OPENSTACK_CLI === '1';
const skip = !hasCli && !required ? 'the openstack CLI is not installed (apt-get install python3-openstackclient)' : false;

describe('the openstack CLI against the engine', { skip, timeout: 300_000 }, () => {
  let engine: ChildProcess;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const os = (...args: string[]): any => {
    const result = spawnSync('openstack', args, { env, encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`openstack ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
    const out = result.stdout.trim();
    return args.includes('json') && out ? JSON.parse(out) : out;
  };
  const waitFor = async <T>(read: () => T, done: (value: T) => boolean, what: string): Promise<T> => {
    for (let i = 0; i < 100; i++) {
      const value = read();
      if (done(value)) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novaform-osc-'));
    const config = join(dir, 'engine.yaml');
    await writeFile(config, 'adminPassword: s3cret-admin\nfaults:\n  buildDelayMs: 100\n');
    engine = spawn(process.execPath, ['bin/novaform.js', 'engine', 'serve', '--port', '0', '--data', join(dir, 'data'), '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const exports = await new Promise<string>((resolve, reject) => {
      engine.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.startsWith('export OS_CLIENT_CONFIG_FILE='));
        if (line) resolve(line);
      });
      engine.once('exit', (code) => reject(new Error(`engine exited with ${code}:\n${output}`)));
    });
    assert.doesNotMatch(output, /s3cret-admin/, 'the password must not be printed');
    env = { ...process.env, OS_COMPUTE_API_VERSION: '2.92', OS_VOLUME_API_VERSION: '3.60' };
    for (const [, key, value] of exports.matchAll(/(\w+)=(\S+)/g)) env[key!] = value;
  });

  after(async () => {
    engine?.kill('SIGTERM');
    if (engine && engine.exitCode === null) await new Promise((r) => engine.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  });

  it('issues a token', () => {
    const token = os('token', 'issue', '-f', 'json');
    assert.match(token.id, /^nf/);
    assert.match(token.project_id, /^[0-9a-f]{32}$/);
  });

  it('creates, lists and sets properties on a flavor', () => {
    const flavor = os('flavor', 'create', '--vcpus', '1', '--ram', '512', '--disk', '1', '--property', 'hw:cpu_policy=shared', 'osc.tiny', '-f', 'json');
    assert.equal(flavor.name, 'osc.tiny');
    assert.deepEqual(flavor.properties, { 'hw:cpu_policy': 'shared' });
    os('flavor', 'create', '--vcpus', '2', '--ram', '1024', '--disk', '2', 'osc.small', '-f', 'json');
    os('flavor', 'set', '--property', 'hw:mem_page_size=large', 'osc.tiny');
    const shown = os('flavor', 'show', 'osc.tiny', '-f', 'json');
    assert.deepEqual(shown.properties, { 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'large' });
    const names = os('flavor', 'list', '-f', 'json').map((f: any) => f.Name).sort();
    assert.deepEqual(names, ['osc.small', 'osc.tiny']);
  });

  it('imports a keypair with the fingerprint ssh-keygen computes', () => {
    const key = join(dir, 'id_ed25519');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const expected = spawnSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${key}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!.replace(/^MD5:/, '');
    const keypair = os('keypair', 'create', '--public-key', `${key}.pub`, 'osc-key', '-f', 'json');
    assert.equal(keypair.fingerprint, expected);
    assert.equal(keypair.type, 'ssh');
  });

  it('creates an aggregate with an availability zone and adds a host', () => {
    const aggregate = os('aggregate', 'create', '--zone', 'osc-az', 'osc-agg', '-f', 'json');
    assert.equal(aggregate.availability_zone, 'osc-az');
    const added = os('aggregate', 'add', 'host', 'osc-agg', 'compute-1', '-f', 'json');
    assert.deepEqual(added.hosts, ['compute-1']);
    const zones = os('availability', 'zone', 'list', '--compute', '-f', 'json').map((z: any) => z['Zone Name']).sort();
    assert.deepEqual(zones, ['internal', 'nova', 'osc-az']); // as on the real cloud: admins get the detail view
  });

  let serverId = '';
  it('boots a server into the aggregate zone and shows and lists it', () => {
    const server = os('server', 'create', '--flavor', 'osc.tiny', '--image', 'cirros', '--nic', 'none', '--key-name', 'osc-key',
      '--availability-zone', 'osc-az', '--wait', 'osc-vm', '-f', 'json');
    serverId = server.id;
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server['OS-EXT-SRV-ATTR:host'], 'compute-1');
    assert.equal(server['OS-EXT-AZ:availability_zone'], 'osc-az');
    const listed = os('server', 'list', '-f', 'json');
    assert.deepEqual(listed.map((s: any) => [s.Name, s.Status]), [['osc-vm', 'ACTIVE']]);
    const shown = os('server', 'show', 'osc-vm', '-f', 'json');
    assert.equal(shown.key_name, 'osc-key');
  });

  it('resizes the server and confirms', async () => {
    os('server', 'resize', '--flavor', 'osc.small', '--wait', 'osc-vm');
    const resized = await waitFor(() => os('server', 'show', 'osc-vm', '-f', 'json'), (s) => s.status === 'VERIFY_RESIZE', 'VERIFY_RESIZE');
    assert.equal(resized.status, 'VERIFY_RESIZE');
    os('server', 'resize', 'confirm', 'osc-vm');
    const confirmed = await waitFor(() => os('server', 'show', 'osc-vm', '-f', 'json'), (s) => s.status === 'ACTIVE', 'ACTIVE after confirm');
    assert.equal(confirmed.flavor.original_name, 'osc.small'); // 2.47+: the embedded flavor
  });

  it('creates, lists and extends a volume and attaches it to the server', async () => {
    os('volume', 'create', '--size', '1', 'osc-vol', '-f', 'json');
    await waitFor(() => os('volume', 'show', 'osc-vol', '-f', 'json'), (v) => v.status === 'available', 'volume available');
    os('volume', 'set', '--size', '2', 'osc-vol');
    const extended = await waitFor(() => os('volume', 'show', 'osc-vol', '-f', 'json'), (v) => v.status === 'available' && v.size === 2, 'volume extended');
    assert.equal(extended.size, 2);
    const listed = os('volume', 'list', '-f', 'json');
    assert.deepEqual(listed.map((v: any) => [v.Name, v.Size]), [['osc-vol', 2]]);
    const attached = os('server', 'add', 'volume', 'osc-vm', 'osc-vol', '-f', 'json');
    assert.equal(attached.Device, '/dev/sdb');
    const inUse = await waitFor(() => os('volume', 'show', 'osc-vol', '-f', 'json'), (v) => v.status === 'in-use', 'volume in-use');
    assert.equal(inUse.attachments[0].server_id, serverId);
  });

  it('shows quotas and limits', () => {
    const quota = os('quota', 'show', '-f', 'json');
    const flat = JSON.stringify(quota);
    assert.match(flat, /instances/);
    assert.match(flat, /gigabytes/);
    const limits = os('limits', 'show', '--absolute', '-f', 'json');
    const used = limits.find((l: any) => l.Name === 'totalInstancesUsed');
    assert.equal(used.Value, 1);
    const cores = limits.find((l: any) => l.Name === 'totalCoresUsed');
    assert.equal(cores.Value, 2);
  });

  it('creates, shows, lists and deletes a server group; a server booted with the group hint is a member', () => {
    const group = os('server', 'group', 'create', '--policy', 'anti-affinity', '--rule', 'max_server_per_host=2', 'osc-sg', '-f', 'json');
    assert.equal(group.name, 'osc-sg');
    assert.equal(group.policy, 'anti-affinity');
    assert.deepEqual(group.rules, { max_server_per_host: 2 });
    const server = os('server', 'create', '--flavor', 'osc.tiny', '--image', 'cirros', '--nic', 'none', '--hint', `group=${group.id}`, '--wait', 'osc-grouped', '-f', 'json');
    assert.equal(server.status, 'ACTIVE');
    const shown = os('server', 'group', 'show', 'osc-sg', '-f', 'json');
    assert.deepEqual(shown.members, [server.id]);
    assert.deepEqual(os('server', 'show', 'osc-grouped', '-f', 'json').server_groups, [group.id]);
    assert.ok(os('server', 'group', 'list', '-f', 'json').some((g: any) => g.ID === group.id && g.Name === 'osc-sg'));
    os('server', 'delete', '--wait', 'osc-grouped');
    assert.deepEqual(os('server', 'group', 'show', 'osc-sg', '-f', 'json').members, []);
    os('server', 'group', 'delete', 'osc-sg');
    assert.ok(!os('server', 'group', 'list', '-f', 'json').some((g: any) => g.ID === group.id));
  });

  it('deletes the server and the volume', async () => {
    os('server', 'remove', 'volume', 'osc-vm', 'osc-vol');
    await waitFor(() => os('volume', 'show', 'osc-vol', '-f', 'json'), (v) => v.status === 'available', 'volume detached');
    os('server', 'delete', '--wait', 'osc-vm');
    assert.deepEqual(os('server', 'list', '-f', 'json'), []);
    os('volume', 'delete', 'osc-vol');
    await waitFor(() => os('volume', 'list', '-f', 'json'), (l) => l.length === 0, 'volume deleted');
  });
});
