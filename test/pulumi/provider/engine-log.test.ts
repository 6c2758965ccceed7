import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineLog } from '../../../pulumi/provider/engine-log.ts';
import { startEngineLogServer } from '../engine-log-server.ts';

const URN = 'urn:pulumi:dev::p::novaform:index:Server::web';

test('a warning goes to the engine\'s Log service on the resource', async () => {
  const engine = await startEngineLogServer();
  const stderr: string[] = [];
  const log = engineLog(engine.address, (line) => stderr.push(line));
  await log.warn(URN, 'Server web is resized in place');
  log.close();
  await engine.close();
  assert.deepEqual(engine.warningsOn(URN), ['Server web is resized in place']);
  assert.deepEqual(stderr, []);
});

test('without an engine, or with one that is gone, the warning goes to stderr and nothing fails', async () => {
  const stderr: string[] = [];
  await engineLog(undefined, (line) => stderr.push(line)).warn(URN, 'one');
  const gone = engineLog('127.0.0.1:1', (line) => stderr.push(line), 2_000);
  await gone.warn(URN, 'two');
  gone.close();
  assert.equal(stderr[0], 'warning: one');
  assert.match(stderr[1]!, /^warning: two \(the engine's log did not take it: .+\)$/);
});
