import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/novaform.js');
const repo = resolve(dirname(bin), '..');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });

const flavor = (name: string, labels = '{}') => `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: ${name}\n  labels: ${labels}\nspec:\n  vcpus: 1\n  ram: 512\n  disk: 1\n`;
const server = (name: string, labels = '{}') => `apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: ${name}\n  labels: ${labels}\nspec:\n  flavor: m1\n  image: cirros\n`;

describe('novaform validate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novaform-validate-'));
    const files: Record<string, string> = {
      'good/flavors.yaml': flavor('m1', '{tier: web}'),
      'good/servers.yaml': `${server('a', '{tier: web}')}---\n${server('b', '{tier: db}')}`,
      'bad/flavor.yaml': flavor('m1').replace('vcpus: 1', 'vcpu: 1'),
      'bad/dup.yaml': `${flavor('x')}---\n${flavor('x')}`,
      'empty/notes.txt': 'nothing here',
    };
    for (const [name, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('exits 0 and counts documents by kind when valid', () => {
    const run = cli(['validate', 'good'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '3 documents valid (Flavor 1, Server 2)\n');
  });

  it('the quickstart example validates', () => {
    const run = cli(['validate', 'examples/quickstart'], repo);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, '6 documents valid (Flavor 1, Keypair 1, Volume 1, Aggregate 1, Server 2)\n');
  });

  it('--selector narrows what is counted (AND of terms)', () => {
    const run = cli(['validate', 'good', '--selector', 'tier=web'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '3 documents valid; 2 selected by tier=web (Flavor 1, Server 1)\n');
    const none = cli(['validate', 'good', '-l', 'tier=web', '-l', 'app=x'], dir);
    assert.equal(none.stdout, '3 documents valid; 0 selected by tier=web,app=x\n');
  });

  it('exits 1 and prints every error like a compiler', () => {
    const run = cli(['validate', 'bad'], dir);
    assert.equal(run.status, 1);
    assert.equal(
      run.stdout,
      [
        "bad/dup.yaml:14:9: error: metadata.name: duplicate Flavor name 'x': names are unique per kind in a stack",
        '  hint: rename one of them, or delete the copy',
        "bad/dup.yaml:4:9: note: Flavor 'x' is first defined here",
        "bad/flavor.yaml:6:1: error: spec.vcpus: missing required field 'vcpus' in a Flavor spec",
        '  hint: e.g. vcpus: 2',
        "bad/flavor.yaml:7:3: error: spec.vcpu: unknown field 'vcpu' in a Flavor spec",
        "  hint: did you mean 'vcpus'?",
        '3 errors in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('--output json prints a stable array of errors', () => {
    const run = cli(['validate', 'bad/flavor.yaml', '--output', 'json'], dir);
    assert.equal(run.status, 1);
    const errors = JSON.parse(run.stdout);
    assert.deepEqual(errors[1], {
      file: 'bad/flavor.yaml', line: 7, column: 3, severity: 'error', code: 'unknown-field', path: 'spec.vcpu',
      message: "unknown field 'vcpu' in a Flavor spec", hints: ["did you mean 'vcpus'?"], related: [],
    });
    assert.deepEqual(JSON.parse(cli(['validate', 'good', '-o', 'json'], dir).stdout), []);
  });

  it('exits 2 for usage errors', () => {
    const cases: Array<[string[], RegExp]> = [
      [['validate'], /needs at least one PATH/],
      [['validate', 'good', '--bogus'], /^novaform: unknown flag --bogus for novaform validate; see: novaform validate --help\n$/],
      [['validate', 'good', '--output', 'xml'], /--output: expected text or json/],
      [['validate', 'good', '--selector', 'tier'], /--selector: expected key=value, got 'tier'/],
      [['validate', 'missing'], /missing: no such file or directory/],
      [['validate', 'good', '--max-file-size', 'big'], /--max-file-size: expected a size/],
    ];
    for (const [args, message] of cases) {
      const run = cli(args, dir);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  it('exits 1 when a path holds no manifests', () => {
    const run = cli(['validate', 'empty'], dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no manifests found in empty/);
  });

  it('--max-file-size lowers the per-file limit', () => {
    const run = cli(['validate', 'good', '--max-file-size', '100'], dir);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^good\/flavors\.yaml:1:1: error: the file is \d+ bytes; manifest files are limited to 100 bytes$/m);
  });
});
