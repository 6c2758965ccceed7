import * as pulumi from '@pulumi/pulumi';
import type { Kind } from '../../provider/resources/types.ts';
import { registration } from '../sdk/novaform-resource.ts';
import { kindProvider } from './serialized-provider.ts';

/**
 * The generic part of every dynamic novaform resource: the SDK's own
 * registration (pulumi/sdk/novaform-resource.ts: inputs and outputs from
 * the package schema, one-line errors for a missing or unknown input,
 * secrets wrapped and listed in `additionalSecretOutputs`) handed to
 * `pulumi.dynamic.Resource` with the kind's serialized provider
 * (serialized-provider.ts) instead of the plugin.
 *
 * Differences from the SDK classes, all forced by the dynamic provider:
 * - The type token is `pulumi-nodejs:dynamic/novaform:<Kind>` (the dynamic
 *   provider's package, module `novaform`), not `novaform:index:<Kind>`.
 * - `name` is always sent: a dynamic provider is never told the resource's
 *   Pulumi name, so the default (the resource's name) is filled in here.
 * - No `version` option: it would name a version of the `pulumi-nodejs`
 *   provider, not of novaform.
 */

/** `pulumi-nodejs:dynamic/novaform:Flavor`: the type token of `kind`'s dynamic resource. */
export function dynamicToken(kind: Kind): string {
  return `pulumi-nodejs:dynamic/novaform:${kind}`;
}

/** True when `obj` is a registered dynamic resource of `kind` (works across copies of this package, like Pulumi's own checks). */
export function isDynamicResourceOf(obj: unknown, kind: Kind): boolean {
  return typeof obj === 'object' && obj !== null && (obj as { __pulumiType?: unknown }).__pulumiType === dynamicToken(kind);
}

/** A dynamic novaform resource as generic code builds it. */
export type DynamicResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.dynamic.Resource;

/**
 * What `dynamicResource` returns, spelled out: the declarations the build
 * emits (dist/*.d.ts) cannot name an anonymous class that extends
 * `pulumi.dynamic.Resource` (it has private members).
 */
export interface DynamicResourceBase {
  new (name: string, args: object | undefined, opts?: pulumi.CustomResourceOptions): pulumi.dynamic.Resource & {
    /** The object's id in the cloud (a keypair's id is its name). */
    readonly cloudId: pulumi.Output<string>;
    /** The object's name in the cloud. */
    readonly name: pulumi.Output<string>;
  };
  /** The kind, as its module names it. */
  readonly kind: Kind;
  /** The Pulumi type token, `pulumi-nodejs:dynamic/novaform:<Kind>`. */
  readonly typeToken: string;
  /** Pulumi's own check: a CustomResource of any type. */
  isInstance(obj: unknown): obj is pulumi.CustomResource;
}

/**
 * The base class of `kind`'s dynamic resource class.
 *
 * @example
 * export class Flavor extends dynamicResource(flavorHandler.kind) {
 *   constructor(name: string, args: FlavorArgs, opts?: pulumi.CustomResourceOptions) { super(name, args, opts); }
 * }
 */
export function dynamicResource(kind: Kind): DynamicResourceBase {
  const token = dynamicToken(kind);
  return class DynamicNovaformResource extends pulumi.dynamic.Resource {
    /** The kind, as its module names it. */
    static readonly kind: Kind = kind;
    /** The Pulumi type token, `pulumi-nodejs:dynamic/novaform:<Kind>`. */
    static readonly typeToken: string = token;
    /** The object's id in the cloud (a keypair's id is its name). */
    declare public readonly cloudId: pulumi.Output<string>;
    /** The object's name in the cloud. */
    declare public readonly name: pulumi.Output<string>;

    constructor(name: string, args: object | undefined, opts: pulumi.CustomResourceOptions = {}) {
      const given = args as Readonly<Record<string, unknown>> | undefined;
      const registered = registration(kind, name, given, opts);
      const reading = opts.id !== undefined || opts.urn !== undefined;
      const props = reading ? registered.props : { ...registered.props, name: given?.name ?? name };
      const { version: _version, ...options } = registered.opts;
      const provider = kindProvider(kind, pulumi.getProject(), pulumi.getStack());
      super(provider, name, props, options, 'novaform', kind);
    }
  };
}
