/**
 * The subset of Pulumi's package schema (https://www.pulumi.com/docs/iac/using-pulumi/extending-pulumi/schema/)
 * that novaform emits. Field names are Pulumi's own; what novaform never
 * uses (functions, enums as types, stateInputs, aliases ...) is left out,
 * so these types also say what `packageSchema` can produce.
 */

/** The primitive types of Pulumi's type system that novaform's JSON Schemas map to. */
export type PrimitiveType = 'string' | 'integer' | 'number' | 'boolean';

/**
 * A type: a primitive, an array, a map (object with `additionalProperties`),
 * a reference to a named object type (`#/types/<token>`), or a union.
 * Exactly one of `type`, `$ref` and `oneOf` MUST be set; `items` MUST be set
 * with `type: 'array'` and `additionalProperties` with `type: 'object'`.
 */
export interface TypeSpec {
  readonly type?: PrimitiveType | 'array' | 'object';
  readonly items?: TypeSpec;
  readonly additionalProperties?: TypeSpec;
  readonly $ref?: string;
  readonly oneOf?: readonly TypeSpec[];
}

/** A property of a resource, of the provider, of a config block or of a named object type. */
export interface PropertySpec extends TypeSpec {
  readonly description?: string;
  /** Pulumi keeps the value encrypted in state and masks it in output. */
  readonly secret?: boolean;
  /** Informational: the provider replaces the resource whenever this property changes. */
  readonly willReplaceOnChanges?: boolean;
}

/** A named object type, under `types` as `novaform:index:<Name>`. */
export interface ObjectTypeSpec {
  readonly type: 'object';
  readonly description?: string;
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly required?: readonly string[];
}

/** A resource (and, with the same shape, the provider itself). */
export interface ResourceSpec {
  readonly description?: string;
  readonly inputProperties: Readonly<Record<string, PropertySpec>>;
  readonly requiredInputs: readonly string[];
  /** The outputs. */
  readonly properties: Readonly<Record<string, PropertySpec>>;
  /** Outputs always present. */
  readonly required: readonly string[];
}

/** Provider configuration (`pulumi config set novaform:<name>`). */
export interface ConfigSpec {
  readonly variables: Readonly<Record<string, PropertySpec>>;
  /** Variables that MUST be set. */
  readonly defaults?: readonly string[];
}

/** `language.nodejs`: how a generated Node.js SDK would be packaged. */
export interface NodejsLanguageSpec {
  readonly packageName: string;
  readonly packageDescription?: string;
  readonly dependencies: Readonly<Record<string, string>>;
}

/** A package schema, as `GetSchema` returns it (JSON). */
export interface PulumiPackageSchema {
  readonly name: string;
  readonly version: string;
  readonly displayName: string;
  readonly description: string;
  readonly keywords: readonly string[];
  readonly license: string;
  readonly config: ConfigSpec;
  readonly provider: ResourceSpec;
  /** Keyed by type token, `novaform:index:<Kind>`. */
  readonly resources: Readonly<Record<string, ResourceSpec>>;
  /** Keyed by type token, `novaform:index:<Name>`. */
  readonly types: Readonly<Record<string, ObjectTypeSpec>>;
  readonly language: { readonly nodejs: NodejsLanguageSpec };
}
