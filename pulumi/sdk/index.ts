/**
 * `novaform/pulumi`: novaform's kinds as Pulumi resources (one typed class
 * per kind) and the `Manifests` component that registers a manifest set.
 * The resources are served by the `pulumi-resource-novaform` plugin of
 * this package. See README.md beside this file.
 *
 * @example
 * import { Flavor, Server, Manifests } from 'novaform/pulumi';
 */
export { Aggregate, ComputeService, Quota, Flavor, Keypair, RESOURCE_CLASSES, Server, ServerGroup, Volume } from './resources.ts';
export type { AggregateArgs, ComputeServiceArgs, FlavorArgs, KeypairArgs, QuotaArgs, ServerArgs, ServerGroupArgs, VolumeArgs } from './resources.ts';
export { Manifests, manifestInputs, type ManifestResources, type ManifestsArgs } from './manifests.ts';
export type { ArgsOf, DeepInput } from './input-types.ts';
export { PACKAGE_VERSION } from './novaform-resource.ts';
