import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactGitText, redactGitUrl } from '../../../controller/sources/redact-git-url.ts';

describe('redactGitUrl', () => {
  it('hides the user and password of a URL, and token query parameters', () => {
    const table: [string, string][] = [
      ['https://user:secret@127.0.0.1:1/x.git', 'https://***@127.0.0.1:1/x.git'],
      ['https://ghp_token123@github.com/o/r.git', 'https://***@github.com/o/r.git'],
      ['https://u:p@ss@host/x.git', 'https://***@host/x.git'],
      ['ssh://deploy@host:2222/srv/infra.git', 'ssh://***@host:2222/srv/infra.git'],
      ['https://gitlab.example.com/o/r.git?private_token=abc&x=1', 'https://gitlab.example.com/o/r.git?private_token=***&x=1'],
      ['https://host/o/r.git', 'https://host/o/r.git'],
      ['git@github.com:o/r.git', 'git@github.com:o/r.git'],
      ['/srv/git/infra.git', '/srv/git/infra.git'],
    ];
    for (const [url, shown] of table) assert.equal(redactGitUrl(url), shown, url);
  });

  it('removes a URL\'s credentials from git\'s text, whole, bare or percent-decoded', () => {
    const url = 'https://bot:p%40ssw0rd@host/x.git';
    const text = [
      "fatal: unable to access 'https://bot:p%40ssw0rd@host/x.git/': error",
      'password p@ssw0rd rejected, p%40ssw0rd too',
      'see http://other:creds@mirror/x.git',
    ].join('\n');
    const shown = redactGitText(text, url);
    assert.doesNotMatch(shown, /ssw0rd|creds/);
    assert.match(shown, /unable to access 'https:\/\/\*\*\*@host\/x\.git\/'/);
  });
});
