import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isFullSpec, type FlagSpec } from '../../cli/command-spec.ts';
import { commands } from '../../cli/commands.ts';
import { GLOBAL_FLAGS } from '../../cli/global-flags.ts';

/** `novaform` as users run it: a process, its exit code, stdout and stderr. */
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'novaform.js'), ...args], { encoding: 'utf8', cwd: REPO, timeout: 60_000 });
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('novaform help', () => {
  it('--help, help and no arguments list every command', () => {
    for (const args of [['--help'], ['-h'], ['help'], []]) {
      const out = cli(args);
      assert.equal(out.status, 0, `${args.join(' ')}: ${out.stderr}`);
      for (const command of commands) assert.match(out.stdout, new RegExp(`^  ${command.path.join(' ')} `, 'm'), `${args.join(' ')} lists ${command.path.join(' ')}`);
      assert.match(out.stdout, /--no-color/);
      assert.match(out.stdout, /--version/);
    }
  });

  it('help CMD and CMD --help print the same help: every flag with its default and environment variable, the exit codes and an example', () => {
    for (const command of commands.filter(isFullSpec)) {
      const words = [...command.path];
      const viaHelp = cli(['help', ...words]);
      const viaFlag = cli([...words, '--help']);
      assert.equal(viaHelp.status, 0, `help ${words.join(' ')}: ${viaHelp.stderr}`);
      assert.equal(viaFlag.status, 0, `${words.join(' ')} --help: ${viaFlag.stderr}`);
      assert.equal(viaFlag.stdout, viaHelp.stdout, words.join(' '));
      // A long flag label puts its description on the next line: read them as one.
      const text = viaHelp.stdout.replace(/\n {10,}/g, ' ');
      assert.match(text, new RegExp(`^Usage: novaform ${words.join(' ')}`, 'm'));
      const flags: Record<string, FlagSpec> = { ...command.flags, ...GLOBAL_FLAGS };
      for (const [name, flag] of Object.entries(flags)) {
        const line = text.split('\n').find((l) => l.includes(`--${name}`) && l.includes(flag.description.slice(0, 20)));
        assert.ok(line, `${words.join(' ')} --help shows --${name}`);
        const shown = flag.defaultText ?? flag.default;
        if (shown !== undefined) assert.ok(line.includes(`default: ${shown}`), `${words.join(' ')}: --${name} shows its default: ${line}`);
        if (flag.env) assert.ok(line.includes(`env: ${flag.env}`), `${words.join(' ')}: --${name} shows its variable: ${line}`);
      }
      assert.match(text, /\nExit codes:\n {2}0 /);
      assert.ok(text.includes(`Examples:\n  ${command.examples[0]}`), `${words.join(' ')} has an example`);
    }
  });

  it('a multi-word command: engine --help and engine list its subcommands; engine serve --help is its own help', () => {
    for (const args of [['engine', '--help'], ['engine'], ['help', 'engine']]) {
      const out = cli(args);
      assert.equal(out.status, 0, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stdout, /novaform engine serve {2}Start the embedded/);
    }
    const serve = cli(['engine', 'serve', '--help']);
    assert.match(serve.stdout, /--port PORT +The port to listen on \(0: any free port\) \(default: 8774\)/);
    assert.match(serve.stdout, /--memory/);
  });

  it('an unknown command is one line with a did-you-mean, exit 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['aply', '.'], /^novaform: unknown command: aply \(did you mean novaform apply\?\); see: novaform --help\n$/],
      [['help', 'plna'], /^novaform: unknown command: plna \(did you mean novaform plan\?\)/],
      [['engine', 'serv'], /^novaform: unknown command: novaform engine serv \(did you mean novaform engine serve\?\)/],
      [['frobnicate'], /^novaform: unknown command: frobnicate; see: novaform --help\n$/],
    ];
    for (const [args, expected] of cases) {
      const out = cli(args);
      assert.equal(out.status, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, expected);
    }
  });

  it('an unknown flag is one line with a did-you-mean and no parser text, exit 2 (1 for plan and drift, whose 2 means changes)', () => {
    const plan = cli(['plan', '.', '--selectr', 'a=b']);
    assert.equal(plan.status, 1);
    assert.equal(plan.stderr, 'novaform: unknown flag --selectr for novaform plan (did you mean --selector?); see: novaform plan --help\n');
    const drift = cli(['drift', '.', '--include-unmanged']);
    assert.equal(drift.status, 1);
    assert.equal(drift.stderr, 'novaform: unknown flag --include-unmanged for novaform drift (did you mean --include-unmanaged?); see: novaform drift --help\n');
  });

  it('--version, -V and version print the package version', () => {
    for (const args of [['--version'], ['-V'], ['version']]) {
      const out = cli(args);
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.stdout, `novaform ${VERSION}\n`);
    }
  });
});
