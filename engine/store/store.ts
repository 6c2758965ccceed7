import { chmod, mkdir } from 'node:fs/promises';
import { Collection } from './collection.ts';
import type { ApplicationCredential, Project, RoleAssignment, Token, User } from '../identity/identity-model.ts';
import type { Aggregate, ComputeHost, Flavor, Keypair, Migration, QuotaOverride, Server, ServerGroup } from '../compute/compute-model.ts';
import type { Volume, VolumeType } from '../volume/volume-model.ts';
import type { Image } from '../image/image-model.ts';

interface Counter {
  id: string;
  value: number;
}

/** Every collection the engine persists; one nedb datafile each under the data directory. */
export interface Store {
  readonly projects: Collection<Project>;
  readonly users: Collection<User>;
  readonly roleAssignments: Collection<RoleAssignment>;
  readonly applicationCredentials: Collection<ApplicationCredential>;
  readonly tokens: Collection<Token>;
  readonly flavors: Collection<Flavor>;
  readonly keypairs: Collection<Keypair>;
  readonly aggregates: Collection<Aggregate>;
  readonly hosts: Collection<ComputeHost>;
  readonly servers: Collection<Server>;
  readonly migrations: Collection<Migration>;
  readonly quotas: Collection<QuotaOverride>;
  readonly serverGroups: Collection<ServerGroup>;
  readonly volumes: Collection<Volume>;
  readonly volumeTypes: Collection<VolumeType>;
  readonly images: Collection<Image>;
  readonly counters: Collection<Counter>;
  /** Next value of a named integer sequence (aggregate ids, service ids, ...), starting at 1. */
  nextId(sequence: string): number;
  /** True when the store was created empty (first start on this data directory). */
  readonly fresh: boolean;
}

/** Opens the store under `dataDir`, or in memory only when `dataDir` is undefined. */
export async function openStore(dataDir: string | undefined): Promise<Store> {
  if (dataDir) {
    // The engine's data holds users' passwords and tokens: 0700 here, 0600 datafiles (collection.ts), whatever the umask.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
  }
  const open = <T extends { id: string }>(name: string) => Collection.open<T>(name, dataDir);
  const [projects, users, roleAssignments, applicationCredentials, tokens, flavors, keypairs, aggregates, hosts,
    servers, migrations, quotas, serverGroups, volumes, volumeTypes, images, counters] = await Promise.all([
    open<Project>('projects'), open<User>('users'), open<RoleAssignment>('role-assignments'),
    open<ApplicationCredential>('application-credentials'), open<Token>('tokens'), open<Flavor>('flavors'),
    open<Keypair>('keypairs'), open<Aggregate>('aggregates'), open<ComputeHost>('hosts'), open<Server>('servers'),
    open<Migration>('migrations'), open<QuotaOverride>('quotas'), open<ServerGroup>('server-groups'), open<Volume>('volumes'),
    open<VolumeType>('volume-types'), open<Image>('images'), open<Counter>('counters'),
  ]);
  const fresh = projects.size === 0;
  return {
    projects, users, roleAssignments, applicationCredentials, tokens, flavors, keypairs, aggregates, hosts,
    servers, migrations, quotas, serverGroups, volumes, volumeTypes, images, counters, fresh,
    nextId(sequence: string): number {
      const counter = counters.get(sequence) ?? { id: sequence, value: 0 };
      counter.value += 1;
      void counters.put(counter);
      return counter.value;
    },
  };
}
