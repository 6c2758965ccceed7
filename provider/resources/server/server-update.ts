import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import { splitMapChanges } from '../map-changes.ts';
import type { FieldChange } from '../types.ts';
import { ResourceGoneError } from '../wait.ts';
import { resizeRebuildOrder, type ActionOrder, type FlavorSize, type ImageNeeds } from './server-action-order.ts';
import { attachVolume, detachVolume, rebuildServer, resizeServer, setPowerState, type RebuildRequest } from './server-actions.ts';
import type { ServerObserved } from './server-observed.ts';
import { readServer } from './server-read.ts';
import type { ServerPowerState, ServerSpec, ServerVolume } from './server-spec.ts';
import type { ServerWaitOptions } from './server-wait.ts';

/**
 * Applying a server's changes as a list of small reconcilers (STYLE.md,
 * k-orc): each handles its own fields and ignores the rest.
 *
 * Order: name/description (allowed in any state) first; then the actions,
 * one after another, stopping at the first failure because the server may
 * be left in a state the next one cannot start from (resize + confirm and
 * rebuild in the order Nova accepts, see server-action-order.ts; then
 * detach, attach, power); then metadata and tags, which Nova only writes
 * on a settled server (so a VERIFY_RESIZE has been confirmed by then).
 * Every step that can run does; the failures are reported together.
 */

/** One or more update steps failed; `failures` holds each step's error. */
export class ServerUpdateError extends Error {
  constructor(readonly serverId: string, readonly failures: ReadonlyArray<{ step: string; error: unknown }>) {
    super(`updating server ${serverId} failed: ${failures.map((f) => `${f.step}: ${(f.error as Error)?.message ?? String(f.error)}`).join('; ')}`,
      { cause: failures[0]?.error });
    this.name = 'ServerUpdateError';
  }
}

interface StepInput {
  readonly api: Clients;
  readonly desired: ServerSpec;
  readonly changes: readonly FieldChange[];
  readonly options: ServerWaitOptions;
}

type ActionStep = (input: StepInput, current: ServerObserved) => Promise<ServerObserved>;
type InPlaceStep = (input: StepInput, serverId: string) => Promise<void>;

function serverPath(id: string, suffix = ''): string {
  return `/servers/${encodeURIComponent(id)}${suffix}`;
}

/** PUT /servers/{id} with the changed name and description. */
const updateFields: InPlaceStep = async ({ api, changes }, id) => {
  const server: Record<string, unknown> = {};
  for (const c of changes) {
    if (c.path === 'spec.name') server.name = c.to;
    if (c.path === 'spec.description') server.description = c.to ?? null;
  }
  if (Object.keys(server).length > 0) await api.compute.put(serverPath(id), { server });
};

