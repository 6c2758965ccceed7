import type { RawCloud } from './cloud-files.ts';
import { variableFor } from './env-cloud.ts';
import { CloudConfigError } from './errors.ts';
import type { TlsSettings } from './tls.ts';

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** Project scope: by id, or by name within a domain (id or name). */
export interface ProjectScope {
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
}

/** A user: by id, or by name within a domain. */
export interface UserRef {
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
}

export interface PasswordAuth extends ProjectScope, UserRef {
  type: 'password';
  authUrl: string;
  password: string;
}

/** Application credentials carry their own project; Keystone rejects a scope with them. */
export interface ApplicationCredentialAuth extends UserRef {
  type: 'applicationCredential';
  authUrl: string;
  id?: string;
  name?: string;
  secret: string;
}

export interface TokenAuth extends ProjectScope {
  type: 'token';
  authUrl: string;
  token: string;
}

export type AuthConfig = PasswordAuth | ApplicationCredentialAuth | TokenAuth;

/** Where a cloud's settings came from; error messages tell the operator what to edit. */
export type ConfigSource =
  | { kind: 'file'; path: string; securePath?: string }
  | { kind: 'env' }
  | { kind: 'explicit' };

/** Everything needed to connect. Holds secrets: log it only through `redactJson`. */
export interface CloudConfig {
  /** The clouds.yaml name, `envvars` for the environment, `explicit` for settings passed in. */
  name: string;
  source: ConfigSource;
  auth: AuthConfig;
  regionName?: string;
  interface: EndpointInterface;
  tls: TlsSettings;
  /** clouds.yaml `api_timeout` (seconds), as milliseconds per request. */
  apiTimeoutMs?: number;
}

const SECRET_KEYS = new Set(['password', 'application_credential_secret', 'token']);
const AUTH_TYPES: Record<string, AuthConfig['type']> = {
  password: 'password', v3password: 'password',
  v3applicationcredential: 'applicationCredential', applicationcredential: 'applicationCredential',
  token: 'token', v3token: 'token',
};

/** Reads clouds.yaml values: strings and numbers become strings, empty means unset. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** openstacksdk's get_boolean, plus real booleans. */
function bool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

class SettingsReader {
  private readonly auth: Record<string, unknown>;

  constructor(readonly name: string, readonly raw: RawCloud, readonly source: ConfigSource) {
    this.auth = typeof raw.auth === 'object' && raw.auth !== null ? (raw.auth as Record<string, unknown>) : {};
  }

