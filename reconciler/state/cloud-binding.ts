/**
 * Which cloud a stack's state belongs to (DESIGN.md "The cloud is the
 * truth": state is bound to the cloud it was applied to). Record ids,
 * last-applied specs and the journal mean something only in the cloud
 * that produced them: read against another cloud, every object looks
 * "missing" and a destroy would look for the wrong things.
 *
 * Identity:
 * - A real cloud is its Keystone auth URL and the project id the token is
 *   scoped to: the same cloud reached through two clouds.yaml names (a
 *   laptop's `prod`, a CI job's `production`) is the same binding; the
 *   name is kept only to be shown.
 * - The embedded engine listens on a new port every run, so its URL says
 *   nothing: it is `embedded` plus its data directory relative to the
 *   project (`.novaform/engine`), i.e. "this project's own engine".
 */

export type CloudIdentity =
  | {
    readonly type: 'openstack';
    /** The clouds.yaml name, or `envvars` for OS_* variables: for messages only. */
    readonly name: string;
    readonly authUrl: string;
    readonly projectId: string;
  }
  | {
    readonly type: 'embedded';
    /** The engine's data directory, relative to the project directory (`.novaform/engine`). */
    readonly dataDir: string;
  };

/** A binding as the state store keeps it. */
export type CloudBinding = CloudIdentity & {
  /** When the binding was written (ISO 8601). */
  readonly boundAt: string;
};

/** The auth URL as compared: no trailing slashes or `/v3`, scheme and host in lower case. */
function comparableUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '').replace(/\/v3$/i, '');
  try {
    const parsed = new URL(trimmed);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return trimmed.toLowerCase();
  }
}

/**
 * True when `a` and `b` are the same cloud and project.
 *
 * @example
 * sameCloud({ type: 'openstack', name: 'lab', authUrl: 'http://k:5000/v3/', projectId: 'p1' },
 *           { type: 'openstack', name: 'ci', authUrl: 'http://K:5000', projectId: 'p1' }) // true
 */
export function sameCloud(a: CloudIdentity, b: CloudIdentity): boolean {
  if (a.type === 'embedded' || b.type === 'embedded') return a.type === 'embedded' && b.type === 'embedded' && a.dataDir === b.dataDir;
  return comparableUrl(a.authUrl) === comparableUrl(b.authUrl) && a.projectId === b.projectId;
}

/** A project id shortened for one line: the first 8 characters and an ellipsis. */
function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/**
 * The cloud in words, for one-line messages.
 *
 * @example
 * describeCloud({ type: 'openstack', name: 'lab', authUrl: 'http://10.0.0.5:5000/v3', projectId: '4f2c9a0e...' })
 * // "cloud 'lab' (http://10.0.0.5:5000/v3, project 4f2c9a0e…)"
 * describeCloud({ type: 'embedded', dataDir: '.novaform/engine' }) // 'the embedded engine (.novaform/engine)'
 */
export function describeCloud(identity: CloudIdentity): string {
  if (identity.type === 'embedded') return `the embedded engine (${identity.dataDir})`;
  return `cloud '${identity.name}' (${identity.authUrl}, project ${shortId(identity.projectId)})`;
}

/** How to point a command back at `identity`: the flag or variables to use. */
export function selectHint(identity: CloudIdentity): string {
  if (identity.type === 'embedded') return 'pass --os-cloud embedded';
  if (identity.name === 'envvars') return `set the OS_* variables for ${identity.authUrl}`;
  return `pass --os-cloud ${identity.name}`;
}

/** The state of a stack belongs to another cloud than the one a command targets. */
export class CloudMismatchError extends Error {
  constructor(readonly stackName: string, readonly bound: CloudIdentity, readonly target: CloudIdentity) {
    super(`stack '${stackName}' was applied to ${describeCloud(bound)}; this command targets ${describeCloud(target)}. `
      + `To work where it was applied, ${selectHint(bound)}; to move the stack to this cloud on purpose, pass --rebind `
      + '(see README, "State bound to its cloud")');
    this.name = 'CloudMismatchError';
  }
}

/**
 * Throws CloudMismatchError when the state is bound to another cloud than
 * `target`. An unbound state (never applied, or written by a novaform
 * before bindings existed) passes: its first change binds it.
 *
 * @example
 * checkBinding('web', state.cloud(), target.identity); // throws when they differ
 */
export function checkBinding(stack: string, bound: CloudIdentity | undefined, target: CloudIdentity): void {
  if (bound && !sameCloud(bound, target)) throw new CloudMismatchError(stack, bound, target);
}

/** The identity part of a binding (what is compared and shown), without `boundAt`. */
export function identityOf(binding: CloudIdentity): CloudIdentity {
  if (binding.type === 'embedded') return { type: 'embedded', dataDir: binding.dataDir };
  return { type: 'openstack', name: binding.name, authUrl: binding.authUrl, projectId: binding.projectId };
}
