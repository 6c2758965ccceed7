/**
 * `Manifests` on an invalid manifest set, under Pulumi's `setMocks` (the
 * issue asks for setMocks tests; the Pulumi CLI cannot run here): the
 * program fails with the loader's diagnostics, one per line with
 * file:line:column, and nothing is registered. Real files in a temporary
 * directory; mocks stand in for the engine and the provider.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { installMocks } from './pulumi-mocks.ts';

// Mocks MUST be set before the SDK registers anything.
const registrations = await installMocks();
const { Manifests } = await import('../../../pulumi/sdk/index.ts');

const dir = await mkdtemp(join(tmpdir(), 'novaform-psdk-'));
after(() => rm(dir, { recursive: true, force: true }));

const FLAVOR = `apiVersion: novaform/v1
kind: Flavor
metadata:
  name: good
spec:
  vcpus: 1
  ram: 512
  disk: 1
`;
const BAD = `apiVersion: novaform/v1
kind: Flavor
metadata:
  name: bad
spec:
  vcpu: 1
  ram: 2GB
  disk: 1
`;

test('an invalid manifest set fails with file:line:column diagnostics, one per line, and registers nothing', async () => {
  await writeFile(join(dir, 'a-good.yaml'), FLAVOR);
  await writeFile(join(dir, 'b-bad.yaml'), BAD);
  const manifests = new Manifests('invalid', { path: dir });
  const error = await manifests.ready.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof pulumi.RunError, 'a RunError: Pulumi prints its message without a stack trace');
  const lines = (error as Error).message.split('\n');
  assert.match(lines[0]!, /the manifests under .* are invalid; nothing was registered/);
  const diagnostics = lines.slice(1);
  assert.ok(diagnostics.length >= 2, lines.join('\n'));
  for (const line of diagnostics) assert.match(line, /b-bad\.yaml:\d+:\d+: error: spec\./);
  assert.ok(diagnostics.some((l) => /b-bad\.yaml:6:3: error: spec\.vcpu: .*\(hint: did you mean 'vcpus'\?\)/.test(l)), diagnostics.join('\n'));
  assert.ok(diagnostics.some((l) => /b-bad\.yaml:7:\d+: error: spec\.ram:/.test(l)), diagnostics.join('\n'));
  assert.deepEqual(Object.keys(manifests.resources), []);
  assert.deepEqual(registrations.filter((r) => r.custom), [], 'not even the valid flavor is registered');
});

test('a path that does not exist fails with one line naming it', async () => {
  const manifests = new Manifests('missing', { path: join(dir, 'nope') });
  const error = await manifests.ready.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof pulumi.RunError);
  assert.match((error as Error).message, /^novaform Manifests: .*nope/);
  assert.equal((error as Error).message.includes('\n'), false);
});
