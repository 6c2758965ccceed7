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
import type {
  DrainMode, KeypairType, OnError, PowerState, Quantity, QuotaBlockStorageLimits, RawAggregateSpec, RawComputeServiceSpec, RawQuotaSpec, RawFlavorSpec, RawKeypairSpec, RawServerGroupSpec, RawServerSpec, RawVolumeSpec,
  ServerGroupPolicy, ServerNetworkEntry, ServerVolumeEntry,
} from '../../schemas/spec-types.ts';
import type { ArgsOf } from './input-types.ts';
import { isResourceOf, novaformResource, type NovaformResourceClass } from './novaform-resource.ts';

/**
 * The typed resource classes users import from `novaform/pulumi`: one per
 * kind, `novaform:index:<Kind>`. Arguments are the manifest spec fields
 * (schemas/spec-types.ts) as Pulumi inputs, plus an optional `name` (the
 * object's name in the cloud; default the resource's name). Outputs are the
 * inputs as the provider last read them, `cloudId`, and `status` for
 * servers and volumes. Field meanings: the package schema
 * (pulumi/schema/novaform.pulumi.json) and schemas/.
 *
 * Each class is built on its kind's module (`flavorHandler.kind`), the
 * one place a kind is named (test/architecture/no-kind-switch.test.ts).
 */

type Out<T> = pulumi.Output<T>;

export type QuotaArgs = ArgsOf<RawQuotaSpec>;
export type FlavorArgs = ArgsOf<RawFlavorSpec>;
export type KeypairArgs = ArgsOf<RawKeypairSpec>;
export type VolumeArgs = ArgsOf<RawVolumeSpec>;
export type AggregateArgs = ArgsOf<RawAggregateSpec>;
export type ServerGroupArgs = ArgsOf<RawServerGroupSpec>;
export type ServerArgs = ArgsOf<RawServerSpec>;
export type ComputeServiceArgs = ArgsOf<RawComputeServiceSpec>;

/**
 * The compute and block-storage quotas of an existing project (admin
 * only): the limits named are set, a limit dropped goes back to the
 * default, and deleting the resource reverts them (unless Retain).
 *
 * @example
 * const teamA = new Quota('team-a', { project: 'team-a', compute: { instances: 20, cores: 40 } });
 */
export class Quota extends novaformResource(quotaHandler.kind) {
  declare public readonly project: Out<string | undefined>;
  declare public readonly compute: Out<RawQuotaSpec['compute']>;
  declare public readonly blockStorage: Out<(QuotaBlockStorageLimits & { readonly volumeTypes?: Readonly<Record<string, QuotaBlockStorageLimits>> }) | undefined>;

  /** True when `obj` is a Quota (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is Quota {
    return isResourceOf(obj, Quota.kind);
  }

  constructor(name: string, args: QuotaArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Nova flavor (sizes in MiB/GiB or quantities such as "2GiB").
 *
 * @example
 * const small = new Flavor('small', { vcpus: 1, ram: '1GiB', disk: 10, extraSpecs: { 'hw:cpu_policy': 'shared' } });
 */
export class Flavor extends novaformResource(flavorHandler.kind) {
  declare public readonly vcpus: Out<number>;
  declare public readonly ram: Out<Quantity>;
  declare public readonly disk: Out<Quantity>;
  declare public readonly ephemeral: Out<Quantity | undefined>;
  declare public readonly swap: Out<Quantity | undefined>;
  declare public readonly isPublic: Out<boolean | undefined>;
  declare public readonly description: Out<string | undefined>;
  declare public readonly extraSpecs: Out<Readonly<Record<string, string | number>> | undefined>;
  declare public readonly access: Out<readonly string[] | undefined>;

  /** True when `obj` is a Flavor (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is Flavor {
    return isResourceOf(obj, Flavor.kind);
  }

  constructor(name: string, args: FlavorArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Nova keypair from a public key (novaform never generates private keys).
 *
 * @example
 * const ops = new Keypair('ops', { publicKey: readFileSync('ops.pub', 'utf8') });
 */
export class Keypair extends novaformResource(keypairHandler.kind) {
  declare public readonly publicKey: Out<string | undefined>;
  declare public readonly publicKeyFile: Out<string | undefined>;
  declare public readonly type: Out<KeypairType | undefined>;

  /** True when `obj` is a Keypair (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is Keypair {
    return isResourceOf(obj, Keypair.kind);
  }

  constructor(name: string, args: KeypairArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Cinder volume; its size only grows (a shrink is refused at plan time).
 *
 * @example
 * const data = new Volume('data', { size: '10GiB', metadata: { purpose: 'data' } });
 */
export class Volume extends novaformResource(volumeHandler.kind) {
  declare public readonly size: Out<Quantity>;
  declare public readonly volumeType: Out<string | undefined>;
  declare public readonly availabilityZone: Out<string | undefined>;
  declare public readonly image: Out<string | undefined>;
  declare public readonly description: Out<string | undefined>;
  declare public readonly metadata: Out<Readonly<Record<string, string>> | undefined>;
  /** Cinder's status when last read (available, in-use, ...). */
  declare public readonly status: Out<string>;

