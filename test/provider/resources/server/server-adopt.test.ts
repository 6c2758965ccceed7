import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenStackError } from '../../../../provider/openstack/errors.ts';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import type { ServiceClient } from '../../../../provider/openstack/service-client.ts';
import { AdoptionConflictError } from '../../../../provider/resources/adoption.ts';
import { AmbiguousOwnershipError } from '../../../../provider/resources/server/server-handler.ts';
import { ownerMetadata } from '../../../../provider/resources/types.ts';
import { openServerKit, type ServerTestKit } from './server-cloud-kit.ts';

/**
 * Ownership: a create whose response was lost never leaves a duplicate.
 * A lost response is simulated in front of the real HTTP client: the POST
 * reaches the cloud (or not), then the caller gets a timeout with
 * `outcomeUnknown`, as the client reports it.
 */

function lostResponse(url: string): OpenStackError {
  return new OpenStackError({ method: 'POST', url, status: 0, kind: 'timeout', cloudMessage: 'request timed out after 60000 ms', outcomeUnknown: true });
}

function badGateway(url: string): OpenStackError {
  return new OpenStackError({ method: 'POST', url, status: 502, cloudMessage: 'Bad Gateway' });
}

/** `api` whose POST /servers is `sent` (or not) and then answered by `failure` (default: a timeout). */
function withLostCreate(api: Clients, sent: boolean, failure = lostResponse): { clients: Clients; posts: () => number } {
  let posts = 0;
  const compute = new Proxy(api.compute, {
    get(target, prop) {
      if (prop === 'post') {
        return async (path: string, body?: unknown, options?: object) => {
          if (path !== '/servers') return target.post(path, body, options);
          posts += 1;
          if (sent) await target.post(path, body, options);
          throw failure(target.url(path));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ServiceClient;
  return { clients: { ...api, compute, close: api.close }, posts: () => posts };
}

describe('serverHandler adoption', () => {
  let kit: ServerTestKit;

  before(async () => {
    kit = await openServerKit('srv-adopt');
  });
  after(async () => kit?.cleanup());

  async function rawCreate(name: string, metadata: Record<string, string>): Promise<string> {
    const { body } = await kit.api.compute.post('/servers', {
      server: { name: `${kit.cloud.prefix}-${name}`, flavorRef: kit.small.id, imageRef: kit.cirros, networks: 'none', metadata },
    });
    kit.track(body.server.id);
    return body.server.id;
  }

  it('adopt finds a server whose create result was forgotten', async () => {
    const spec = kit.spec('lost');
    const created = await kit.handler.create(kit.api, kit.owner('lost'), spec);
    const adopted = await kit.handler.adopt(kit.api, kit.owner('lost'), spec);
    assert.equal(adopted?.id, created.id);
    assert.equal(await kit.handler.adopt(kit.api, kit.owner('never-created'), spec), undefined);
  });

  it('a create whose response is lost continues with the server it made, without a second POST', async () => {
    const spec = kit.spec('timeout');
    const { clients, posts } = withLostCreate(kit.api, true);
    const server = await kit.handler.create(clients, kit.owner('timeout'), spec);
    assert.equal(posts(), 1);
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server.name, spec.name);
    const mine = (await kit.handler.list(kit.api, kit.stack)).filter((m) => m.owner.name === 'timeout');
    assert.deepEqual(mine.map((m) => m.observed.id), [server.id], 'exactly one server');
  });

  it('a 5xx from a proxy after Nova made the server: adopted, not sent again', async () => {
    const { clients, posts } = withLostCreate(kit.api, true, badGateway);
    const server = await kit.handler.create(clients, kit.owner('gateway'), kit.spec('gateway'));
    assert.equal(posts(), 1);
    assert.equal(server.status, 'ACTIVE');
    assert.equal((await kit.handler.adopt(kit.api, kit.owner('gateway'), kit.spec('gateway')))?.id, server.id);
  });

  it('a create whose POST never arrived reports the lost response and creates nothing', async () => {
    const { clients, posts } = withLostCreate(kit.api, false);
    await assert.rejects(kit.handler.create(clients, kit.owner('nothing'), kit.spec('nothing')), (error: unknown) => {
      assert.ok(error instanceof OpenStackError);
      assert.equal(error.outcomeUnknown, true);
      return true;
    });
    assert.equal(posts(), 1);
    assert.equal(await kit.handler.adopt(kit.api, kit.owner('nothing'), kit.spec('nothing')), undefined);
  });

  it('two servers with the same ownership: adopt throws, naming both', async () => {
    const owner = kit.owner('twin');
    const first = await rawCreate('twin-1', ownerMetadata(owner));
    const second = await rawCreate('twin-2', ownerMetadata(owner));
    await assert.rejects(kit.handler.adopt(kit.api, owner, kit.spec('twin')), (error: unknown) => {
      assert.ok(error instanceof AmbiguousOwnershipError);
      assert.ok(error instanceof AdoptionConflictError, 'the shared adoption error, for the reconciler');
      assert.deepEqual([...error.ids].sort(), [first, second].sort());
      assert.match(error.message, /2 servers carry the ownership of Server 'twin'/);
      return true;
    });
    // Keep the project's instance quota (10 on a real cloud) for the other tests.
    await Promise.all([first, second].map(async (id) => kit.handler.delete(kit.api, (await kit.handler.read(kit.api, id))!)));
  });

  it('list returns only what this stack owns; a deleted server is not adopted', async () => {
    await rawCreate('other-stack', ownerMetadata({ stack: `${kit.stack}-other`, kind: 'Server', name: 'web' }));
    await rawCreate('unowned', { purpose: 'not novaform' });
    const owned = await kit.handler.list(kit.api, kit.stack);
    assert.ok(owned.every((m) => m.owner.stack === kit.stack && m.owner.kind === 'Server'));
    assert.deepEqual(owned.map((m) => m.owner.name).sort(), ['gateway', 'lost', 'timeout']);

    const lost = (await kit.handler.adopt(kit.api, kit.owner('lost'), kit.spec('lost')))!;
    await kit.handler.delete(kit.api, lost);
    assert.equal(await kit.handler.adopt(kit.api, kit.owner('lost'), kit.spec('lost')), undefined);
  });
});
