import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../../cli/cli-error.ts';
import { formatOfFile, run as drift } from '../../../cli/commands/drift.ts';
import { eventually, type ApiClient } from '../../helpers/engine-harness.ts';
import { doc, openCliKit, type CliKit, type RunOutcome } from './apply-cli-kit.ts';

/**
 * `novaform drift` end to end: `novaform apply --yes` creates a small
 * stack on the engine, another client changes it, and every output format
 * must show the same drift, with exit 2 (0 when clean, 1 on errors).
 */
describe('novaform drift', () => {
  let kit: CliKit;
  let other: ApiClient;

  async function run(argv: string[]): Promise<RunOutcome> {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env: kit.env, cwd: kit.dir };
    try {
      return { code: await drift(argv, io), stdout, stderr };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return { code: error.exitCode, stdout, stderr: `${stderr}novaform: ${error.message}\n` };
    }
  }

  /** The testcases of a JUnit file: name, classname and failure (if any), checking the XML is well-formed enough to parse. */
  function junitCases(xml: string): Array<{ classname: string; name: string; failure?: string; skipped: boolean }> {
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    assert.equal((xml.match(/<testcase /g) ?? []).length, (xml.match(/<\/testcase>/g) ?? []).length);
    const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    return [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" time="0">([\s\S]*?)<\/testcase>/g)].map((m) => {
      const failure = /<failure type="[^"]*" message="([^"]*)">([\s\S]*?)<\/failure>/.exec(m[3]!);
      return { classname: unescape(m[1]!), name: unescape(m[2]!), skipped: m[3]!.includes('<skipped'), ...(failure ? { failure: unescape(failure[2]!) } : {}) };
    });
  }

  before(async () => {
    kit = await openCliKit('drift');
    const p = kit.cloud.prefix;
    await kit.write({
      'novaform.yaml': 'stack: shop\n',
      'stack.yaml': [
        doc('Flavor', `${p}-small`, 'vcpus: 1\nram: 512\ndisk: 1'),
        doc('Volume', 'data-1', 'size: 1'),
        doc('Server', 'web-1', `flavor: ${p}-small\nimage: cirros\nnetworks: none\nmetadata: {role: web}`),
      ].join('---\n'),
    });
    const applied = await kit.run('apply', ['.', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    other = await kit.cloud.engine!.login('admin');
  });
  after(async () => kit?.close());

  it('a clean stack: exit 0, an empty report in every format', async () => {
    const text = await run(['.']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'No drift: stack shop matches the manifests (3 in sync).\n');
    const json = JSON.parse((await run(['.', '-o', 'json'])).stdout);
    assert.deepEqual({ version: json.version, stack: json.stack, inSync: json.inSync, resources: json.resources, summary: json.summary },
      { version: 1, stack: 'shop', inSync: true, resources: [], summary: { changed: 0, missing: 0, unhealthy: 0, unmanaged: 0 } });
    assert.match((await run(['.', '-o', 'markdown'])).stdout, /^## No drift: stack shop\n/);
    const cases = junitCases((await run(['.', '-o', 'junit'])).stdout);
    assert.deepEqual(cases.map((c) => `${c.classname} ${c.name} ${c.failure ?? 'pass'}`).sort(), [
      `novaform.drift.shop.Flavor ${kit.cloud.prefix}-small pass`, 'novaform.drift.shop.Server web-1 pass', 'novaform.drift.shop.Volume data-1 pass',
    ]);
  });

  it('drift: exit 2, the same resources in text, json, markdown and junit (--out writes JUnit too); only reads', async () => {
    const project = other.projectId;
    const servers = (await other.get('/v2.1/servers/detail')).body.servers as Array<{ id: string; name: string }>;
    const web1 = servers.find((s) => s.name === 'web-1')!.id;
    const volumes = (await other.get(`/volume/v3/${project}/volumes`)).body.volumes as Array<{ id: string; name: string }>;
    const data1 = volumes.find((v) => v.name === 'data-1')!.id;
    assert.equal((await other.post(`/v2.1/servers/${web1}/metadata`, { metadata: { role: 'db', note: 'a <&> "quoted" | value' } })).status, 200);
    assert.equal((await other.delete(`/volume/v3/${project}/volumes/${data1}`)).status, 202);
    await eventually(async () => ((await other.get(`/volume/v3/${project}/volumes/${data1}`)).status === 404 ? true : undefined), 10_000);
    const flavorRef = (await other.get('/v2.1/flavors')).body.flavors.find((f: { name: string }) => f.name === `${kit.cloud.prefix}-small`).id;
    const imageRef = (await other.get('/image/v2/images?name=cirros')).body.images[0].id;
    assert.equal((await other.post('/v2.1/servers', { server: { name: 'stray', flavorRef, imageRef, networks: 'none' } }, '2.37')).status, 202);

    const mark = kit.mark();
    const text = await run(['.', '--include-unmanaged', '--out', 'reports/drift.xml', '--out', 'reports/drift.md']);
    assert.deepEqual(kit.writesSince(mark), [], 'drift never writes to the cloud');
    assert.equal(text.code, 2, text.stderr);
    assert.match(text.stdout, /^Drift in stack shop: 1 changed, 1 missing, 0 unhealthy, 1 unmanaged; 1 in sync\.\n/);
    assert.match(text.stdout, new RegExp(`~ changed   Server web-1 \\(${web1}\\): 2 fields differ from the manifest\n      spec.metadata.role: desired web, actual db \\(apply would update in place\\)\n`));
    assert.match(text.stdout, /- missing   Volume data-1 \(.*\): volume .* is gone from the cloud/);
    assert.match(text.stdout, /\? unmanaged Server stray \(/);

    const json = JSON.parse((await run(['.', '--include-unmanaged', '--output', 'json'])).stdout);
    assert.deepEqual(json.summary, { changed: 1, missing: 1, unhealthy: 0, unmanaged: 1 });
    assert.deepEqual(json.resources.map((r: { category: string; kind: string; name: string }) => `${r.category} ${r.kind}/${r.name}`), ['changed Server/web-1', 'missing Volume/data-1', 'unmanaged Server/stray']);
    assert.deepEqual(json.resources[0].changes, [
      { path: 'spec.metadata.role', desired: 'web', actual: 'db', apply: 'update' },
      { path: 'spec.metadata.note', desired: null, actual: 'a <&> "quoted" | value', apply: 'manual' },
    ]);
    assert.equal(json.resources[1].id, data1);

    const markdown = await kit.read('reports/drift.md');
    assert.match(markdown, /^## Drift: stack shop — 1 changed, 1 missing, 0 unhealthy, 1 unmanaged\n/);
    assert.match(markdown, /\| changed \| Server \| web-1 \| `[0-9a-f-]+` \| 2 fields differ from the manifest \|/);
    assert.match(markdown, /\| `spec.metadata.note` \| `\(none\)` \| `a &lt;&&gt; "quoted" \\\| value` \| manual: /);

    const cases = junitCases(await kit.read('reports/drift.xml'));
    const failed = cases.filter((c) => c.failure !== undefined).map((c) => `${c.classname} ${c.name}`);
    assert.deepEqual(failed, ['novaform.drift.shop.Server web-1', 'novaform.drift.shop.Volume data-1', 'novaform.drift.shop.unmanaged.Server stray']);
    assert.match(cases.find((c) => c.name === 'web-1')!.failure!, /spec.metadata.note: desired \(none\), actual "a <&> \\"quoted\\" \| value"/);
    assert.ok(cases.some((c) => c.name === `${kit.cloud.prefix}-small` && c.failure === undefined && !c.skipped));
  });

  it('.novaformignore and the annotation silence what other teams manage', async () => {
    await kit.write({ '.novaformignore': '# the DBA team sets these\nServer/web-* spec.metadata\nVolume/data-1\n' });
    const out = await run(['.', '-o', 'json']);
    assert.equal(out.code, 0, out.stdout);
    assert.deepEqual(JSON.parse(out.stdout).ignored.map((i: { name: string }) => i.name), ['data-1']);
    await kit.write({ '.novaformignore': 'Server/web-1 metadata.role\n' });
    const bad = await run(['.']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\.novaformignore:1: a path starts with 'spec\.'/);
    await kit.write({ '.novaformignore': null });
  });

  it('errors exit 1, never 2: usage, a bad format', async () => {
    assert.equal((await run([])).code, 1);
    assert.equal((await run(['.', '--output', 'yaml'])).code, 1);
    assert.equal((await run(['.', '--bogus'])).code, 1);
  });

  it('--out picks the format from the extension', () => {
    assert.deepEqual(['a.xml', 'a.JSON', 'a.md', 'a.markdown', 'a.txt', 'a.out'].map((f) => formatOfFile(f, 'json')), ['junit', 'json', 'markdown', 'markdown', 'text', 'json']);
  });
});
