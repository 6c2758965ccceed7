import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../../cli/cli-error.ts';
import type { ApplyIo } from '../../../cli/commands/apply-common.ts';
import { openCliKit, type CliKit, type RunOutcome } from './apply-cli-kit.ts';

/**
 * The inspect commands in-process against the engine on loopback (OS_*
 * variables, as any OpenStack), after a real apply of the quickstart.
 */

const COMMANDS = {
  get: async () => (await import('../../../cli/commands/get.ts')).run,
  outputs: async () => (await import('../../../cli/commands/outputs.ts')).run,
  graph: async () => (await import('../../../cli/commands/graph.ts')).run,
  stacks: async () => (await import('../../../cli/commands/stacks.ts')).run,
  'state list': async () => (await import('../../../cli/commands/state.ts')).runList,
  'state show': async () => (await import('../../../cli/commands/state.ts')).runShow,
  'state rm': async () => (await import('../../../cli/commands/state.ts')).runRm,
};

async function inspect(kit: CliKit, command: keyof typeof COMMANDS, argv: string[], options: { tty?: boolean; stdin?: string } = {}): Promise<RunOutcome> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(options.stdin !== undefined ? [options.stdin] : []) as Readable & { isTTY?: boolean };
  stdin.isTTY = options.tty ?? false;
  const io: ApplyIo = {
    stdout: { write: (t: string) => { stdout += t; return true; }, isTTY: false },
    stderr: { write: (t: string) => { stderr += t; return true; } },
    stdin, env: kit.env, cwd: kit.dir,
  };
  try {
    return { code: await (await COMMANDS[command]())(argv, io), stdout, stderr };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { code: error.exitCode, stdout, stderr: `${stderr}novaform: ${error.message}\n` };
  }
}

const BATCH_WITH_SECRET = `apiVersion: novaform/v1
kind: Server
metadata:
  name: qs-secret
spec:
  flavor: qs.small
  image: cirros
  networks: none
  userData: "#cloud-config\\npassword: hunter2\\n"
`;

