import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitCommandError, gitMessage, runGit } from '../../../controller/sources/run-git.ts';

describe('runGit', () => {
  let dir: string;
  const options = () => ({ git: 'git', cwd: dir, timeoutMs: 30_000, url: 'https://u:hunter22@host/x.git' });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novaform-rungit-'));
    await runGit(['init', '--quiet'], options());
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs git with LC_ALL=C and prompts off, whatever the caller\'s environment says', async () => {
    const env = { LC_ALL: 'de_DE.UTF-8', GIT_TERMINAL_PROMPT: '1', GIT_DIR: '/elsewhere' };
    const out = await runGit(['var', 'GIT_EDITOR'], { ...options(), env: { ...env, GIT_EDITOR: 'true' } });
    assert.equal(out.trim(), 'true');
    // git -c alias runs a shell command in git's environment: it shows what git got.
    const shown = await runGit(['-c', 'alias.env=!env', 'env'], { ...options(), env }).catch((error: unknown) => error);
    assert.equal(typeof shown, 'string', String(shown));
    const vars = new Map((shown as string).split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    assert.equal(vars.get('LC_ALL'), 'C');
    assert.equal(vars.get('GIT_TERMINAL_PROMPT'), '0');
    assert.equal(vars.has('GIT_DIR'), false);
  });

  it('fails with git\'s own line, the URL\'s password removed', async () => {
    // git echoes the pathspec it could not match: here, the password.
    const error = await runGit(['checkout', 'hunter22'], options()).catch((caught: unknown) => caught);
    assert.ok(error instanceof GitCommandError);
    assert.equal(error.message, "git checkout failed: pathspec '***' did not match any file(s) known to git");
    assert.doesNotMatch(error.stderr, /hunter22/);
  });

  it('takes the first fatal or error line, else the last line', () => {
    assert.equal(gitMessage("warning: x\nfatal: couldn't find remote ref refs/heads/x\nfatal: more\n"), "couldn't find remote ref refs/heads/x");
    assert.equal(gitMessage('hint: a\nsomething broke\n\n'), 'something broke');
    assert.equal(gitMessage(''), '');
  });
});