/** POST /metadata merges the keys to set; DELETE /metadata/{key} removes each key to remove (404: already gone). */
const updateMetadata: InPlaceStep = async ({ api, changes }, id) => {
  const { set, remove } = splitMapChanges('spec.metadata', changes);
  if (Object.keys(set).length > 0) await api.compute.post(serverPath(id, '/metadata'), { metadata: set });
  for (const key of remove) {
    try {
      await api.compute.delete(serverPath(id, `/metadata/${encodeURIComponent(key)}`));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
};

/** PUT /tags replaces the whole set. */
const updateTags: InPlaceStep = async ({ api, changes }, id) => {
  const tags = changes.find((c) => c.path === 'spec.tags');
  if (tags) await api.compute.put(serverPath(id, '/tags'), { tags: tags.to });
};

/** Image, key and user data in one rebuild; the image stays the server's own unless `spec.image` is among the changes. */
const rebuild: ActionStep = async ({ api, desired, changes, options }, current) => {
  const wanted = changes.filter((c) => c.apply === 'rebuild');
  if (wanted.length === 0) return current;
  const has = (path: string) => wanted.some((c) => c.path === path);
  const request: RebuildRequest = {
    image: has('spec.image') ? desired.image : current.imageId ?? desired.image,
    ...(has('spec.keypair') ? { keypair: { name: desired.keypair } } : {}),
    ...(has('spec.userData') ? { userData: { text: desired.userData } } : {}),
  };
  return rebuildServer(api, current, request, options);
};

const resize: ActionStep = async ({ api, desired, changes, options }, current) =>
  changes.some((c) => c.apply === 'resize') ? resizeServer(api, current, desired.flavor, options) : current;

const detach: ActionStep = async ({ api, changes, options }, current) => {
  for (const c of changes.filter((c) => c.apply === 'detach')) {
    await detachVolume(api, current.id, (c.from as ServerVolume).volumeId, options);
  }
  return current;
};

const attach: ActionStep = async ({ api, changes, options }, current) => {
  for (const c of changes.filter((c) => c.apply === 'attach')) await attachVolume(api, current.id, c.to as ServerVolume, options);
  return current;
};

const power: ActionStep = async ({ api, changes, options }, current) => {
  const c = changes.find((c) => c.apply === 'power');
  return c ? setPowerState(api, current, c.to as ServerPowerState, options) : current;
};

/** A number Nova or Glance sent, else undefined. */
function size(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Best effort: the order is an optimisation of which request Nova accepts,
 * so a failed lookup (a deleted image, a flavor hidden from this user, a
 * flaky answer) only means "unknown", and the default order is used.
 */
async function lookup<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

async function flavorSize(api: Clients, id: string): Promise<FlavorSize | undefined> {
  const { body } = await api.compute.get(`/flavors/${encodeURIComponent(id)}`);
  const ram = size(body?.flavor?.ram);
  const disk = size(body?.flavor?.disk);
  return ram !== undefined && disk !== undefined ? { ram, disk } : undefined;
}

async function imageNeeds(api: Clients, id: string): Promise<ImageNeeds | undefined> {
  const { body } = await api.image.get(`/images/${encodeURIComponent(id)}`);
  return { minRam: size(body?.min_ram) ?? 0, minDisk: size(body?.min_disk) ?? 0 };
}

/**
 * Resize and rebuild in the order Nova accepts. The sizes are looked up
 * only when both run and the rebuild brings a new image (a rebuild of the
 * same image fits whatever flavor the server ends on before or after).
 */
async function resizeAndRebuildOrder(api: Clients, observed: ServerObserved, desired: ServerSpec, changes: readonly FieldChange[]): Promise<ActionOrder> {
  const resizes = changes.some((c) => c.apply === 'resize');
  const newImage = changes.some((c) => c.path === 'spec.image' && c.apply === 'rebuild');
  // A resize left in VERIFY_RESIZE must be confirmed before Nova takes a rebuild.
  if (!resizes || !newImage || observed.status === 'VERIFY_RESIZE') return 'resize-first';
  const shown = observed.flavor;
  const [currentFlavor, newFlavor, currentImage, wantedImage] = await Promise.all([
    shown.ram !== undefined && shown.disk !== undefined
      ? { ram: shown.ram, disk: shown.disk }
      : shown.id !== undefined ? lookup(() => flavorSize(api, shown.id!)) : undefined,
    lookup(() => flavorSize(api, desired.flavor.id)),
    observed.imageId !== undefined ? lookup(() => imageNeeds(api, observed.imageId!)) : undefined,
    lookup(() => imageNeeds(api, desired.image)),
  ]);
  return resizeRebuildOrder({ currentFlavor, newFlavor, currentImage, newImage: wantedImage });
}

async function reread(api: Clients, id: string): Promise<ServerObserved> {
  const observed = await readServer(api, id);
  if (!observed) throw new ResourceGoneError(`server ${id}`);
  return observed;
}

/**
 * Applies exactly `changes` (from `diffServer`) to the server. Changes with
 * apply `replace` are refused: the reconciler replaces instead. Returns the
 * server as it is afterwards.
 */
export async function updateServer(
  api: Clients,
  observed: ServerObserved,
  desired: ServerSpec,
  changes: readonly FieldChange[],
  options: ServerWaitOptions,
): Promise<ServerObserved> {
  const replace = changes.filter((c) => c.apply === 'replace');
  if (replace.length > 0) {
    throw new Error(`server ${observed.id}: ${replace.map((c) => c.path).join(', ')} cannot change in place; the server must be replaced`);
  }
  const input: StepInput = { api, desired, changes, options };
  const failures: Array<{ step: string; error: unknown }> = [];
  const inPlace = async (step: string, run: InPlaceStep) => {
    try {
      await run(input, observed.id);
    } catch (error) {
      failures.push({ step, error });
    }
  };

  await inPlace('name/description', updateFields);
  const order = await resizeAndRebuildOrder(api, observed, desired, changes);
  const disruptive: Array<[string, ActionStep]> = order === 'resize-first' ? [['resize', resize], ['rebuild', rebuild]] : [['rebuild', rebuild], ['resize', resize]];
  const actions: Array<[string, ActionStep]> = [...disruptive, ['detach', detach], ['attach', attach], ['power', power]];
  let current = observed;
  for (const [step, run] of actions) {
    try {
      current = await run(input, current);
    } catch (error) {
      failures.push({ step, error });
      break;
    }
  }
  await inPlace('metadata', updateMetadata);
  await inPlace('tags', updateTags);
  if (failures.length > 0) throw new ServerUpdateError(observed.id, failures);
  return reread(api, observed.id);
}