  /** True when `obj` is a Volume (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is Volume {
    return isResourceOf(obj, Volume.kind);
  }

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A host aggregate, optionally exposed as an availability zone.
 *
 * @example
 * const fast = new Aggregate('fast', { availabilityZone: 'fast', hosts: ['compute-1'] });
 */
export class Aggregate extends novaformResource(aggregateHandler.kind) {
  declare public readonly availabilityZone: Out<string | undefined>;
  declare public readonly hosts: Out<readonly string[] | undefined>;
  declare public readonly metadata: Out<Readonly<Record<string, string>> | undefined>;

  /** True when `obj` is an Aggregate (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is Aggregate {
    return isResourceOf(obj, Aggregate.kind);
  }

  constructor(name: string, args: AggregateArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A server group (scheduling policy for its member servers).
 *
 * @example
 * const spread = new ServerGroup('spread', { policy: 'anti-affinity', rules: { maxServerPerHost: 1 } });
 */
export class ServerGroup extends novaformResource(serverGroupHandler.kind) {
  declare public readonly policy: Out<ServerGroupPolicy>;
  declare public readonly rules: Out<{ readonly maxServerPerHost?: number } | undefined>;

  /** True when `obj` is a ServerGroup (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is ServerGroup {
    return isResourceOf(obj, ServerGroup.kind);
  }

  constructor(name: string, args: ServerGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A Nova server. A new flavor resizes it, a new image or userData rebuilds
 * it (the root disk is wiped); `userData` is a secret in and out.
 *
 * @example
 * const web = new Server('web', { flavor: small.name, image: 'cirros', keypair: ops.name, networks: 'none', userData: '#cloud-config\n' });
 */
export class Server extends novaformResource(serverHandler.kind) {
  declare public readonly flavor: Out<string>;
  declare public readonly image: Out<string>;
  declare public readonly keypair: Out<string | undefined>;
  declare public readonly serverGroup: Out<string | undefined>;
  declare public readonly availabilityZone: Out<string | undefined>;
  declare public readonly networks: Out<'none' | 'auto' | readonly ServerNetworkEntry[] | undefined>;
  declare public readonly metadata: Out<Readonly<Record<string, string>> | undefined>;
  declare public readonly tags: Out<readonly string[] | undefined>;
  declare public readonly description: Out<string | undefined>;
  /** Secret: registered with `additionalSecretOutputs`. */
  declare public readonly userData: Out<string | undefined>;
  declare public readonly volumes: Out<readonly ServerVolumeEntry[] | undefined>;
  declare public readonly powerState: Out<PowerState | undefined>;
  declare public readonly onError: Out<OnError | undefined>;
  /** Nova's status when last read (ACTIVE, SHUTOFF, ...). */
  declare public readonly status: Out<string>;

  /** True when `obj` is a Server (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is Server {
    return isResourceOf(obj, Server.kind);
  }

  constructor(name: string, args: ServerArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * A host's nova-compute service (admin only): enabled or disabled with a
 * reason, drained, or forced down (with `fenced`) and evacuated.
 * Deleting the resource leaves the service as it is.
 *
 * @example
 * const c1 = new ComputeService('compute-1', { enabled: false, disabledReason: 'kernel upgrade', drain: 'live' });
 */
export class ComputeService extends novaformResource(computeServiceHandler.kind) {
  declare public readonly host: Out<string | undefined>;
  declare public readonly enabled: Out<boolean | undefined>;
  declare public readonly disabledReason: Out<string | undefined>;
  declare public readonly drain: Out<DrainMode | undefined>;
  declare public readonly forcedDown: Out<boolean | undefined>;
  declare public readonly fenced: Out<boolean | undefined>;
  declare public readonly evacuate: Out<boolean | undefined>;

  /** True when `obj` is a ComputeService (also across copies of this SDK). */
  static override isInstance(obj: unknown): obj is ComputeService {
    return isResourceOf(obj, ComputeService.kind);
  }

  constructor(name: string, args: ComputeServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(name, args, opts);
  }
}

/**
 * The typed class of each kind, for generic code (the Manifests component)
 * that builds a resource from a manifest's `kind`. `satisfies` makes a kind
 * added to the registry without a class here a compile error.
 */
export const RESOURCE_CLASSES = { Quota, Flavor, Keypair, Volume, Aggregate, ServerGroup, Server, ComputeService } as const satisfies Record<Kind, NovaformResourceClass>;
