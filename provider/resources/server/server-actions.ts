import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import type { Readiness } from '../types.ts';
import { waitFor } from '../wait.ts';
import { runsOnFlavor, type ServerObserved } from './server-observed.ts';
import { observedPowerState, readinessIn, resizedReadiness } from './server-readiness.ts';
import type { ServerFlavorRef, ServerPowerState, ServerVolume } from './server-spec.ts';
import { waitForServer, type ServerWaitOptions } from './server-wait.ts';

/**
 * Server actions (POST /servers/{id}/action and volume attachments), each
 * followed by a wait until the server (or volume) has settled. Every
 * function takes the server as last observed and returns it as it is after
 * the action.
 */

function action(api: Clients, id: string, body: Record<string, unknown>): Promise<unknown> {
  return api.compute.post(`/servers/${encodeURIComponent(id)}/action`, body);
}

/** The power state to come back to after a rebuild or resize: Nova keeps a stopped server stopped. */
function powerBefore(observed: ServerObserved): ServerPowerState {
  return observedPowerState(observed) ?? (observed.powerState === 4 ? 'stopped' : 'running');
}

/** confirmResize (204), then waits until the server is ACTIVE (SHUTOFF if it was stopped). */
export async function confirmResize(api: Clients, observed: ServerObserved, power: ServerPowerState, options: ServerWaitOptions): Promise<ServerObserved> {
  await action(api, observed.id, { confirmResize: null });
  return waitForServer(api, observed.id, readinessIn(power), options, 'confirm resize');
}

/**
 * Resizes to `flavor` and confirms. A server found in VERIFY_RESIZE (a
 * resize that nobody confirmed) is confirmed first; if that already left
 * it on `flavor`, nothing more is done.
 */
export async function resizeServer(api: Clients, observed: ServerObserved, flavor: ServerFlavorRef, options: ServerWaitOptions): Promise<ServerObserved> {
  let current = observed;
  if (current.status === 'VERIFY_RESIZE') {
    current = await confirmResize(api, current, current.powerState === 4 ? 'stopped' : 'running', options);
    if (runsOnFlavor(current, flavor)) return current;
  }
  const power = powerBefore(current);
  await action(api, current.id, { resize: { flavorRef: flavor.id } });
  const resized = await waitForServer(api, current.id, resizedReadiness(flavor), options, `resize to ${flavor.name}`);
  if (resized.status !== 'VERIFY_RESIZE') return resized;
  return confirmResize(api, resized, power, options);
}

export interface RebuildRequest {
  readonly image: string;
  /** Present = set the key (2.54+); `{ name: undefined }` removes it. */
  readonly keypair?: { readonly name: string | undefined };
  /** Present = replace the user data (2.57+); `{ text: undefined }` removes it. */
  readonly userData?: { readonly text: string | undefined };
}

/**
 * One rebuild for every field that needs one (image, key, user data): the
 * root disk is rebuilt once. Metadata, name and description are not sent,
 * so Nova keeps them. Waits until ACTIVE (SHUTOFF if it was stopped).
 */
export async function rebuildServer(api: Clients, observed: ServerObserved, request: RebuildRequest, options: ServerWaitOptions): Promise<ServerObserved> {
  const rebuild: Record<string, unknown> = { imageRef: request.image };
  if (request.keypair) rebuild.key_name = request.keypair.name ?? null;
  if (request.userData) {
    const text = request.userData.text;
    rebuild.user_data = text === undefined ? null : Buffer.from(text, 'utf8').toString('base64');
  }
  const power = powerBefore(observed);
  await action(api, observed.id, { rebuild });
  return waitForServer(api, observed.id, readinessIn(power), options, 'rebuild');
}

/** os-start / os-stop, then waits for ACTIVE / SHUTOFF. Nothing is sent when it is already there. */
export async function setPowerState(api: Clients, observed: ServerObserved, power: ServerPowerState, options: ServerWaitOptions): Promise<ServerObserved> {
  if (observedPowerState(observed) === power) return observed;
  await action(api, observed.id, power === 'running' ? { 'os-start': null } : { 'os-stop': null });
  return waitForServer(api, observed.id, readinessIn(power), options, power === 'running' ? 'start' : 'stop');
}

interface VolumeView {
  status: string;
  attachments: Array<{ server_id?: string }>;
}

async function readVolume(api: Clients, volumeId: string): Promise<VolumeView | undefined> {
  try {
    const { body } = await api.volume.get(`/volumes/${encodeURIComponent(volumeId)}`);
    const v = body?.volume ?? {};
    return { status: String(v.status ?? ''), attachments: Array.isArray(v.attachments) ? v.attachments : [] };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function volumeAttachedTo(serverId: string): (volume: VolumeView) => Readiness {
  return (volume) => {
    if (volume.status.startsWith('error')) return { state: 'failed', reason: `the volume is ${volume.status}` };
    if (volume.status === 'in-use' && volume.attachments.some((a) => a.server_id === serverId)) return { state: 'ready' };
    return { state: 'pending', retryAfterMs: 500, reason: `volume status ${volume.status}` };
  };
}

function volumeDetachedFrom(serverId: string): (volume: VolumeView) => Readiness {
  return (volume) => {
    if (volume.status === 'error_detaching') return { state: 'failed', reason: 'the volume is error_detaching' };
    if (volume.status !== 'detaching' && !volume.attachments.some((a) => a.server_id === serverId)) return { state: 'ready' };
    return { state: 'pending', retryAfterMs: 500, reason: `volume status ${volume.status}` };
  };
}

/**
 * Waits on Cinder, which says when the attachment is done (Nova lists the
 * volume as soon as it is reserved). Without a block-storage endpoint the
 * server's own list is all there is.
 */
async function waitForVolume(api: Clients, serverId: string, volumeId: string, attached: boolean, options: ServerWaitOptions): Promise<void> {
  const what = `volume ${volumeId} (${attached ? 'attach to' : 'detach from'} server ${serverId})`;
  if (api.volume.available) {
    const read = async () => (await readVolume(api, volumeId)) ?? (attached ? undefined : { status: 'deleted', attachments: [] });
    await waitFor(read, attached ? volumeAttachedTo(serverId) : volumeDetachedFrom(serverId), { ...options, kind: 'Volume', what });
    return;
  }
  await waitForServer(api, serverId, (server) => (server.volumeIds.includes(volumeId) === attached
    ? { state: 'ready' }
    : { state: 'pending', retryAfterMs: 500, reason: 'attachment not updated yet' }), options, what);
}

/** POST os-volume_attachments (200 with the attachment, or 202 without a body from 2.101), then waits for in-use. */
export async function attachVolume(api: Clients, serverId: string, volume: ServerVolume, options: ServerWaitOptions): Promise<void> {
  const volumeAttachment: Record<string, unknown> = { volumeId: volume.volumeId };
  if (volume.device !== undefined) volumeAttachment.device = volume.device;
  await api.compute.post(`/servers/${encodeURIComponent(serverId)}/os-volume_attachments`, { volumeAttachment });
  await waitForVolume(api, serverId, volume.volumeId, true, options);
}

/** DELETE the attachment (404 = not attached: done), then waits until Cinder no longer lists this server. */
export async function detachVolume(api: Clients, serverId: string, volumeId: string, options: ServerWaitOptions): Promise<void> {
  try {
    await api.compute.delete(`/servers/${encodeURIComponent(serverId)}/os-volume_attachments/${encodeURIComponent(volumeId)}`);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  await waitForVolume(api, serverId, volumeId, false, options);
}
