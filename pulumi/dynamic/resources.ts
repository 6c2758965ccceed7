import type * as pulumi from '@pulumi/pulumi';
import { aggregateHandler } from '../../provider/resources/aggregate/aggregate-handler.ts';
import { computeServiceHandler } from '../../provider/resources/compute-service/compute-service-handler.ts';
import { flavorHandler } from '../../provider/resources/flavor/flavor-handler.ts';
import { keypairHandler } from '../../provider/resources/keypair/keypair-handler.ts';
import { quotaHandler } from '../../provider/resources/quota/quota-handler.ts';
import { serverGroupHandler } from '../../provider/resources/server-group/server-group-handler.ts';
import { serverHandler } from '../../provider/resources/server/server-handler.ts';
import { volumeHandler } from '../../provider/resources/volume/volume-handler.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type * as sdk from '../sdk/resources.ts';
import { dynamicResource, isDynamicResourceOf, type DynamicResourceClass } from './dynamic-resource.ts';

/**
 * The dynamic resource classes users import from `novaform/pulumi/dynamic`,
 * for programs that cannot install the `pulumi-resource-novaform` plugin.
 * Arguments and outputs are the SDK classes' own (pulumi/sdk/resources.ts):
 * each class here merges with an interface holding the outputs of its SDK
 * twin, so the two cannot drift apart. Built on the kind modules
 * (`flavorHandler.kind`), like the SDK.
 */

/** The outputs of an SDK class: its members that a CustomResource does not have. */
type OutputsOf<C> = Omit<C, keyof pulumi.CustomResource>;

export type { AggregateArgs, ComputeServiceArgs, FlavorArgs, KeypairArgs, QuotaArgs, ServerArgs, ServerGroupArgs, VolumeArgs } from '../sdk/resources.ts';

/**
 * A Nova flavor, served by the dynamic provider.
 *
 * @example
 * const small = new Flavor('small', { vcpus: 1, ram: '1GiB', disk: 10 });
 */
export interface Flavor extends OutputsOf<sdk.Flavor> {}
export class Flavor extends dynamicResource(flavorHandler.kind) {
  /** True when `obj` is a dynamic Flavor (also across copies of this package). */
  static override isInstance(obj: unknown): obj is Flavor {
    return isDynamicResourceOf(obj, Flavor.kind);
  }

  constructor(name: string, args: sdk.FlavorArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Nova keypair from a public key, served by the dynamic provider.
 *
 * @example
 * const ops = new Keypair('ops', { publicKey: readFileSync('ops.pub', 'utf8') });
 */
export interface Keypair extends OutputsOf<sdk.Keypair> {}
export class Keypair extends dynamicResource(keypairHandler.kind) {
  /** True when `obj` is a dynamic Keypair (also across copies of this package). */
  static override isInstance(obj: unknown): obj is Keypair {
    return isDynamicResourceOf(obj, Keypair.kind);
  }

  constructor(name: string, args: sdk.KeypairArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Cinder volume, served by the dynamic provider; its size only grows.
 *
 * @example
 * const data = new Volume('data', { size: '10GiB' });
 */
export interface Volume extends OutputsOf<sdk.Volume> {}
export class Volume extends dynamicResource(volumeHandler.kind) {
  /** True when `obj` is a dynamic Volume (also across copies of this package). */
  static override isInstance(obj: unknown): obj is Volume {
    return isDynamicResourceOf(obj, Volume.kind);
  }

  constructor(name: string, args: sdk.VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A host aggregate, served by the dynamic provider.
 *
 * @example
 * const fast = new Aggregate('fast', { availabilityZone: 'fast', hosts: ['compute-1'] });
 */
export interface Aggregate extends OutputsOf<sdk.Aggregate> {}
export class Aggregate extends dynamicResource(aggregateHandler.kind) {
  /** True when `obj` is a dynamic Aggregate (also across copies of this package). */
  static override isInstance(obj: unknown): obj is Aggregate {
    return isDynamicResourceOf(obj, Aggregate.kind);
  }

  constructor(name: string, args: sdk.AggregateArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A project's quotas, served by the dynamic provider.
 *
 * @example
 * const teamA = new Quota('team-a', { compute: { instances: 20 } });
 */
export interface Quota extends OutputsOf<sdk.Quota> {}
export class Quota extends dynamicResource(quotaHandler.kind) {
  /** True when `obj` is a dynamic Quota (also across copies of this package). */
  static override isInstance(obj: unknown): obj is Quota {
    return isDynamicResourceOf(obj, Quota.kind);
  }

  constructor(name: string, args: sdk.QuotaArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A server group, served by the dynamic provider.
 *
 * @example
 * const spread = new ServerGroup('spread', { policy: 'anti-affinity' });
 */
export interface ServerGroup extends OutputsOf<sdk.ServerGroup> {}
export class ServerGroup extends dynamicResource(serverGroupHandler.kind) {
  /** True when `obj` is a dynamic ServerGroup (also across copies of this package). */
  static override isInstance(obj: unknown): obj is ServerGroup {
    return isDynamicResourceOf(obj, ServerGroup.kind);
  }

  constructor(name: string, args: sdk.ServerGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Nova server, served by the dynamic provider. A new flavor resizes it, a
 * new image or userData rebuilds it; `userData` is a secret in and out.
 *
 * @example
 * const web = new Server('web', { flavor: small.name, image: 'cirros', networks: 'none' });
 */
export interface Server extends OutputsOf<sdk.Server> {}
export class Server extends dynamicResource(serverHandler.kind) {
  /** True when `obj` is a dynamic Server (also across copies of this package). */
  static override isInstance(obj: unknown): obj is Server {
    return isDynamicResourceOf(obj, Server.kind);
  }

  constructor(name: string, args: sdk.ServerArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A host's nova-compute service, served by the dynamic provider.
 *
 * @example
 * const c1 = new ComputeService('compute-1', { enabled: false, drain: 'live' });
 */
export interface ComputeService extends OutputsOf<sdk.ComputeService> {}
export class ComputeService extends dynamicResource(computeServiceHandler.kind) {
  /** True when `obj` is a dynamic ComputeService (also across copies of this package). */
  static override isInstance(obj: unknown): obj is ComputeService {
    return isDynamicResourceOf(obj, ComputeService.kind);
  }

  constructor(name: string, args: sdk.ComputeServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/** The dynamic class of each kind; `satisfies` makes a kind without a class here a compile error. */
export const DYNAMIC_RESOURCE_CLASSES = { Quota, Flavor, Keypair, Volume, Aggregate, ServerGroup, Server, ComputeService } as const satisfies Record<Kind, DynamicResourceClass>;
