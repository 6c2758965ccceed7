import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { CENSOR, createLogger, redactPaths } from '../../controller/logger.ts';

/**
 * The controller's logger writing to a stream the test reads back: JSON
 * lines off a terminal, one readable line on one (with colour only
 * without NO_COLOR), and secrets censored in both.
 */

function capture(isTTY?: boolean): { stream: PassThrough & { isTTY?: boolean }; text(): string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (isTTY !== undefined) stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (chunk) => { text += chunk; });
  return { stream, text: () => text };
}

const secrets = {
  key: 'Server/web-1',
  password: 'p-top',
  request: { headers: { 'x-auth-token': 'gAAAAtoken1', Authorization: 'Basic abc', accept: 'application/json' } },
  cloud: { auth: { credentials: [{ secret: 's-deep' }] }, a: { b: { c: { d: { e: { token: 't-deep' } } } } } },
};

describe('controller logger', () => {
  it('off a terminal: JSON lines with ISO time, level, message and fields; secrets censored at any depth', () => {
    const out = capture(false);
    const log = createLogger({ destination: out.stream, env: {} });
    log.info(secrets, 'applied %s', 'Server/web-1');
    log.debug('not at info');
    log.warn({ attempt: 2 }, 'retry after X-Auth-Token: gAAAAABmessagetokenmessagetoken leaked into a message');
    const lines = out.text().trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 2);
    const [info, warn] = lines;
    assert.equal(info.level, 30);
    assert.match(info.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(info.msg, 'applied Server/web-1');
    assert.equal(info.key, 'Server/web-1');
    assert.equal(info.password, CENSOR);
    assert.deepEqual(info.request.headers, { 'x-auth-token': CENSOR, Authorization: CENSOR, accept: 'application/json' });
    assert.equal(info.cloud.auth.credentials, CENSOR);
    assert.equal(info.cloud.a.b.c.d.e.token, CENSOR);
    assert.equal(warn.attempt, 2);
    assert.doesNotMatch(out.text(), /p-top|gAAAAtoken1|Basic abc|s-deep|t-deep|gAAAAABmessage/);
  });

  it('an error keeps its stack in JSON, with its message masked', () => {
    const out = capture(false);
    createLogger({ destination: out.stream }).error({ err: new Error('keystone said token=abc123') }, 'failed');
    const line = JSON.parse(out.text());
    assert.equal(line.err.message, 'keystone said token=***');
    assert.match(line.err.stack, /^Error: keystone said token=\*\*\*\n {4}at /);
  });

  it('on a terminal: one readable line per entry, written synchronously, colour unless NO_COLOR', () => {
    const plain = capture(true);
    const log = createLogger({ destination: plain.stream, env: { NO_COLOR: '1' } });
    log.info(secrets, 'applied');
    log.error(new Error('boom password=hunter2'), 'failed');
    // Read right after the calls, with no await: the lines are already written.
    const lines = plain.text().trimEnd().split('\n');
    assert.equal(lines.length, 2, plain.text());
    assert.match(lines[0]!, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: applied \{"key":"Server\/web-1","password":"\[redacted\]",/);
    assert.match(lines[1]!, /^\[.*\] ERROR: failed \{"err":\{"type":"Error","message":"boom password=\*\*\*"\}\}$/);
    assert.doesNotMatch(plain.text(), /\x1b\[|p-top|hunter2|pid/);

    const coloured = capture(true);
    createLogger({ destination: coloured.stream, env: {} }).warn('careful');
    assert.match(coloured.text(), /\x1b\[33mWARN\x1b\[39m/);
  });

  it('pretty and level can be forced either way', () => {
    const json = capture(true);
    createLogger({ destination: json.stream, pretty: false, level: 'debug' }).debug('details');
    assert.equal(JSON.parse(json.text()).msg, 'details');
    const pretty = capture(false);
    createLogger({ destination: pretty.stream, pretty: true, env: { NO_COLOR: '1' } }).info('hello');
    assert.match(pretty.text(), /^\[.*\] INFO: hello\n$/);
  });

  it('redact paths: top level, bracketed names, and each depth', () => {
    const paths = redactPaths(['password', 'x-auth-token'], 2);
    assert.deepEqual(paths, ['password', '["x-auth-token"]', '*.password', '*["x-auth-token"]', '*.*.password', '*.*["x-auth-token"]']);
  });
});
