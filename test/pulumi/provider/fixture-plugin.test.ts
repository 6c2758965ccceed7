/**
 * The plugin as a real process: launched the way the Pulumi engine launches
 * a plugin, it prints its port and a newline on stdout and nothing else,
 * however it is used; logs go to stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import { startPlugin } from '../plugin-client.ts';
import { FLAVOR } from './recording-operations.ts';

const fixture = fileURLToPath(new URL('./fixture-plugin.ts', import.meta.url));

test('the fixture plugin hands shakes with its port line only, and stdout stays clean', async () => {
  const plugin = await startPlugin(process.execPath, ['--import', 'tsx', fixture, '--logtostderr', '-v=9', '127.0.0.1:40000'], process.env);
  let code: number | null;
  try {
    assert.match(plugin.stdout(), /^\d+\n$/);
    assert.equal(Number(plugin.stdout().trim()), plugin.client.port);
    assert.deepEqual(await plugin.client.getPluginInfo(), { version: '0.0.0-fixture' });
    assert.equal(JSON.parse(await plugin.client.getSchema()).name, 'novaform');
    await plugin.client.configure({ variables: { 'novaform:config:cloud': 'engine' } });
    const created = await plugin.client.create(FLAVOR, 'small', { value: { name: 'small', vcpus: 1 } });
    assert.equal(created.id, 'id-small');
    await assert.rejects(plugin.client.create(FLAVOR, 'boom', { value: { name: 'boom' } }), (e: grpc.ServiceError) => e.code === grpc.status.UNKNOWN);
  } finally {
    code = await plugin.stop();
  }
  assert.equal(code, 0);
  assert.match(plugin.stdout(), /^\d+\n$/);
  assert.match(plugin.stderr(), /serving on 127\.0\.0\.1:\d+ for engine 127\.0\.0\.1:40000/);
  assert.match(plugin.stderr(), /Create failed: Quota exceeded for cores/);
  assert.doesNotMatch(plugin.stderr(), /stack\.ts/);
});

test('a plugin that prints anything but a port first is reported', async () => {
  await assert.rejects(
    startPlugin(process.execPath, ['-e', 'console.log("hello"); setInterval(() => {}, 1000)'], process.env).then((p) => p.stop()),
    /the plugin's first stdout line is not a port: "hello"/,
  );
});