describe('novaform state, get, outputs, graph, stacks (in-process, engine over HTTP)', () => {
  let kit: CliKit;
  before(async () => {
    kit = await openCliKit('inspect');
    await kit.copyQuickstart();
    await kit.write({ 'secret.yaml': BATCH_WITH_SECRET });
    const applied = await kit.run('apply', ['.', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(() => kit.close());

  it('get: every resource with its id, cloud status, last apply and drift, reading only', async () => {
    const mark = kit.mark();
    const text = await inspect(kit, 'get', []);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^KIND +NAME +ID +STATUS +LAST APPLIED +DRIFT$/m);
    assert.match(text.stdout, /^Server +qs-web +[0-9a-f-]{36} +ACTIVE +\d{4}-\S+ +in sync$/m);
    const json = JSON.parse((await inspect(kit, 'get', ['--output', 'json'])).stdout);
    assert.equal(json.stack, 'quickstart');
    assert.deepEqual(json.resources.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`),
      ['Flavor/qs.small', 'Keypair/quickstart', 'Volume/qs-data', 'Aggregate/qs-fast', 'Server/qs-batch', 'Server/qs-secret', 'Server/qs-web']);
    assert.ok(json.resources.every((r: { drift: string }) => r.drift === 'in sync'));
    assert.equal(json.resources.find((r: { name: string }) => r.name === 'qs-data').status, 'in-use');
    assert.deepEqual(kit.writesSince(mark), [], 'get changes nothing');
  });

  it('get: a manifest edited since the apply shows as drifted', async () => {
    const servers = await kit.read('servers.yaml');
    await kit.write({ 'servers.yaml': servers.replace('role: web', 'role: api') });
    try {
      const json = JSON.parse((await inspect(kit, 'get', ['-o', 'json'])).stdout);
      const web = json.resources.find((r: { name: string }) => r.name === 'qs-web');
      assert.equal(web.drift, 'drifted');
    } finally {
      await kit.write({ 'servers.yaml': servers });
    }
  });

  it('outputs: ids, status and attachments by manifest name; --show-secrets says adminPass is never kept', async () => {
    const out = await inspect(kit, 'outputs', ['--output', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout);
    assert.deepEqual(json.resources['Server/qs-web'].attached, ['qs-data']);
    assert.deepEqual(json.resources['Volume/qs-data'].attachedTo, ['qs-web']);
    assert.equal(json.resources['Server/qs-web'].status, 'ACTIVE');
    assert.equal(json.notes, undefined);
    const secrets = await inspect(kit, 'outputs', ['--show-secrets']);
    assert.match(secrets.stdout, /adminPass: not kept by novaform/);
    assert.doesNotMatch(secrets.stdout + secrets.stderr, /hunter2/);
  });

  it('state list and show: the records, secrets as digests only', async () => {
    const list = JSON.parse((await inspect(kit, 'state list', ['-o', 'json'])).stdout);
    assert.equal(list.resources.length, 7);
    assert.equal(list.cloud.type, 'openstack');
    const show = await inspect(kit, 'state show', ['Server/qs-secret']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /"userData": "sha256:[0-9a-f]{64}"/);
    assert.doesNotMatch(show.stdout, /hunter2/);
    const missing = await inspect(kit, 'state show', ['Server/nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no record of Server\/nope/);
    const typo = await inspect(kit, 'state show', ['server/qs-web']);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /did you mean Server\/qs-web\?/);
  });

  it('plan: a userData change shows per-stack HMAC digests, and the saved plan still applies', async () => {
    await kit.write({ 'secret.yaml': BATCH_WITH_SECRET.replace('hunter2', 'hunter3') });
    // Outside the project: a .json file in it would be read as a manifest.
    const plan = await kit.run('plan', ['.', '--out', '../plan.json']);
    assert.equal(plan.code, 0, plan.stderr);
    const saved = await kit.read('../plan.json');
    const change = JSON.parse(saved).actions.find((a: { name: string }) => a.name === 'qs-secret').changes.find((c: { path: string }) => c.path === 'spec.userData');
    assert.match(change.from, /^hmac:[0-9a-f]{32}$/);
    assert.match(change.to, /^hmac:[0-9a-f]{32}$/);
    assert.notEqual(change.from, change.to);
    assert.doesNotMatch(saved, /hunter|sha256:[0-9a-f]{16}"/);
    const applied = await kit.run('apply', ['../plan.json', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    const again = await kit.run('plan', ['.', '--output', 'json']);
    assert.equal(JSON.parse(again.stdout).summary.rebuild, 0, 'the applied user data now compares equal');
  });

  it('state rm: refuses off a terminal without --yes; forgets with it; the next plan re-adopts the stamped object without a write', async () => {
    const refused = await inspect(kit, 'state rm', ['Volume/qs-data']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /use --yes/);
    const asked = await inspect(kit, 'state rm', ['Volume/qs-data'], { tty: true, stdin: 'no\n' });
    assert.equal(asked.code, 1);
    assert.match(asked.stdout, /Nothing was forgotten/);
    assert.equal(JSON.parse((await inspect(kit, 'state list', ['-o', 'json'])).stdout).resources.length, 7);

    const forgot = await inspect(kit, 'state rm', ['Volume/qs-data', 'Volume/nope', '--yes']);
    assert.equal(forgot.code, 1, 'one KIND/NAME had no record');
    assert.match(forgot.stdout, /forgot Volume\/qs-data \(cloud id [0-9a-f-]{36}\); it is still in the cloud/);
    assert.match(forgot.stdout, /re-adopted/);
    assert.match(forgot.stderr, /no record of Volume\/nope/);
    const list = JSON.parse((await inspect(kit, 'state list', ['-o', 'json'])).stdout);
    assert.equal(list.resources.some((r: { name: string }) => r.name === 'qs-data'), false);

    const mark = kit.mark();
    const plan = await kit.run('plan', ['.', '--output', 'json']);
    assert.equal(plan.code, 0, plan.stderr);
    const volume = JSON.parse(plan.stdout).actions.find((a: { name: string }) => a.name === 'qs-data');
    assert.equal(volume.action, 'noop', 'found again by its stamp, as the message says');
    assert.deepEqual(kit.writesSince(mark), []);
    const get = JSON.parse((await inspect(kit, 'get', ['-o', 'json'])).stdout);
    const data = get.resources.find((r: { name: string }) => r.name === 'qs-data');
    assert.equal(data.drift, 'in sync');
    assert.equal(data.lastApplied, null);
  });

  it('state rm of an unstamped object (a server group) lets go of it: a plan calls it not ours, and leaves it alone once undeclared', async () => {
    await kit.write({ 'group.yaml': 'apiVersion: novaform/v1\nkind: ServerGroup\nmetadata:\n  name: qs-spread\nspec:\n  policy: anti-affinity\n' });
    try {
      const applied = await kit.run('apply', ['.', '--yes']);
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal((await inspect(kit, 'state rm', ['ServerGroup/qs-spread', '--yes'])).code, 0);
      const plan = await kit.run('plan', ['.']);
      assert.equal(plan.code, 1);
      assert.match(plan.stderr, /server group named 'qs-spread' .* was not created by novaform/);
      assert.match(plan.stderr, /import: \{id: /);
    } finally {
      await kit.write({ 'group.yaml': null });
    }
    const mark = kit.mark();
    const plan = await kit.run('plan', ['.', '--output', 'json']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(JSON.parse(plan.stdout).actions.some((a: { name: string }) => a.name === 'qs-spread'), false, 'left alone');
    assert.deepEqual(kit.writesSince(mark), []);
  });

  it('graph and stacks work offline on the same project', async () => {
    const dot = await inspect(kit, 'graph', ['.']);
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /"Server\/qs-web" -> "Volume\/qs-data";/);
    const svg = await inspect(kit, 'graph', ['.', '--format', 'svg']);
    assert.match(svg.stdout, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg.stdout, /data-key="Server\/qs-web"/);
    const bad = await inspect(kit, 'graph', ['.', '--format', 'png']);
    assert.equal(bad.code, 2, 'a usage error');
    assert.match(bad.stderr, /--format: expected dot, mermaid, svg/);
    const stacks = JSON.parse((await inspect(kit, 'stacks', ['-o', 'json'])).stdout);
    assert.equal(stacks.stacks.length, 1);
    assert.equal(stacks.stacks[0].stack, 'quickstart');
    const records = JSON.parse((await inspect(kit, 'state list', ['-o', 'json'])).stdout).resources.length;
    assert.equal(stacks.stacks[0].resources, records);
    assert.equal(records, 7, 'the quickstart, qs-secret, and qs-data recorded again by the last apply');
  });
});
