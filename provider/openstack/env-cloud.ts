import type { RawCloud } from './cloud-files.ts';

/**
 * The `OS_*` environment variables as a cloud entry (openstacksdk calls it
 * `envvars`), in clouds.yaml shape so one validator serves both.
 */

/** Variable -> clouds.yaml key (`auth.` = inside the auth section). Later entries for the same key lose. */
const AUTH_VARIABLES: Array<[string, string]> = [
  ['OS_AUTH_URL', 'auth.auth_url'],
  ['OS_USERNAME', 'auth.username'],
  ['OS_USER_ID', 'auth.user_id'],
  ['OS_PASSWORD', 'auth.password'],
  ['OS_USER_DOMAIN_NAME', 'auth.user_domain_name'],
  ['OS_USER_DOMAIN_ID', 'auth.user_domain_id'],
  ['OS_PROJECT_DOMAIN_NAME', 'auth.project_domain_name'],
  ['OS_PROJECT_DOMAIN_ID', 'auth.project_domain_id'],
  ['OS_PROJECT_NAME', 'auth.project_name'],
  ['OS_TENANT_NAME', 'auth.project_name'],
  ['OS_PROJECT_ID', 'auth.project_id'],
  ['OS_TENANT_ID', 'auth.project_id'],
  ['OS_DOMAIN_NAME', 'auth.domain_name'],
  ['OS_DOMAIN_ID', 'auth.domain_id'],
  ['OS_DEFAULT_DOMAIN_NAME', 'auth.default_domain_name'],
  ['OS_DEFAULT_DOMAIN_ID', 'auth.default_domain_id'],
  ['OS_APPLICATION_CREDENTIAL_ID', 'auth.application_credential_id'],
  ['OS_APPLICATION_CREDENTIAL_NAME', 'auth.application_credential_name'],
  ['OS_APPLICATION_CREDENTIAL_SECRET', 'auth.application_credential_secret'],
  ['OS_TOKEN', 'auth.token'],
  ['OS_AUTH_TOKEN', 'auth.token'],
  ['OS_AUTH_TYPE', 'auth_type'],
];

/** Variables that only modify a connection; alone they do not make an environment cloud. */
const MODIFIER_VARIABLES: Array<[string, string]> = [
  ['OS_REGION_NAME', 'region_name'],
  ['OS_INTERFACE', 'interface'],
  ['OS_ENDPOINT_TYPE', 'interface'],
  ['OS_CACERT', 'cacert'],
  ['OS_CERT', 'cert'],
  ['OS_KEY', 'key'],
  ['OS_INSECURE', 'insecure'],
  ['OS_IDENTITY_API_VERSION', 'identity_api_version'],
  ['OS_API_TIMEOUT', 'api_timeout'],
];

/** The variable that sets a clouds.yaml key, for "set OS_X" hints. */
export function variableFor(key: string): string {
  const hit = [...AUTH_VARIABLES, ...MODIFIER_VARIABLES].find(([, k]) => k === key || k === `auth.${key}`);
  return hit ? hit[0] : `OS_${key.toUpperCase()}`;
}

function assign(target: RawCloud, path: string, value: string): void {
  if (path.startsWith('auth.')) {
    const auth = (target.auth ??= {}) as Record<string, unknown>;
    auth[path.slice(5)] ??= value;
  } else target[path] ??= value;
}

/**
 * The environment cloud, or `undefined` when no auth variable is set.
 *
 * Deliberate difference from openstacksdk: only auth variables (OS_AUTH_URL,
 * OS_USERNAME, OS_TOKEN, OS_APPLICATION_CREDENTIAL_*, ...) create it. A
 * stray OS_COMPUTE_API_VERSION or OS_INTERFACE would otherwise shadow the
 * only clouds.yaml entry with an empty cloud. Empty values count as unset.
 *
 * @example
 * envCloud({ OS_AUTH_URL: 'http://k:5000/v3', OS_USERNAME: 'admin', OS_PASSWORD: 's' })
 * // -> { auth: { auth_url: 'http://k:5000/v3', username: 'admin', password: 's' } }
 */
export function envCloud(env: Record<string, string | undefined>): RawCloud | undefined {
  const cloud: RawCloud = {};
  let hasAuth = false;
  for (const [variable, key] of AUTH_VARIABLES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    hasAuth = true;
    assign(cloud, key, value);
  }
  if (!hasAuth) return undefined;
  for (const [variable, key] of MODIFIER_VARIABLES) {
    const value = env[variable];
    if (value !== undefined && value !== '') assign(cloud, key, value);
  }
  return cloud;
}
