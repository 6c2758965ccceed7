import type * as pulumi from '@pulumi/pulumi';

/**
 * Types of a novaform resource's arguments, derived from the manifest spec
 * types (schemas/spec-types.ts) so that the SDK, the manifests and the
 * package schema cannot disagree about a field's shape.
 */

/** Manifest spec fields a Pulumi resource does not take (Pulumi has `retainOnDelete` and the `import` option): `NOT_PULUMI_INPUTS` of the package schema. */
export type NotPulumiInput = 'deletionPolicy' | 'managementPolicy' | 'import';

type Plain<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepInput<E>[]
    : { readonly [K in keyof T]: DeepInput<T[K]> };

/**
 * `T` with every level accepting a `pulumi.Input` (a value, a promise or an
 * Output), as Pulumi resolves inputs deeply before registering a resource.
 *
 * @example
 * const tags: DeepInput<readonly string[]> = [web.name, 'quickstart'];
 */
export type DeepInput<T> = pulumi.Input<Plain<T>>;

/**
 * A resource's arguments: the kind's spec fields (minus NotPulumiInput), each
 * a DeepInput with the spec's optionality, plus the optional cloud `name`
 * (default: the Pulumi resource's name).
 *
 * @example
 * type FlavorArgs = ArgsOf<RawFlavorSpec>; // { vcpus: Input<number>; ram: Input<string | number>; ... name?: Input<string> }
 */
export type ArgsOf<S> = { readonly [K in keyof Omit<S, NotPulumiInput>]: DeepInput<Omit<S, NotPulumiInput>[K]> } & { readonly name?: pulumi.Input<string> };
