/**
 * `novaform/pulumi/dynamic`: novaform's kinds as Pulumi dynamic resources,
 * for programs that cannot install the `pulumi-resource-novaform` plugin.
 * Same arguments and outputs as `novaform/pulumi`; the limits that come
 * with dynamic providers are in README.md beside this file.
 *
 * @example
 * import { Flavor, Keypair, Server } from 'novaform/pulumi/dynamic';
 */
export { Aggregate, ComputeService, Quota, DYNAMIC_RESOURCE_CLASSES, Flavor, Keypair, Server, ServerGroup, Volume } from './resources.ts';
export type { AggregateArgs, ComputeServiceArgs, FlavorArgs, KeypairArgs, QuotaArgs, ServerArgs, ServerGroupArgs, VolumeArgs } from './resources.ts';
export { dynamicToken } from './dynamic-resource.ts';
