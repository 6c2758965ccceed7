/**
 * The dynamic runtime's configuration (pulumi/dynamic/runtime.ts): it takes
 * the plugin's keys from the stack config, and a bad one fails configure and
 * every later call of every kind with the same one-line message, since
 * Pulumi keeps a provider whose configure threw and would call it anyway.
 * The runtime is one per process: this file (its own process under
 * node:test) configures it once, badly. No cloud is reached.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND_NAMES } from '../../../provider/resources/registry.ts';
import { kindOperations } from '../../../pulumi/dynamic/runtime.ts';

const config = (values: Record<string, string>) => ({
  get: (key: string) => values[key],
  require: (key: string) => values[key] ?? assert.fail(`${key} asked for`),
});

test('a bad novaform:stack fails configure, then every call of every kind, in one line', async () => {
  const [first, second] = KIND_NAMES.map((kind) => kindOperations(kind, 'web', 'dev'));
  const message = /novaform:stack: 'Not A Stack!' is not a valid stack name/;
  await assert.rejects(first!.configure({ config: config({ 'novaform:stack': 'Not A Stack!', 'web:size': 'small' }) }), (error: Error) => {
    assert.match(error.message, message);
    assert.equal(error.message.includes('\n'), false);
    return true;
  });
  // A second provider text's configure (another kind) gets the same answer: the process has one configuration.
  await assert.rejects(second!.configure({ config: config({}) }), message);
  await assert.rejects(first!.check({}, { name: 'x' }), message);
  await assert.rejects(second!.create({ name: 'x' }), message);
  await assert.rejects(first!.delete('id-1', { name: 'x' }), message);
});
