import type { TestEngine } from '../../../helpers/engine-harness.ts';
import type { Server } from '../../../../engine/compute/compute-model.ts';

/**
 * Puts a minimal server straight into the store, so quota usage can be
 * tested without the servers API (usage is derived from the store).
 */
export async function putFakeServer(t: TestEngine, projectId: string, flavor: { vcpus: number; ram: number }): Promise<string> {
  const id = crypto.randomUUID();
  const server = {
    id, projectId, deletedAt: null, resize: null,
    flavor: { id: 'f', name: 'f', vcpus: flavor.vcpus, ram: flavor.ram, disk: 1, ephemeral: 0, swap: 0, extraSpecs: {} },
    pending: null,
  } as unknown as Server;
  await t.engine.context.store.servers.put(server);
  return id;
}
