import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { FLAVORS, IMAGES, KEYPAIRS, SERVERS, VOLUMES, followNext, listAll, paginate } from '../../../provider/openstack/paging.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { ServiceClient } from '../../../provider/openstack/service-client.ts';
import { engineEnv, fakeServer, sendJson } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };

describe('paging against the engine', () => {
  let t: TestEngine;
  let clients: Clients;
  const pageRequests = (mark: number, path: string) => t.engine.requestLog.slice(mark).filter((e) => e.method === 'GET' && e.url.split('?')[0]!.endsWith(path));

  before(async () => {
    t = await startTestEngine();
    clients = await connect({ ...noFiles, env: engineEnv(t) });
  });
  after(async () => {
    await clients.close();
    await t.close();
  });

  it('flavors: follows flavors_links across pages and keeps the filters', async () => {
    for (const [i, ram] of [512, 1024, 2048, 4096, 8192].entries()) {
      await clients.compute.post('/flavors', { flavor: { name: `page.${i}`, vcpus: 1, ram, disk: 1 } });
    }
    let mark = t.engine.requestLog.length;
    const all = await listAll(clients.compute, FLAVORS, { pageSize: 2 });
    assert.deepEqual(all.map((f) => f.name).sort(), ['page.0', 'page.1', 'page.2', 'page.3', 'page.4']);
    assert.equal(pageRequests(mark, '/flavors/detail').length, 3);

    mark = t.engine.requestLog.length;
    const big = await listAll(clients.compute, FLAVORS, { pageSize: 1, query: { minRam: 2048 } });
    assert.deepEqual(big.map((f) => f.ram).sort((a, b) => a - b), [2048, 4096, 8192]);
    const urls = pageRequests(mark, '/flavors/detail').map((e) => e.url);
    assert.equal(urls.length, 4, 'three full pages and an empty one');
    assert.ok(urls.every((u) => u.includes('minRam=2048') && u.includes('limit=1')), urls.join(' '));
  });

  it('keypairs: unwraps {"keypair": ...} across pages', async () => {
    for (const name of ['kp-a', 'kp-b', 'kp-c']) {
      // Below 2.92 Nova still generates the key pair; the private key comes back once.
      const created = await clients.compute.post('/os-keypairs', { keypair: { name } }, { microversion: '2.91' });
      assert.match(created.body.keypair.private_key, /PRIVATE KEY/);
    }
    const mark = t.engine.requestLog.length;
    const names = (await listAll(clients.compute, KEYPAIRS, { pageSize: 2 })).map((k) => k.name);
    assert.deepEqual(names, ['kp-a', 'kp-b', 'kp-c']);
    assert.equal(pageRequests(mark, '/os-keypairs').length, 2);
  });

  it('volumes: follows volumes_links', async () => {
    for (const name of ['vol-a', 'vol-b', 'vol-c']) await clients.volume.post('/volumes', { volume: { name, size: 1 } });
    const mark = t.engine.requestLog.length;
    const names = (await listAll(clients.volume, VOLUMES, { pageSize: 2 })).map((v) => v.name).sort();
    assert.deepEqual(names, ['vol-a', 'vol-b', 'vol-c']);
    assert.equal(pageRequests(mark, '/volumes/detail').length, 2);
  });

  it('images: follows Glance\'s relative `next`', async () => {
    const mark = t.engine.requestLog.length;
    const names = (await listAll(clients.image, IMAGES, { pageSize: 2 })).map((i) => i.name).sort();
    assert.deepEqual(names, ['cirros', 'debian-12', 'ubuntu-24.04']);
    assert.equal(pageRequests(mark, '/images').length, 2);
  });

  it('servers: lazily, one page at a time', async () => {
    const flavor = (await clients.compute.get('/flavors')).body.flavors[0].id;
    const image = (await clients.image.get('/images', { query: { name: 'cirros' } })).body.images[0].id;
    for (const name of ['vm-a', 'vm-b', 'vm-c']) {
      await clients.compute.post('/servers', { server: { name, flavorRef: flavor, imageRef: image, networks: 'none' } });
    }
    const mark = t.engine.requestLog.length;
    const iterator = paginate(clients.compute, SERVERS, { pageSize: 2 });
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(pageRequests(mark, '/servers/detail').length, 1, 'one page fetched for the first item');
    const rest: string[] = [];
    for await (const server of iterator) rest.push(server.name);
    assert.deepEqual([first.value.name, ...rest].sort(), ['vm-a', 'vm-b', 'vm-c']);
    assert.equal(pageRequests(mark, '/servers/detail').length, 2);
  });
});

describe('paging: links the client does not trust', () => {
  it('keeps its own origin and path, taking only the link\'s query', () => {
    assert.equal(followNext('https://cloud.example:8774/v2.1/servers/detail?limit=2', 'http://10.0.0.5:8774/v2.1/servers/detail?limit=2&marker=x'),
      'https://cloud.example:8774/v2.1/servers/detail?limit=2&marker=x');
    assert.equal(followNext('http://c/image/v2/images?limit=2', '/v2/images?limit=2&marker=y'), 'http://c/image/v2/images?limit=2&marker=y');
  });

  it('stops a cloud whose next link loops back', async () => {
    const server = await fakeServer((_req, res) => sendJson(res, 200, { flavors: [{ id: '1' }], flavors_links: [{ rel: 'next', href: '/compute/flavors/detail?marker=1' }] }));
    try {
      const client = new ServiceClient({ service: 'compute', http: new HttpClient(), auth: { token: async () => 't', invalidate: () => undefined }, endpoint: `${server.url}/compute` });
      await assert.rejects(listAll(client, FLAVORS), { message: `${server.url}/compute/flavors/detail?marker=1: the next link repeats a page already read` });
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it('refuses to send the token to another origin', () => {
    const client = new ServiceClient({ service: 'compute', http: new HttpClient(), auth: { token: async () => 't', invalidate: () => undefined }, endpoint: 'https://nova.example/v2.1' });
    assert.throws(() => client.url('https://evil.example/v2.1/servers'), { message: 'refusing to send the compute token to https://evil.example: not the endpoint\'s origin' });
    assert.equal(client.url('https://nova.example/v2.1/servers', { tag: ['a', 'b'], limit: 2, skip: undefined }), 'https://nova.example/v2.1/servers?tag=a&tag=b&limit=2');
  });
});
