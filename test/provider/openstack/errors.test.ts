import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { cloudMessageOf, retryAfterOfBody } from '../../../provider/openstack/error-body.ts';
import { OpenStackError, isConflict, isNotFound, isRetryable, isTerminal } from '../../../provider/openstack/errors.ts';

const failure = (status: number, extra: Partial<ConstructorParameters<typeof OpenStackError>[0]> = {}) =>
  new OpenStackError({ method: 'GET', url: 'http://c/x', status, cloudMessage: 'm', ...extra });

describe('the cloud\'s own message', () => {
  const cases: Array<[string, number, string, string, string]> = [
    ['Nova fault', 404, 'Not Found', '{"itemNotFound": {"code": 404, "message": "Flavor m1.x could not be found."}}', 'Flavor m1.x could not be found.'],
    ['Cinder fault', 400, 'Bad Request', '{"badRequest": {"code": 400, "message": "Invalid input received: size"}}', 'Invalid input received: size'],
    ['Keystone error', 401, 'Unauthorized', '{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}', 'The request you have made requires authentication.'],
    ['Glance text', 404, 'Not Found', '404 Not Found\n\nNo image found with ID abc\n\n   ', 'No image found with ID abc'],
    ['HTML page', 502, 'Bad Gateway', '<html><head><title>502</title></head><body><h1>Bad Gateway</h1><p>upstream died</p></body></html>', 'Bad Gateway upstream died'],
    ['placement errors', 409, 'Conflict', '{"errors": [{"status": 409, "title": "Conflict", "detail": "resource provider generation conflict"}]}', 'resource provider generation conflict'],
    ['top-level message', 400, 'Bad Request', '{"message": "plain"}', 'plain'],
    ['empty body', 503, 'Service Unavailable', '', 'Service Unavailable'],
    ['no reason phrase', 599, '', '', 'HTTP 599'],
  ];
  for (const [name, status, statusText, body, expected] of cases) {
    it(name, () => assert.equal(cloudMessageOf(status, statusText, body), expected));
  }

  it('cuts very long messages and reads Nova\'s retryAfter body field', () => {
    assert.equal(cloudMessageOf(500, 'x', 'y'.repeat(3000)).length, 1003);
    assert.equal(retryAfterOfBody('{"overLimit": {"code": 429, "message": "m", "retryAfter": "3"}}'), 3000);
    assert.equal(retryAfterOfBody('{"overLimit": {"code": 413, "message": "Quota exceeded"}}'), undefined);
  });
});

describe('predicates', () => {
  it('classify statuses and transport failures', () => {
    const rows: Array<[OpenStackError, boolean, boolean, boolean, boolean]> = [
      // error, notFound, conflict, retryable, terminal
      [failure(404), true, false, false, false],
      [failure(409), false, true, false, false],
      [failure(400), false, false, false, true],
      [failure(403), false, false, false, true],
      [failure(413), false, false, false, true],
      [failure(413, { retryAfterMs: 1000 }), false, false, true, false],
      [failure(429), false, false, true, false],
      [failure(500), false, false, true, false],
      [failure(503), false, false, true, false],
      [failure(501), false, false, false, true],
      [failure(0, { kind: 'timeout' }), false, false, true, false],
      [failure(0, { kind: 'connection' }), false, false, true, false],
      [failure(0, { kind: 'tls' }), false, false, false, true],
    ];
    for (const [error, notFound, conflict, retryable, terminal] of rows) {
      assert.deepEqual([isNotFound(error), isConflict(error), isRetryable(error), isTerminal(error)], [notFound, conflict, retryable, terminal], `${error.status} ${error.kind}`);
    }
    for (const other of [new Error('x'), undefined, 'boom']) {
      assert.deepEqual([isNotFound(other), isConflict(other), isRetryable(other), isTerminal(other)], [false, false, false, false]);
    }
  });
});

describe('errors from the test cloud carry status, message, request id, method and URL', () => {
  let cloud: TestCloud;
  let admin: Clients;
  let demo: Clients;
  before(async () => {
    cloud = await openTestCloud({ name: 'errors' });
    admin = cloud.admin;
    demo = cloud.demo;
  });
  after(async () => {
    await cloud.close();
  });

  const caught = async (promise: Promise<unknown>): Promise<OpenStackError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenStackError, `expected an OpenStackError, got ${String(error)}`);
    return error;
  };

  it('Nova 404', async () => {
    const error = await caught(admin.compute.get('/servers/00000000-0000-0000-0000-000000000000'));
    assert.deepEqual([error.status, error.method, error.url], [404, 'GET', `${admin.compute.endpoint}/servers/00000000-0000-0000-0000-000000000000`]);
    assert.match(error.url, /\/v2\.1\/servers\/00000000-0000-0000-0000-000000000000$/);
    assert.match(error.cloudMessage, /could not be found/);
    assert.match(error.requestId!, /^req-[0-9a-f-]{36}$/);
    assert.equal(error.message, `${error.cloudMessage} (HTTP 404 on GET ${error.url}, request ${error.requestId})`);
    assert.equal(isNotFound(error), true);
  });

  it('Cinder, Glance and Keystone 404s in their own formats', async () => {
    const volume = await caught(admin.volume.get('/volumes/00000000-0000-0000-0000-000000000000'));
    assert.match(volume.cloudMessage, /could not be found/);
    const image = await caught(admin.image.get('/images/00000000-0000-0000-0000-000000000000'));
    assert.equal(image.status, 404);
    assert.doesNotMatch(image.cloudMessage, /^404/);
    assert.match(image.cloudMessage, /00000000-0000-0000-0000-000000000000/);
    const project = await caught(admin.identity.get('/projects/nope'));
    assert.equal(project.cloudMessage, 'Could not find project: nope.');
  });

  it('409 conflict and 403 policy', async () => {
    const name = `${cloud.prefix}-dup`;
    const created = await admin.compute.post('/flavors', { flavor: { name, vcpus: 1, ram: 512, disk: 1 } });
    try {
      const duplicate = await caught(admin.compute.post('/flavors', { flavor: { name, vcpus: 1, ram: 512, disk: 1 } }));
      assert.deepEqual([duplicate.status, isConflict(duplicate), isTerminal(duplicate)], [409, true, false]);
      const forbidden = await caught(demo.compute.post('/flavors', { flavor: { name: `${cloud.prefix}-nope`, vcpus: 1, ram: 512, disk: 1 } }));
      assert.deepEqual([forbidden.status, isTerminal(forbidden)], [403, true]);
      assert.match(forbidden.cloudMessage, /Policy doesn't allow/);
    } finally {
      await admin.compute.delete(`/flavors/${created.body.flavor.id}`);
    }
  });
});

describe('Glance JSON error bodies', () => {
  it('drops webob\'s HTML line breaks', () => {
    const body = JSON.stringify({ message: 'No image found with ID abc<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
    assert.equal(cloudMessageOf(404, 'Not Found', body), 'No image found with ID abc');
  });
});
