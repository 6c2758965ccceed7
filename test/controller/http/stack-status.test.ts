import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControllerHttp, type ControllerHttp } from '../../../controller/http/controller-http.ts';
import { ControllerMetrics } from '../../../controller/metrics.ts';
import { send } from './http-request.ts';
import { InMemoryView, sampleStatus } from './in-memory-view.ts';

/** A replica serves each stack it holds on /stacks/STACK/status (the URL that stack's stored status names). */
describe('GET /stacks/STACK/status', () => {
  let http: ControllerHttp;
  before(async () => {
    const held = new Map([['web', sampleStatus({ stack: 'web' })]]);
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, view: new InMemoryView(), metrics: new ControllerMetrics(), allowUiApprove: false, stackStatus: (stack) => held.get(stack) });
  });
  after(() => http.close());

  it('answers the status of a held stack', async () => {
    const answer = await send(`${http.url}/stacks/web/status`);
    assert.equal(answer.status, 200);
    assert.equal((JSON.parse(answer.text) as { stack: string }).stack, 'web');
  });

  it('a stack not held here is a 404 with a one-line JSON error', async () => {
    const answer = await send(`${http.url}/stacks/api/status`);
    assert.equal(answer.status, 404);
    assert.deepEqual(JSON.parse(answer.text), { error: 'NotFound', message: "this controller does not hold stack 'api'" });
  });
});
