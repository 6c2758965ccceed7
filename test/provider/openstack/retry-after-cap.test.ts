import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { OpenStackError } from '../../../provider/openstack/errors.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { fakeServer, sendJson, FAST_RETRY } from './helpers.ts';

/** A fake server, not a cloud: no cloud answers 429 with a long Retry-After on request. */
describe('http client: a Retry-After above the cap', { skip: process.env[TEST_CLOUD_ENV] ? 'a fake server that rate-limits on purpose' : false }, () => {
  it('fails at once, saying the cloud asked for a longer wait than novaform takes', async () => {
    const server = await fakeServer((_req, res) => sendJson(res, 429, { overLimit: { code: 429, message: 'slow down' } }, { 'Retry-After': '3600' }));
    try {
      const http = new HttpClient({ retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 } });
      const error = await http.request({ method: 'GET', url: `${server.url}/servers` }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenStackError);
      assert.equal(error.status, 429);
      assert.equal(server.requests.length, 1, 'not re-sent');
      assert.match(error.message, /^slow down; the cloud asked to retry after 3600s, longer than novaform waits \(at most 60s\), so it gave up; try again later \(HTTP 429 on GET /);
    } finally {
      await server.close();
    }
  });

  it('a Retry-After within the cap is waited for, and a 400 says nothing about it', async () => {
    let calls = 0;
    const server = await fakeServer((_req, res) => {
      calls++;
      if (calls === 1) sendJson(res, 429, { overLimit: { code: 429, message: 'slow down' } }, { 'Retry-After': '1' });
      else sendJson(res, 400, { badRequest: { code: 400, message: 'no' } }, { 'Retry-After': '3600' });
    });
    try {
      const http = new HttpClient({ retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 } });
      const error = await http.request({ method: 'GET', url: `${server.url}/servers` }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenStackError);
      assert.equal(error.status, 400);
      assert.equal(calls, 2);
      assert.doesNotMatch(error.message, /retry after/);
    } finally {
      await server.close();
    }
  });
});
