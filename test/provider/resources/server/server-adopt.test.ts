import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenStackError } from '../../../../provider/openstack/errors.ts';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import type { ServiceClient } from '../../../../provider/openstack/service-client.ts';
import { CreateOutcomeUnknownError, ensureCreated } from '../../../../provider/resources/ensure.ts';
import { adopt } from '../../../../provider/resources/match.ts';
import type { ServerObserved } from '../../../../provider/resources/server/server-observed.ts';
import { ownerMetadata } from '../../../../provider/resources/types.ts';
import { waitFor } from '../../../../provider/resources/wait.ts';
import { openServerKit, type ServerTestKit } from './server-cloud-kit.ts';

/**
 * Ownership: a create whose response was lost is never sent again; the
 * one server it made is found by its stamp.
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
    const created = await ensureCreated(kit.handler, kit.api, kit.owner('lost'), spec);
    const adopted = await adopt(kit.handler, kit.api, kit.owner('lost'));
    assert.equal(adopted?.id, created.id);
    assert.equal(await adopt(kit.handler, kit.api, kit.owner('never-created')), undefined);
  });

  it('a create whose response is lost is not sent again: the outcome is unknown, and adoption finds the one server', async () => {
    const { clients, posts } = withLostCreate(kit.api, true);
    await assert.rejects(ensureCreated(kit.handler, clients, kit.owner('timeout'), kit.spec('timeout')), CreateOutcomeUnknownError);
    assert.equal(posts(), 1);
    const server = await waitFor(() => adopt(kit.handler, kit.api, kit.owner('timeout')), (s) => (s ? { state: 'ready' } : { state: 'pending', retryAfterMs: 200, reason: 'not listed yet' }), { timeoutMs: 60_000 });
    const mine = (await kit.handler.listAll(kit.api)).filter((s: ServerObserved) => s.metadata['novaform:stack'] === kit.stack && s.metadata['novaform:name'] === 'timeout');
    assert.deepEqual(mine.map((s: ServerObserved) => s.id), [server!.id], 'exactly one server');
  });

  it('a 5xx from a proxy after Nova made the server: unknown outcome, not sent again', async () => {
    const { clients, posts } = withLostCreate(kit.api, true, badGateway);
    await assert.rejects(ensureCreated(kit.handler, clients, kit.owner('gateway'), kit.spec('gateway')), CreateOutcomeUnknownError);
    assert.equal(posts(), 1);
    const found = await waitFor(() => adopt(kit.handler, kit.api, kit.owner('gateway')), (s) => (s ? { state: 'ready' } : { state: 'pending', retryAfterMs: 200, reason: 'not listed yet' }), { timeoutMs: 60_000 });
    assert.ok(found?.id);
  });

  it('a create whose POST never arrived reports the unknown outcome and creates nothing', async () => {
    const { clients, posts } = withLostCreate(kit.api, false);
    await assert.rejects(ensureCreated(kit.handler, clients, kit.owner('nothing'), kit.spec('nothing')), (error: unknown) => {
      assert.ok(error instanceof CreateOutcomeUnknownError);
      assert.ok(error.cause instanceof OpenStackError && error.cause.outcomeUnknown);
      return true;
    });
    assert.equal(posts(), 1);
    assert.equal(await adopt(kit.handler, kit.api, kit.owner('nothing')), undefined);
  });

  it('two servers with the same ownership: adopt throws, naming both', async () => {
    const owner = kit.owner('twin');
    const first = await rawCreate('twin-1', ownerMetadata(owner));
    const second = await rawCreate('twin-2', ownerMetadata(owner));
    await assert.rejects(adopt(kit.handler, kit.api, owner), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.ok(error.message.includes(first) && error.message.includes(second));
      assert.match(error.message, /2 servers carry the ownership of Server 'twin'/);
      return true;
    });
    // Keep the project's instance quota (10 on a real cloud) for the other tests.
    await Promise.all([first, second].map(async (id) => kit.handler.delete(kit.api, (await kit.handler.read(kit.api, id))!)));
  });

  it("the stamp tells this stack's servers from others; a deleted server is not adopted", async () => {
    await rawCreate('other-stack', ownerMetadata({ stack: `${kit.stack}-other`, kind: 'Server', name: 'web' }));
    await rawCreate('unowned', { purpose: 'not novaform' });
    const owned = (await kit.handler.listAll(kit.api)).map((s: ServerObserved) => kit.handler.stamp(s)).filter((stamp) => stamp?.stack === kit.stack);
    assert.deepEqual(owned.map((stamp) => stamp!.name).sort(), ['gateway', 'lost', 'timeout']);
    assert.equal(await adopt(kit.handler, kit.api, kit.owner('web')), undefined, "another stack's server is not ours");

    const lost = (await adopt(kit.handler, kit.api, kit.owner('lost')))!;
    await kit.handler.delete(kit.api, lost);
    assert.equal(await adopt(kit.handler, kit.api, kit.owner('lost')), undefined);
  });
});
