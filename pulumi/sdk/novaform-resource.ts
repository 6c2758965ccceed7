import * as pulumi from '@pulumi/pulumi';
import type { Kind } from '../../provider/resources/types.ts';
import { packageVersion } from '../../schemas/package-files.ts';
import { packageSchema, resourceToken, secretProperties } from '../schema/package-schema.ts';
import type { ResourceSpec } from '../schema/schema-types.ts';

/**
 * The generic part of every novaform resource class: what to register is
 * read from the package schema the plugin serves (pulumi/schema/), never
 * from a list of kinds here. The typed classes in resources.ts only add
 * their argument and output types.
 *
 * - Inputs: the schema's `inputProperties`; a required one that is missing
 *   or an unknown one is a one-line error before anything is registered.
 * - Outputs: every schema `properties` key is registered (as undefined
 *   when it is not an input), so `cloudId` and `status` come back.
 * - Secrets: a property the schema marks `secret` is wrapped in
 *   `pulumi.secret` on the way in and listed in `additionalSecretOutputs`,
 *   so it stays secret on the way out whatever the provider answers.
 * - `deleteBeforeReplace` is not set: the provider's Diff says when a
 *   replace must delete first (kinds whose names are unique in the cloud).
 * - `version`: this package's version, so the engine runs the matching
 *   `pulumi-resource-novaform` plugin.
 */

/** The package's version: the plugin version a program asks for. */
export const PACKAGE_VERSION: string = packageVersion();

let schemaCache: ReturnType<typeof packageSchema> | undefined;

/** The schema of `kind`'s resource (computed once per process). */
export function resourceSpec(kind: Kind): ResourceSpec {
  schemaCache ??= packageSchema(PACKAGE_VERSION);
  const spec = schemaCache.resources[resourceToken(kind)];
  if (!spec) throw new Error(`novaform has no Pulumi resource '${resourceToken(kind)}'`);
  return spec;
}

/** The properties of `kind` that are secrets in and out (`userData` for Server). */
export function secretOutputs(kind: Kind): string[] {
  resourceSpec(kind);
  return secretProperties(schemaCache!, kind);
}

/**
 * The property map and options a `kind` resource registers with. Pure apart
 * from `pulumi.secret`; throws a one-line Error for a missing required or
 * an unknown input. With `opts.id` or `opts.urn` (reading an existing
 * resource) the arguments are ignored.
 *
 * @example
 * registration('Flavor', 'small', { vcpus: 1, ram: '1GiB', disk: 1 }, {}).props.cloudId // undefined
 */
export function registration(kind: Kind, name: string, args: Readonly<Record<string, unknown>> | undefined, opts: pulumi.CustomResourceOptions): { props: pulumi.Inputs; opts: pulumi.CustomResourceOptions } {
  const spec = resourceSpec(kind);
  const token = resourceToken(kind);
  const secrets = secretOutputs(kind);
  const props: Record<string, pulumi.Input<unknown> | undefined> = {};
  if (opts.id === undefined && opts.urn === undefined) {
    const given = args ?? {};
    const inputs = Object.keys(spec.inputProperties);
    const unknown = Object.keys(given).filter((field) => !inputs.includes(field));
    if (unknown.length > 0) throw new Error(`${token} '${name}': unknown input '${unknown[0]}'; it takes ${inputs.join(', ')}`);
    const missing = spec.requiredInputs.find((field) => given[field] === undefined);
    if (missing !== undefined) throw new Error(`${token} '${name}': missing required input '${missing}'`);
    for (const field of inputs) {
      const value = given[field];
      props[field] = value !== undefined && secrets.includes(field) ? pulumi.secret(value) : value;
    }
  }
  for (const field of Object.keys(spec.properties)) if (!(field in props)) props[field] = undefined;
  const defaults: pulumi.CustomResourceOptions = { version: PACKAGE_VERSION, ...(secrets.length > 0 ? { additionalSecretOutputs: secrets } : {}) };
  return { props, opts: pulumi.mergeOptions(defaults, opts) };
}

/** True when `obj` is a registered resource of `kind` (works across copies of the SDK, like Pulumi's own checks). */
export function isResourceOf(obj: unknown, kind: Kind): boolean {
  return typeof obj === 'object' && obj !== null && (obj as { __pulumiType?: unknown }).__pulumiType === resourceToken(kind);
}

/** A novaform resource as generic code (the Manifests component) builds it. */
export type NovaformResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * What `novaformResource` returns, spelled out: the declarations the build
 * emits (dist/*.d.ts) cannot name an anonymous class that extends
 * `pulumi.CustomResource` (it has private members).
 */
export interface NovaformResourceBase {
  new (name: string, args: object | undefined, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource & {
    /** The object's id in the cloud (a keypair's id is its name). */
    readonly cloudId: pulumi.Output<string>;
    /** The object's name in the cloud. */
    readonly name: pulumi.Output<string>;
  };
  /** The kind, as its module names it. */
  readonly kind: Kind;
  /** The Pulumi type token, `novaform:index:<Kind>`. */
  readonly typeToken: string;
  /** Pulumi's own check: a CustomResource of any type. */
  isInstance(obj: unknown): obj is pulumi.CustomResource;
}

/**
 * The base class of `kind`'s typed resource class: registers
 * `novaform:index:<kind>` with `registration`'s props and options.
 *
 * @example
 * export class Flavor extends novaformResource(flavorHandler.kind) {
 *   declare public readonly ram: pulumi.Output<number | string>;
 *   constructor(name: string, args: FlavorArgs, opts?: pulumi.CustomResourceOptions) { super(name, args, opts); }
 * }
 */
export function novaformResource(kind: Kind): NovaformResourceBase {
  const token = resourceToken(kind);
  return class NovaformResource extends pulumi.CustomResource {
    /** The kind, as its module names it. */
    static readonly kind: Kind = kind;
    /** The Pulumi type token, `novaform:index:<Kind>`. */
    static readonly typeToken: string = token;
    /** The object's id in the cloud (a keypair's id is its name). */
    declare public readonly cloudId: pulumi.Output<string>;
    /** The object's name in the cloud. */
    declare public readonly name: pulumi.Output<string>;

    constructor(name: string, args: object | undefined, opts: pulumi.CustomResourceOptions = {}) {
      const registered = registration(kind, name, args as Readonly<Record<string, unknown>> | undefined, opts);
      super(token, name, registered.props, registered.opts);
    }
  };
}
