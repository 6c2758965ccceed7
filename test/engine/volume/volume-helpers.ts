import assert from 'node:assert/strict';
import { eventually, type ApiClient } from '../../helpers/engine-harness.ts';

/** `/volume/v3/{project}` + path for the client's project. */
export const cinder = (client: ApiClient, path: string) => `/volume/v3/${client.projectId}${path}`;

/** Creates a volume and waits until it leaves `creating`; returns the shown volume. */
export async function createAvailableVolume(client: ApiClient, volume: Record<string, unknown> = {}, microversion?: string): Promise<any> {
  const r = await client.post(cinder(client, '/volumes'), { volume: { size: 1, ...volume } }, microversion);
  assert.equal(r.status, 202, r.text);
  return waitForStatus(client, r.body.volume.id, 'available');
}

/** Polls the volume until it has `status`. */
export async function waitForStatus(client: ApiClient, id: string, status: string): Promise<any> {
  return eventually(async () => {
    const r = await client.get(cinder(client, `/volumes/${id}`));
    return r.body?.volume?.status === status ? r.body.volume : undefined;
  });
}

/** Polls until the volume is gone (404). */
export async function waitForGone(client: ApiClient, id: string): Promise<void> {
  await eventually(async () => ((await client.get(cinder(client, `/volumes/${id}`))).status === 404 ? true : undefined));
}
