import { OpenStackError } from '../provider/openstack/errors.ts';

/**
 * One line for an error a user can fix, with a hint saying how: the
 * message as the provider wrote it, then `; hint: ...` for the mistakes
 * people make most (a wrong password, an auth URL nothing answers on).
 */

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

const isAuthRequest = (error: OpenStackError) => /\/auth\/tokens\b/.test(error.url);

/**
 * The hint for `error`, if novaform knows one.
 *
 * @example
 * hintFor(new OpenStackError({ method: 'POST', url: 'http://k:5000/v3/auth/tokens', status: 401, cloudMessage: 'denied' }))
 * // 'the cloud refused the credentials: check the password (OS_PASSWORD, or auth.password of the cloud in secure.yaml or clouds.yaml) ...'
 */
export function hintFor(error: unknown): string | undefined {
  if (!(error instanceof OpenStackError)) return undefined;
  if (error.status === 401 && isAuthRequest(error)) {
    return 'the cloud refused the credentials: check the password (OS_PASSWORD, or auth.password of the cloud in secure.yaml or clouds.yaml), '
      + 'the user and project names and their domains';
  }
  if (error.status === 0 && (error.kind === 'connection' || error.kind === 'timeout')) {
    return isAuthRequest(error)
      ? `nothing answered at ${origin(error.url)}: is the cloud up, and is its auth URL (OS_AUTH_URL, or auth.auth_url in clouds.yaml) right?`
      : `nothing answered at ${origin(error.url)}: the service catalog names this endpoint; is it reachable from here?`;
  }
  return undefined;
}

/**
 * The error's message on one line, with its hint.
 *
 * @example
 * oneLine(new Error('a\n  b')) // 'a b'
 */
export function oneLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
  const hint = hintFor(error);
  return hint ? `${message}; hint: ${hint}` : message;
}
