/**
 * What the cloud says about a server, independent of the microversion the
 * answer was rendered at (NOVA-FACTS.md §5). Fields a version does not show
 * are `undefined` ("cannot see"), never a guess, so the diff can tell
 * "absent" from "unknown".
 */

export interface ServerFault {
  readonly code: number;
  readonly message: string;
  /** Hidden from non-admins when the code is 500. */
  readonly details?: string;
}

/**
 * The flavor a server runs on. Below 2.47 Nova shows only `{id}`; from 2.47
 * an embedded copy without the id (`original_name`, sizes, extra specs).
 */
export interface ServerFlavorObserved {
  readonly id?: string;
  readonly name?: string;
  readonly vcpus?: number;
  readonly ram?: number;
  readonly disk?: number;
  readonly ephemeral?: number;
  readonly swap?: number;
  readonly extraSpecs?: Readonly<Record<string, string>>;
}

export interface ServerObserved {
  readonly id: string;
  readonly name: string;
  /** Nova's API status: ACTIVE, BUILD, SHUTOFF, ERROR, VERIFY_RESIZE, ... */
  readonly status: string;
  readonly taskState: string | null;
  readonly vmState?: string;
  /** 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 6 CRASHED, 7 SUSPENDED. */
  readonly powerState?: number;
  readonly flavor: ServerFlavorObserved;
  /** Undefined for a server booted from a volume (Nova shows `image: ""`). */
  readonly imageId?: string;
  readonly keyName: string | null;
  /** `OS-EXT-AZ:availability_zone`; undefined when not shown, '' before scheduling. */
  readonly availabilityZone?: string;
  /** Everything in the cloud, ownership keys and keys set by others included. */
  readonly metadata: Readonly<Record<string, string>>;
  /** From 2.26; sorted. */
  readonly tags?: readonly string[];
  /** From 2.19; null when unset. */
  readonly description?: string | null;
  /**
   * `server_groups` (2.71+): the ids of the groups the server is in (at
   * most one). Only a server's own GET shows it, never the detail listing:
   * undefined there and below 2.71.
   */
  readonly serverGroups?: readonly string[];
  /** Ids from `os-extended-volumes:volumes_attached` (attaches in progress included). */
  readonly volumeIds: readonly string[];
  /** Network name → addresses; `{}` for a server without NICs (and while BUILD). */
  readonly addresses: Readonly<Record<string, readonly unknown[]>>;
  readonly fault?: ServerFault;
  /**
   * Decoded `OS-EXT-SRV-ATTR:user_data` (admin only, 2.3+): a string, null
   * when the server has none, undefined when the caller cannot see it.
   */
  readonly userData?: string | null;
  /** Admin only. */
  readonly host?: string | null;
  readonly created?: string;
  readonly updated?: string;
}

function record(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value)).map(([k, v]) => [k, String(v)]));
}

function flavorOf(value: unknown): ServerFlavorObserved {
  const f = record(value);
  // Before 2.47: {id, links}. From 2.47: {original_name, vcpus, ram, disk, ephemeral, swap, extra_specs?}.
  return {
    ...(f.id !== undefined ? { id: String(f.id) } : {}),
    ...(typeof f.original_name === 'string' ? { name: f.original_name } : {}),
    ...(optionalNumber(f.vcpus) !== undefined ? { vcpus: f.vcpus } : {}),
    ...(optionalNumber(f.ram) !== undefined ? { ram: f.ram } : {}),
    ...(optionalNumber(f.disk) !== undefined ? { disk: f.disk } : {}),
    ...(optionalNumber(f.ephemeral) !== undefined ? { ephemeral: f.ephemeral } : {}),
    ...(optionalNumber(f.swap) !== undefined ? { swap: f.swap } : {}),
    ...(f.extra_specs !== undefined ? { extraSpecs: stringMap(f.extra_specs) } : {}),
  };
}

