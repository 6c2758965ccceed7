import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorDecision } from '../../../../provider/resources/server/server-handler.ts';
import { TEST_CLOUD_ENV } from '../../../helpers/test-cloud.ts';
import { openServerKit, type ServerTestKit } from './server-cloud-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';
import { ResourceFailedError } from '../../../../provider/resources/wait.ts';
import { adopt } from '../../../../provider/resources/match.ts';

/**
 * Faults only the engine can be asked for (engine config knobs). On a real
 * cloud these suites are skipped: a real Nova cannot be told to fail every
 * build, and its Keystone token lifetime is the operator's setting.
 */
const realCloud = process.env[TEST_CLOUD_ENV] ? 'engine only: needs the engine\'s fault knobs (faults.buildFailureRate, tokenTtlSeconds)' : false;

describe('serverHandler with failing builds', { skip: realCloud }, () => {
  let kit: ServerTestKit;

  before(async () => {
    kit = await openServerKit('srv-error', { faults: { buildFailureRate: 1 } });
  });
  after(async () => kit?.cleanup());

  it('a build that ends in ERROR: readiness fails with the cloud\'s fault message', async () => {
    const spec = kit.spec('doomed');
    await assert.rejects(ensureCreated(kit.handler, kit.api, kit.owner('doomed'), spec), ResourceFailedError);
    // The listing leaves the fault out (as Nova's does): read the server itself.
    const server = (await kit.handler.read(kit.api, (await adopt(kit.handler, kit.api, kit.owner('doomed')))!.id))!;
    assert.equal(server.status, 'ERROR');
    assert.ok(server.fault, 'Nova shows the fault');
    const readiness = kit.handler.readiness(server);
    assert.equal(readiness.state, 'failed');
    assert.equal((readiness as { reason: string }).reason, server.fault.message);
    assert.match(server.fault.message, /Exceeded maximum number of retries/);

    assert.equal(errorDecision(spec, server), 'fail');
    assert.equal(errorDecision({ ...spec, onError: 'recreate' }, server), 'recreate');
    assert.equal(errorDecision({ ...spec, onError: 'keep' }, server), 'keep');
    // The server is owned (so it is found again and can be replaced), and it can be deleted.
    assert.equal((await adopt(kit.handler, kit.api, kit.owner('doomed')))?.id, server.id);
    await kit.handler.delete(kit.api, server);
    assert.equal(await kit.handler.read(kit.api, server.id), undefined);
  });
});

describe('serverHandler across token expiry', { skip: realCloud }, () => {
  let kit: ServerTestKit;

  before(async () => {
    // Tokens live 2 s and a build takes 2.5 s: the create's wait outlives the token it started with.
    kit = await openServerKit('srv-token', { tokenTtlSeconds: 2, faults: { buildDelayMs: 2500 } });
  });
  after(async () => kit?.cleanup());

  it('create, update and delete keep working as tokens expire', async () => {
    const authentications = () => kit.cloud.engine!.engine.requestLog.filter((r) => r.method === 'POST' && r.url.startsWith('/v3/auth/tokens')).length;
    const before = authentications();
    const spec = kit.spec('long');
    let server = await ensureCreated(kit.handler, kit.api, kit.owner('long'), spec);
    assert.equal(server.status, 'ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const desired = { ...spec, metadata: { renewed: 'yes' } };
    server = await kit.handler.update(kit.api, server, desired, kit.handler.diff(desired, server, kit.context(spec)));
    assert.equal(server.metadata.renewed, 'yes');
    await kit.handler.delete(kit.api, server);
    assert.equal(await kit.handler.read(kit.api, server.id), undefined);
    assert.ok(authentications() - before >= 2, `new tokens were issued (${authentications() - before})`);
  });
});
