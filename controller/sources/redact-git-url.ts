/**
 * Credentials in a repository URL (`https://user:token@host/x.git`) MUST
 * NOT appear in any message, status or log; every URL shown goes through
 * `redactGitUrl`, every text from git through `redactGitText`.
 */

/** `scheme://userinfo@` up to the last `@` before the path (an unencoded `@` in a password stays hidden). */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/?#\s'"]*@/gi;
/** Query parameters that carry tokens in some hosts' URLs. */
const SECRET_QUERY = /([?&](?:private_token|access_token|token|password|key)=)[^&#\s'"]*/gi;

/**
 * The URL with its user and password replaced by `***` (and token-like
 * query parameters blanked). SCP-style `git@host:org/repo.git` is left as
 * is: its user is no secret.
 *
 * @example
 * redactGitUrl('https://bot:s3cret@git.example.com/infra.git') // → 'https://***@git.example.com/infra.git'
 */
export function redactGitUrl(url: string): string {
  return url.replace(USERINFO, '$1***@').replace(SECRET_QUERY, '$1***');
}

/**
 * `text` (git's own output) with the credentials of `url` removed, whether
 * git printed the URL whole, percent-decoded or only the password.
 *
 * @example
 * redactGitText("fatal: unable to access 'https://bot:s3cret@host/x.git/'", 'https://bot:s3cret@host/x.git')
 * // → "fatal: unable to access 'https://***@host/x.git/'"
 */
export function redactGitText(text: string, url: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join('***');
  return redactGitUrl(out);
}

function secretsOf(url: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url);
  const secrets = new Set<string>();
  if (match) {
    const userinfo = match[1]!;
    secrets.add(userinfo);
    const colon = userinfo.indexOf(':');
    for (const part of colon < 0 ? [userinfo] : [userinfo.slice(colon + 1), userinfo]) {
      secrets.add(part);
      try { secrets.add(decodeURIComponent(part)); } catch { /* not percent-encoded: the raw form is enough */ }
    }
  }
  for (const query of url.matchAll(SECRET_QUERY)) secrets.add(query[0].slice(query[1]!.length));
  // Longest first, so a password is not half-replaced inside its userinfo; short fragments would blank innocent text.
  return [...secrets].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
}
