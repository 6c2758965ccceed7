import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { resizeWaiting, resource, statusDoc, T0 } from '../../controller/status-fixture.ts';
import { fakeController, openControllerCliKit, serveStatus, type ControllerCliKit } from './controller-cli-kit.ts';

/**
 * `novaform status` as a real process: the stored status when no
 * controller answers (with a note on stderr), the live one from a real
 * HTTP server on 127.0.0.1 when one does, text and JSON, and exit 2 on
 * what needs a person so CI can gate on it.
 */
describe('novaform status', () => {
  let kit: ControllerCliKit;
  before(async () => { kit = await openControllerCliKit('status'); });
  after(async () => kit?.close());

  const failed = resource('Volume', 'data', 'Stalled', { lastError: { message: 'Invalid input: size must be\n> 0', at: T0, terminal: true } });

  it('no controller ever ran: a one-line error with the hint to start one', async () => {
    const out = await kit.run(['status', 'infra']);
    assert.equal(out.code, 1);
    assert.equal(out.stdout, '');
    assert.match(out.stderr, /^novaform: no controller status for stack 'shop' \(nothing in (?:.*\.novaform\/controller\/shop|postgres:\/\/.* \(stack shop\))\); start one with: novaform watch infra\n$/);
  });

  it('stored status, controller gone: the header, the table, the approvals with their command; exit 2; a note on stderr', async () => {
    await kit.store.writeStatus(statusDoc('shop', [resource('Keypair', 'ops', 'Ready'), resizeWaiting(), failed]));
    const out = await kit.run(['status']);
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, new RegExp(`^novaform: the controller of stack 'shop' on elsewhere\\.example \\(pid 999999\\) does not answer from here \\(it served no URL\\); showing the status it wrote at ${T0} \\(\\d+[smhd] ago\\)\n$`));
    const lines = out.stdout.split('\n');
    assert.equal(lines[0], 'Stack:      shop (cloud embedded)');
    assert.match(lines[1]!, /^Controller: pid 999999 on elsewhere\.example, leader; status of 2026-01-01T10:00:00\.000Z \(\d+d ago\)$/);
    assert.equal(lines[2], 'Suspended:  no');
    assert.equal(lines[3], 'Source:     infra');
    assert.equal(lines[4], `Manifests:  valid, 3 documents (loaded ${T0})`);
    assert.equal(lines[5], `Last pass:  resync at ${T0}: 1.2s, 0 changed, 0 failed`);
    assert.equal(lines[6], '');
    assert.match(lines[7]!, /^KIND +NAME +PHASE +LAST-SYNC +MESSAGE$/);
    assert.match(lines[8]!, /^Keypair +ops +Ready +\d+d ago +in sync$/);
    assert.match(lines[9]!, /^Server +web-1 +ApprovalNeeded +\d+d ago +resize \(spec\.flavor m1\.small -> m1\.large\) waits for approval$/);
    assert.match(lines[10]!, /^Volume +data +Stalled +\d+d ago +Invalid input: size must be > 0$/);
    assert.equal(lines[7]!.indexOf('PHASE'), lines[9]!.indexOf('ApprovalNeeded'), 'columns line up');
    assert.deepEqual(lines.slice(11), [
      '', 'Approvals waiting (1):', '  Server/web-1: resize (spec.flavor m1.small -> m1.large)', '    novaform approve Server/web-1', '',
    ]);
  });

  it('stored on this machine by a pid that is gone: "is not running"', async () => {
    // A child that has exited: its pid is free, so the controller that "wrote" the status is surely dead.
    const gonePid = spawnSync(process.execPath, ['-e', '']).pid!;
    await kit.store.writeStatus(statusDoc('shop', [resource('Keypair', 'ops', 'Ready')], { hostname: hostname(), pid: gonePid }));
    const out = await kit.run(['status']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, new RegExp(`^novaform: the controller of stack 'shop' is not running \\(it served no URL\\); showing the status it wrote at ${T0}`));
  });

  it('--output json is the stored ControllerStatus as is; exit 0 when all is well', async () => {
    const healthy = statusDoc('shop', [resource('Keypair', 'ops', 'Ready'), resource('Volume', 'data', 'Reconciling')], {
      source: { type: 'git', url: 'https://git.example/infra.git', branch: 'main', path: 'infra/', lastAppliedRevision: 'a'.repeat(40), lastAttemptedRevision: 'b'.repeat(40) },
    });
    await kit.store.writeStatus(healthy);
    const out = await kit.run(['status', 'infra', '--output', 'json']);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), healthy);
    const text = await kit.run(['status']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /\nSource: {5}git https:\/\/git\.example\/infra\.git \(branch main, path infra\/\)\nRevisions: {2}applied aaaaaaaaaaaa, attempted bbbbbbbbbbbb\n/);
  });

  it('invalid manifests: their errors in the header, exit 2 in both formats', async () => {
    await kit.store.writeStatus(statusDoc('shop', [resource('Keypair', 'ops', 'Ready')], {
      manifests: { valid: false, errors: ['infra/web.yaml:4:9: spec.size: must be >= 1'], documents: 1, lastValidTime: T0 },
    }));
    const out = await kit.run(['status']);
    assert.equal(out.code, 2);
    assert.match(out.stdout, new RegExp(`\nManifests:  INVALID \\(1 error\\); the last valid ones stay in use \\(1 documents, loaded ${T0}\\)\n  infra/web\\.yaml:4:9: spec\\.size: must be >= 1\n`));
    assert.equal((await kit.run(['status', '-o', 'json'])).code, 2);
  });

  it('live: the URL the controller stored answers, so its /status is shown, not the file', async () => {
    const live = statusDoc('shop', [resource('Keypair', 'ops', 'BackingOff', {
      lastError: { message: 'HTTP 503 from compute', at: T0, terminal: false }, retryAt: '2026-01-01T10:01:00.000Z', failures: 2,
    })], { updatedAt: '2026-01-01T11:00:00.000Z' });
    const controller = await fakeController(serveStatus(live));
    try {
      await kit.store.writeStatus(statusDoc('shop', [resource('Keypair', 'ops', 'Ready')], { url: controller.url }));
      const out = await kit.run(['status']);
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stderr, '', 'no note: this is the live status');
      assert.match(out.stdout, /Keypair +ops +BackingOff +\d+d ago +HTTP 503 from compute \(retry at 2026-01-01T10:01:00\.000Z\)\n/);
      assert.deepEqual(controller.requests, ['GET /status']);

      const explicit = await kit.run(['status', '--controller', controller.url.replace('http://', ''), '-o', 'json']);
      assert.equal(explicit.code, 2);
      assert.deepEqual(JSON.parse(explicit.stdout), live);
      const otherStack = await kit.run(['status', '--stack', 'other', '--controller', controller.url]);
      assert.equal(otherStack.code, 1);
      assert.match(otherStack.stderr, /^novaform: the controller at http:\/\/127\.0\.0\.1:\d+ watches stack 'shop', not 'other'\n$/);
    } finally {
      await controller.close();
    }
  });

  it('a stored URL that never answers: the stored status after the 2 s timeout, saying so', async () => {
    const silent = await fakeController(() => undefined);
    try {
      await kit.store.writeStatus(statusDoc('shop', [resource('Keypair', 'ops', 'Ready')], { url: silent.url }));
      const out = await kit.run(['status']);
      assert.equal(out.code, 0);
      assert.match(out.stderr, /does not answer from here \(no answer at http:\/\/127\.0\.0\.1:\d+\/status \(no answer within 2s\)\); showing the status it wrote at/);
      assert.match(out.stdout, /Keypair +ops +Ready/);
    } finally {
      await silent.close();
    }
  });

  it('errors: --controller with nothing listening, a bad format, a bad flag, a missing path: exit 1, one line', async () => {
    const gone = await fakeController(() => undefined);
    await gone.close();
    const cases: Array<[string[], RegExp]> = [
      [['status', '--controller', gone.url], /^novaform: cannot read the controller's status: no answer at http:\/\/127\.0\.0\.1:\d+\/status \(.*ECONNREFUSED.*\)\n$/],
      [['status', '--controller', 'ftp://x'], /^novaform: --controller: expected an http or https URL, got 'ftp:\/\/x'\n$/],
      [['status', '--output', 'yaml'], /^novaform: --output: expected text or json, got 'yaml'\n$/],
      [['status', '--bogus'], /^novaform: unknown flag --bogus for novaform status; see: novaform status --help\n$/],
      [['status', 'nowhere'], /^novaform: no such file or directory: nowhere\n$/],
      [['status', '--stack', '../x'], /^novaform: --stack: '\.\.\/x' is not a valid stack name/],
      [['status', '--backend', 'mysql://db/x'], /^novaform: --backend: unknown backend 'mysql'/],
    ];
    for (const [args, expected] of cases) {
      const out = await kit.run(args);
      assert.equal(out.code, 1, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, expected);
      assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
