import { createHash } from 'node:crypto';
import type { EngineConfig } from './config.ts';
import type { Store } from './store/store.ts';
import { seedIdentity } from './identity/seed-identity.ts';
import { ensureControlServices } from './compute/services/service-registry.ts';
import { newComputeHost } from './topology/compute-hosts.ts';
import { newUuid } from './util/ids.ts';
import { isoSeconds } from './util/time.ts';

/**
 * Brings a store up to the configuration: users and projects, compute hosts,
 * images, volume types and any flavors the config names. Idempotent: what
 * exists already (by name) is left as it is, so a restart keeps every change
 * made through the APIs.
 */
export async function seedStore(store: Store, config: EngineConfig): Promise<void> {
  await seedIdentity(store, config);
  const now = isoSeconds();

  // Control services first: on a fresh store they get ids 1 and 2, as in Nova.
  await ensureControlServices(store);
  for (const seed of config.hosts) {
    if (store.hosts.has(seed.name)) continue;
    await store.hosts.put(newComputeHost(store, seed));
  }

  const admin = store.projects.find((p) => p.name === 'admin');
  for (const seed of config.images) {
    if (store.images.find((i) => i.name === seed.name)) continue;
    const size = seed.size ?? 1048576;
    await store.images.put({
      // Stable ids per name, so a config-seeded image is the same object on every engine.
      id: seed.id ?? uuidFromName(`image:${seed.name}`),
      name: seed.name,
      status: 'active',
      visibility: 'public',
      owner: admin?.id ?? null,
      minRam: seed.minRam ?? 0,
      minDisk: seed.minDisk ?? 0,
      diskFormat: seed.diskFormat ?? 'qcow2',
      containerFormat: 'bare',
      size,
      checksum: createHash('md5').update(seed.name).digest('hex'),
      protected: false,
      tags: [],
      properties: { ...seed.properties },
      createdAt: now,
      updatedAt: now,
    });
  }

  for (const name of config.volumeTypes) {
    if (store.volumeTypes.find((t) => t.name === name)) continue;
    await store.volumeTypes.put({
      id: uuidFromName(`volume-type:${name}`),
      name,
      description: name === '__DEFAULT__' ? 'Default Volume Type' : null,
      isPublic: true,
      extraSpecs: {},
    });
  }

  for (const seed of config.flavors) {
    if (store.flavors.find((f) => f.name === seed.name)) continue;
    await store.flavors.put({
      id: seed.id ?? newUuid(),
      name: seed.name,
      ram: seed.ram,
      vcpus: seed.vcpus,
      disk: seed.disk,
      ephemeral: seed.ephemeral ?? 0,
      swap: seed.swap ?? 0,
      rxtxFactor: 1,
      isPublic: seed.isPublic ?? true,
      disabled: false,
      description: seed.description ?? null,
      extraSpecs: { ...seed.extraSpecs },
      access: [],
      createdAt: now,
      numericId: store.nextId('flavor'),
    });
  }
}

/** A name-based (v5-style) UUID so seeded objects keep their id across engines. */
export function uuidFromName(name: string): string {
  const h = createHash('sha1').update(`novaform-engine:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}