  /** The auth section wins; a top-level key fills in (both are valid clouds.yaml). Legacy names count too. */
  get(key: string, ...legacy: string[]): string | undefined {
    for (const k of [key, ...legacy]) {
      const value = text(this.auth[k]) ?? text(this.raw[k]);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  where(): string {
    switch (this.source.kind) {
      case 'file': return `cloud '${this.name}' in ${this.source.path}`;
      case 'env': return 'the OS_* environment';
      case 'explicit': return 'the explicit settings';
    }
  }

  /** "set clouds.x.auth.password in /p/clouds.yaml (or secure.yaml)", "set OS_PASSWORD", "pass auth.password". */
  hint(key: string): string {
    switch (this.source.kind) {
      case 'file': {
        const secure = SECRET_KEYS.has(key) ? ` (or in ${this.source.securePath ?? 'secure.yaml'})` : '';
        return `set clouds.${this.name}.auth.${key} in ${this.source.path}${secure}`;
      }
      case 'env': return `set ${variableFor(key)}`;
      case 'explicit': return `pass auth.${key}`;
    }
  }

  fail(problem: string): never {
    throw new CloudConfigError(`${this.where()}: ${problem}`);
  }

  require(key: string, ...legacy: string[]): string {
    return this.get(key, ...legacy) ?? this.fail(`no ${key}: ${this.hint(key)}`);
  }
}

function authTypeOf(r: SettingsReader): AuthConfig['type'] {
  const declared = text(r.raw.auth_type) ?? text(r.raw.auth_plugin);
  if (declared === undefined) {
    // openstacksdk defaults to password; like python-openstackclient, a lone token or secret picks its plugin.
    if (r.get('application_credential_secret')) return 'applicationCredential';
    if (r.get('token', 'auth_token') && !r.get('password')) return 'token';
    return 'password';
  }
  const type = AUTH_TYPES[declared.toLowerCase()];
  if (type) return type;
  const supported = 'password, v3password, v3applicationcredential, token, v3token';
  return r.fail(`auth_type '${declared}' is not supported (supported: ${supported})`);
}

function userRef(r: SettingsReader, purpose: string): UserRef {
  const userId = r.get('user_id');
  const username = r.get('username', 'user_name');
  if (!userId && !username) r.fail(`no username or user_id for ${purpose}: ${r.hint('username')}`);
  const userDomainId = r.get('user_domain_id', 'domain_id', 'default_domain_id');
  const userDomainName = r.get('user_domain_name', 'domain_name', 'default_domain_name');
  if (!userId && !userDomainId && !userDomainName) {
    r.fail(`user '${username}' is given by name, so its domain is needed: ${r.hint('user_domain_name')} (e.g. Default) or user_domain_id`);
  }
  return { userId, username: userId ? undefined : username, userDomainId, userDomainName };
}

function projectScope(r: SettingsReader): ProjectScope {
  const projectId = r.get('project_id', 'tenant_id');
  const projectName = r.get('project_name', 'tenant_name');
  if (!projectId && !projectName) {
    if (r.get('domain_id') || r.get('domain_name')) r.fail(`domain-scoped tokens cannot manage servers: ${r.hint('project_name')} or project_id`);
    return {};
  }
  if (projectId) return { projectId };
  const projectDomainId = r.get('project_domain_id', 'domain_id', 'default_domain_id');
  const projectDomainName = r.get('project_domain_name', 'domain_name', 'default_domain_name');
  if (!projectDomainId && !projectDomainName) {
    r.fail(`project '${projectName}' is given by name, so its domain is needed: ${r.hint('project_domain_name')} (e.g. Default) or project_domain_id`);
  }
  return { projectName, projectDomainId, projectDomainName };
}

function authOf(r: SettingsReader): AuthConfig {
  const type = authTypeOf(r);
  const version = text(r.raw.identity_api_version);
  if (version !== undefined && !/^3(\.\d+)?$/.test(version)) r.fail(`identity_api_version ${version} is not supported: novaform speaks Keystone v3 only`);
  const authUrl = r.require('auth_url');
  if (!/^https?:\/\//i.test(authUrl)) r.fail(`auth_url '${authUrl}' is not an http(s) URL`);
  if (type === 'password') return { type, authUrl, ...userRef(r, 'password auth'), password: r.require('password'), ...projectScope(r) };
  if (type === 'token') return { type, authUrl, token: r.require('token', 'auth_token'), ...projectScope(r) };
  const secret = r.require('application_credential_secret');
  const id = r.get('application_credential_id');
  const name = r.get('application_credential_name');
  if (id) return { type, authUrl, id, secret };
  if (!name) r.fail(`no application_credential_id: ${r.hint('application_credential_id')} (or application_credential_name with username)`);
  return { type, authUrl, name, secret, ...userRef(r, `application credential '${name}'`) };
}

function interfaceOf(r: SettingsReader): EndpointInterface {
  const raw = (text(r.raw.interface) ?? text(r.raw.endpoint_type) ?? 'public').replace(/URL$/, '').toLowerCase();
  if (raw === 'public' || raw === 'internal' || raw === 'admin') return raw;
  return r.fail(`interface '${raw}' is not one of public, internal, admin`);
}

function timeoutOf(r: SettingsReader): number | undefined {
  const raw = text(r.raw.api_timeout);
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) r.fail(`api_timeout '${raw}' is not a positive number of seconds`);
  return Math.round(seconds * 1000);
}

/**
 * Validates one cloud entry (after region selection) into a `CloudConfig`,
 * with an error that names what is missing and where to set it.
 *
 * @example
 * cloudSettings('lab', { auth: { auth_url: 'https://k/v3', username: 'u', password: 'p',
 *   user_domain_name: 'Default', project_name: 'p', project_domain_name: 'Default' } },
 *   { kind: 'file', path: '/home/me/.config/openstack/clouds.yaml' });
 */
export function cloudSettings(name: string, raw: RawCloud, source: ConfigSource): CloudConfig {
  const r = new SettingsReader(name, raw, source);
  const tls: TlsSettings = {};
  const cacert = text(raw.cacert);
  if (cacert) tls.cacert = cacert;
  if (text(raw.cert)) tls.cert = text(raw.cert);
  if (text(raw.key)) tls.key = text(raw.key);
  if (bool(raw.insecure) || raw.verify === false || (typeof raw.verify === 'string' && raw.verify.toLowerCase() === 'false')) tls.insecure = true;
  return {
    name,
    source,
    auth: authOf(r),
    regionName: text(raw.region_name),
    interface: interfaceOf(r),
    tls,
    apiTimeoutMs: timeoutOf(r),
  };
}
