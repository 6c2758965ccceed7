import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../cli/cli-error.ts';
import { applyCommand, driftCommand, engineServeCommand, planCommand, schemaCommand, statusCommand } from '../../cli/commands.ts';
import { closest, editDistance } from '../../cli/did-you-mean.ts';
import { takeGlobalFlags } from '../../cli/global-flags.ts';
import { parseCommandLine } from '../../cli/parse-command-line.ts';

/** The usage error `fn` throws: its one-line message and exit code. */
function usageError(fn: () => unknown): { message: string; code: number } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CliError, String(error));
    return { message: error.message, code: error.exitCode };
  }
  assert.fail('expected a usage error');
}

describe('the shared command-line parser', () => {
  it('keeps every flag\'s behaviour: defaults, short aliases, repeatables, booleans always set', () => {
    const { values, positionals } = parseCommandLine(applyCommand, ['shop', '-y', '-l', 'tier=web', '--selector=app=x', '--stack', 'web', 'more']);
    assert.deepEqual(positionals, ['shop', 'more']);
    assert.equal(values.yes, true);
    assert.deepEqual(values.selector, ['tier=web', 'app=x']);
    assert.equal(values.stack, 'web');
    assert.equal(values.parallelism, '4');
    assert.equal(values['lock-wait'], '0');
    assert.equal(values.rebind, false);
    assert.equal(values.timeout, undefined);
    const serve = parseCommandLine(engineServeCommand, []).values;
    assert.deepEqual([serve.host, serve.port, serve.memory, serve.data], ['127.0.0.1', '8774', false, undefined]);
  });

  it('an argument after -- is an argument, even when it looks like a flag', () => {
    assert.deepEqual(parseCommandLine(planCommand, ['shop', '--', '--stack']).positionals, ['shop', '--stack']);
  });

  it('global flags are accepted anywhere and left to the entry point', () => {
    const { values, positionals } = parseCommandLine(planCommand, ['--debug', 'shop', '--no-color']);
    assert.deepEqual(positionals, ['shop']);
    assert.equal('debug' in values, false);
  });

  it('usage mistakes are one line naming the flag, with a did-you-mean and the --help to read', () => {
    const cases: Array<[string[], RegExp]> = [
      [['shop', '--stakc', 'web'], /^unknown flag --stakc for novaform plan \(did you mean --stack\?\); see: novaform plan --help$/],
      [['shop', '--outptu=json'], /^unknown flag --outptu for novaform plan \(did you mean --output\?\); see: novaform plan --help$/],
      [['shop', '--zzzzzz'], /^unknown flag --zzzzzz for novaform plan; see: novaform plan --help$/],
      [['shop', '-x'], /^unknown flag -x for novaform plan; see/],
      [['shop', '--stack'], /^--stack NAME: a value is missing; see: novaform plan --help$/],
      [['shop', '--stack', '--rebind'], /^--stack NAME: a value is missing \(got the flag --rebind; write --stack=--rebind if that is the value\); see/],
      [['shop', '--rebind=yes'], /^--rebind takes no value \(got --rebind=yes\); see/],
      [[], /^plan needs at least one PATH: manifest files or directories/],
    ];
    for (const [argv, expected] of cases) {
      const { message, code } = usageError(() => parseCommandLine(planCommand, argv));
      assert.match(message, expected, argv.join(' '));
      assert.equal(code, 1, 'plan: 2 is --detailed-exitcode\'s "changes"');
      assert.doesNotMatch(message, /\n/, 'one line');
      assert.equal((message.match(/'/g) ?? []).length % 2, 0, `balanced quotes: ${message}`);
      assert.doesNotMatch(message, /To specify a positional argument|ERR_PARSE_ARGS/, 'none of Node\'s parser text');
    }
  });

  it('usage errors exit 1 where 2 already means something (drift, status)', () => {
    assert.equal(usageError(() => parseCommandLine(driftCommand, ['.', '--bogus'])).code, 1);
    assert.equal(usageError(() => parseCommandLine(statusCommand, ['--bogus'])).code, 1);
  });

  it('too many arguments', () => {
    assert.match(usageError(() => parseCommandLine(schemaCommand, ['Server', 'Flavor'])).message, /^novaform schema takes at most 1 argument, got 2; see/);
  });
});

describe('did you mean', () => {
  it('picks the closest known word within a third of its length', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('plna', 'plan'), 1);
    assert.equal(closest('aply', ['plan', 'apply', 'destroy']), 'apply');
    assert.equal(closest('--paralelism', ['--parallelism', '--stack']), '--parallelism');
    assert.equal(closest('DRIFT', ['drift']), 'drift');
    assert.equal(closest('banana', ['plan', 'apply']), undefined);
  });
});

describe('global flags', () => {
  it('--no-color sets NO_COLOR and --debug sets NOVAFORM_LOG=debug; nothing after -- is touched', () => {
    const env: Record<string, string | undefined> = {};
    const globals = takeGlobalFlags(['plan', '--no-color', 'shop', '--debug', '-h', '--', '--no-color'], env);
    assert.deepEqual(globals, { debug: true, help: true, argv: ['plan', 'shop', '--', '--no-color'] });
    assert.deepEqual(env, { NO_COLOR: '1', NOVAFORM_LOG: 'debug' });
    const untouched: Record<string, string | undefined> = {};
    assert.deepEqual(takeGlobalFlags(['plan', 'shop'], untouched), { debug: false, help: false, argv: ['plan', 'shop'] });
    assert.deepEqual(untouched, {});
  });
});
