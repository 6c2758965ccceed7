/**
 * What a dynamic resource puts in the state: the text Pulumi's closure
 * serializer makes of its provider (`serializeFunction(() => provider,
 * { allowSecrets: true })`, as `pulumi.dynamic.Resource` does). It MUST stay
 * small and carry no secret and no path of this machine: only the kind, the
 * Pulumi project and stack, and the package specifier it imports at run
 * time, which are unavoidable. The text is then compiled the way the
 * dynamic-provider process compiles it (require-from-string) and its check
 * is run: it loads novaform from the working directory and answers with
 * the manifests' messages (no cloud is needed to check).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import * as pulumi from '@pulumi/pulumi';
import { KIND_NAMES } from '../../../provider/resources/registry.ts';
import { kindProvider } from '../../../pulumi/dynamic/serialized-provider.ts';
import { REPO } from '../../cli/commands/apply-cli-kit.ts';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const requireFromString = require('require-from-string') as (code: string) => { handler: () => Record<string, (...args: unknown[]) => Promise<unknown>> };

// A credential in this process's environment MUST NOT reach the text.
process.env.OS_PASSWORD = 'password-that-must-not-leak';

/** What `pulumi.dynamic.Resource` stores for a resource whose provider is `kindProvider(kind, ...)`. */
const serialized = async (kind: (typeof KIND_NAMES)[number]) => {
  const provider = kindProvider(kind, 'web-project', 'dev-stack');
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
};

for (const kind of KIND_NAMES) {
  test(`${kind}: the serialized provider is small and carries only the kind, project, stack and package specifier`, async () => {
    const { text, containsSecrets } = await serialized(kind);
    assert.equal(containsSecrets, false);
    assert.ok(text.length < 4096, `${text.length} characters`);
    for (const unavoidable of [`kind: "${kind}"`, 'project: "web-project"', 'stack: "dev-stack"', 'import("novaform/pulumi/dynamic/runtime")']) assert.ok(text.includes(unavoidable), unavoidable);
    for (const forbidden of [REPO, process.cwd(), homedir(), tmpdir(), 'node_modules', 'file:', 'password-that-must-not-leak', 'require(']) assert.equal(text.includes(forbidden), false, `the text holds ${forbidden}`);
  });
}

test('compiled as the dynamic-provider process compiles it, it loads novaform and checks with the manifests\' messages', async () => {
  const { text } = await serialized(KIND_NAMES.find((k) => k === 'Flavor')!);
  const provider = requireFromString(text).handler();
  assert.deepEqual(Object.keys(provider).sort(), ['check', 'configure', 'create', 'delete', 'diff', 'read', 'update']);
  await provider.configure!({ config: { get: () => undefined, require: () => { throw new Error('not asked'); } } });
  const valid = (await provider.check!({}, { name: 'm1.dyn', vcpus: 1, ram: '1GiB', disk: 1, __provider: text })) as { inputs: Record<string, unknown>; failures: unknown[] };
  assert.deepEqual(valid.failures, []);
  assert.equal(valid.inputs.__provider, undefined);
  assert.equal(valid.inputs.name, 'm1.dyn');
  const invalid = (await provider.check!({}, { name: 'm1.bad', vcpus: 'many', ram: 512, disk: 1 })) as { failures: Array<{ property: string; reason: string }> };
  assert.equal(invalid.failures.length, 1, JSON.stringify(invalid.failures));
  assert.equal(invalid.failures[0]!.property, 'vcpus');
  assert.match(invalid.failures[0]!.reason, /integer|number/);
});

test('a value not known yet (a preview) is not validated, and its diff is left to the engine', async () => {
  const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
  const flavors = requireFromString((await serialized(KIND_NAMES.find((k) => k === 'Flavor')!)).text).handler();
  // A string where an integer goes: only the "not known yet" rule keeps this from failing.
  const checked = (await flavors.check!({}, { name: 'm1.later', vcpus: unknown, ram: 512, disk: 1 })) as { failures: unknown[] };
  assert.deepEqual(checked.failures, []);
  const servers = requireFromString((await serialized(KIND_NAMES.find((k) => k === 'Server')!)).text).handler();
  // Planning would look the unknown flavor up in the cloud (none is configured here): the engine compares inputs instead.
  assert.deepEqual(await servers.diff!('id-1', { name: 'web', flavor: 'a', image: 'cirros' }, { name: 'web', flavor: unknown, image: 'cirros' }), {});
});

test('in a plain node process (no tsx) the text loads the compiled runtime from the program\'s directory', async () => {
  const { text } = await serialized(KIND_NAMES.find((k) => k === 'Keypair')!);
  // The dynamic-provider process as the Pulumi CLI starts it: plain node, the program's directory as cwd.
  const script = `require(${JSON.stringify(require.resolve('require-from-string'))})(process.env.TEXT).handler().check({}, { name: 'k' }).then(() => console.log('loaded'), (e) => console.log(e.message));`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: REPO, env: { PATH: process.env.PATH ?? '', TEXT: text } });
  assert.equal(stdout.trim(), 'loaded');
});

test('where novaform is not installed the text fails in one line, saying where it looked and what to do', async () => {
  const { text } = await serialized(KIND_NAMES.find((k) => k === 'Keypair')!);
  const empty = await mkdtemp(join(tmpdir(), 'novaform-no-package-'));
  try {
    const script = `require(${JSON.stringify(require.resolve('require-from-string'))})(process.env.TEXT).handler().check({}, { name: 'k' }).then(() => console.log('loaded'), (e) => console.log(e.message));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: empty, env: { PATH: process.env.PATH ?? '', TEXT: text } });
    assert.equal(stdout.trim().split('\n').length, 1, stdout);
    assert.match(stdout.trim(), new RegExp(`^novaform's dynamic provider cannot load novaform/pulumi/dynamic/runtime from ${empty}: .*'novaform'.* \\(install novaform beside the program: npm install novaform\\)$`));
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
