import { randomUUID } from 'node:crypto';
import type { FlavorSnapshot, Server } from '../../../engine/compute/compute-model.ts';
import { resolveConfig, type EngineConfigInput } from '../../../engine/config.ts';
import type { EngineContext } from '../../../engine/engine-context.ts';
import { seedStore } from '../../../engine/seed.ts';
import { openStore } from '../../../engine/store/store.ts';

/** An in-memory engine context without HTTP: the scheduler reads only the store and the config. */
export async function schedulerContext(input: EngineConfigInput = {}): Promise<EngineContext> {
  const config = resolveConfig(input);
  const store = await openStore(undefined);
  await seedStore(store, config);
  return { config, store, random: () => 0.5, requestLog: [], requestCounts: new Map(), later: () => undefined };
}

export function flavor(change: Partial<FlavorSnapshot> = {}): FlavorSnapshot {
  return { id: 'f', name: 'f', vcpus: 1, ram: 1024, disk: 10, ephemeral: 0, swap: 0, extraSpecs: {}, ...change };
}

/** Puts a server holding `flavor` on `host` (or with the given state) into the store. */
export async function placeServer(ctx: EngineContext, host: string | null, change: Partial<Server> = {}): Promise<Server> {
  const now = new Date().toISOString();
  const server: Server = {
    id: randomUUID(), name: 's', projectId: 'p', userId: 'u', description: null, flavor: flavor(), imageId: 'img',
    keyName: null, keyData: null, userData: null, metadata: {}, tags: [], requestedAz: null, availabilityZone: null,
    host, vmState: 'active', taskState: null, powerState: 1, locked: false, lockedReason: null, fault: null,
    networks: 'none', addresses: {}, accessIPv4: '', accessIPv6: '', configDrive: '', diskConfig: 'MANUAL',
    reservationId: 'r-00000000', launchIndex: 0, hostname: 's', securityGroups: [], schedulerHints: {},
    deleteOnTermination: [], rootDeviceName: '/dev/sda', createdAt: now, updatedAt: now, launchedAt: now,
    terminatedAt: null, deletedAt: null, pending: null, resize: null, ...change,
  };
  await ctx.store.servers.put(server);
  return server;
}

export async function addAggregate(ctx: EngineContext, hosts: string[], metadata: Record<string, string>): Promise<void> {
  const id = String(ctx.store.aggregates.size + 1);
  await ctx.store.aggregates.put({
    id, uuid: randomUUID(), name: `agg-${id}`, availabilityZone: metadata.availability_zone ?? null, hosts, metadata,
    createdAt: new Date().toISOString(), updatedAt: null,
  });
}