function faultOf(value: unknown): ServerFault | undefined {
  const f = record(value);
  if (typeof f.message !== 'string') return undefined;
  return { code: Number(f.code ?? 0), message: f.message, ...(typeof f.details === 'string' ? { details: f.details } : {}) };
}

/** Nova returns the base64 it was given; decode for a plain-text comparison with the spec. */
function userDataOf(server: Record<string, any>): string | null | undefined {
  if (!('OS-EXT-SRV-ATTR:user_data' in server)) return undefined;
  const raw = server['OS-EXT-SRV-ATTR:user_data'];
  if (raw === null || raw === '') return null;
  return Buffer.from(String(raw), 'base64').toString('utf8');
}

/**
 * Turns a Nova server body (`GET /servers/{id}` → `server`, or one item of
 * `/servers/detail`) into a `ServerObserved`. Accepts the wrapped form
 * `{server: {...}}` too. Pure.
 *
 * @example
 * const observed = toServerObserved((await api.compute.get(`/servers/${id}`)).body);
 * observed.flavor.name // 'm1.small' from 2.47, undefined below (then observed.flavor.id is set)
 */
export function toServerObserved(body: unknown): ServerObserved {
  const outer = record(body);
  const s = 'server' in outer && typeof outer.server === 'object' ? record(outer.server) : outer;
  if (typeof s.id !== 'string') throw new Error('not a Nova server body: no "id"');
  const image = record(s.image);
  const fault = faultOf(s.fault);
  const userData = userDataOf(s);
  return {
    id: s.id,
    name: String(s.name ?? ''),
    status: String(s.status ?? 'UNKNOWN'),
    taskState: optionalString(s['OS-EXT-STS:task_state']) ?? null,
    ...(optionalString(s['OS-EXT-STS:vm_state']) !== undefined ? { vmState: s['OS-EXT-STS:vm_state'] } : {}),
    ...(optionalNumber(s['OS-EXT-STS:power_state']) !== undefined ? { powerState: s['OS-EXT-STS:power_state'] } : {}),
    flavor: flavorOf(s.flavor),
    ...(typeof image.id === 'string' && image.id !== '' ? { imageId: image.id } : {}),
    keyName: optionalString(s.key_name) ?? null,
    ...(typeof s['OS-EXT-AZ:availability_zone'] === 'string' ? { availabilityZone: s['OS-EXT-AZ:availability_zone'] } : {}),
    metadata: stringMap(s.metadata),
    ...(Array.isArray(s.tags) ? { tags: s.tags.map(String).sort() } : {}),
    ...('description' in s ? { description: optionalString(s.description) ?? null } : {}),
    ...(Array.isArray(s.server_groups) ? { serverGroups: s.server_groups.map(String) } : {}),
    volumeIds: (Array.isArray(s['os-extended-volumes:volumes_attached']) ? s['os-extended-volumes:volumes_attached'] : [])
      .map((v: unknown) => String(record(v).id)),
    addresses: record(s.addresses) as Record<string, unknown[]>,
    ...(fault ? { fault } : {}),
    ...(userData !== undefined ? { userData } : {}),
    ...('OS-EXT-SRV-ATTR:host' in s ? { host: optionalString(s['OS-EXT-SRV-ATTR:host']) ?? null } : {}),
    ...(typeof s.created === 'string' ? { created: s.created } : {}),
    ...(typeof s.updated === 'string' ? { updated: s.updated } : {}),
  };
}

/** True when the server runs on `flavor`: by id below 2.47, by `original_name` from 2.47. */
export function runsOnFlavor(observed: ServerObserved, flavor: { id: string; name: string }): boolean {
  if (observed.flavor.id !== undefined) return observed.flavor.id === flavor.id;
  return observed.flavor.name === flavor.name;
}

/** How a flavor is named in plans: its name when shown, else its id. */
export function flavorLabel(observed: ServerObserved): string | undefined {
  return observed.flavor.name ?? observed.flavor.id;
}
