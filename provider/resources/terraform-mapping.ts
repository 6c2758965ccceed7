import type { RefTarget } from './kind.ts';

/**
 * The types of a kind's Terraform mapping (the KindModule's optional
 * `terraform` member, kind.ts): how one manifest becomes resources of
 * terraform-provider-openstack, for `novaform export terraform`. A mapping
 * is pure data: it never imports cdktf. The generic synthesis
 * (reconciler/export/terraform/) turns the values below into cdktf
 * constructs and tokens, so `novaform --help` and every other command pay
 * nothing for it.
 */

/** A reference to an attribute of the main Terraform resource of another manifest of the set: a cdktf token once synthesized. */
export interface TerraformReference {
  readonly $terraformReference: { readonly target: RefTarget; readonly name: string; readonly attribute: string };
}

/**
 * A value that MUST NOT be written into the configuration (user data is a
 * secret in novaform: DESIGN.md "Safety rules"): it becomes a sensitive
 * Terraform variable the operator sets (`TF_VAR_<name>`).
 */
export interface TerraformSecret {
  readonly $terraformSecret: { readonly variable: string; readonly description: string };
}

/** An attribute value: JSON, references and secrets anywhere inside. */
export type TerraformValue =
  | string | number | boolean
  | TerraformReference | TerraformSecret
  | readonly TerraformValue[]
  | { readonly [key: string]: TerraformValue };

/** One Terraform resource a manifest becomes. */
export interface TerraformResourceOf {
  /** The provider's resource type, e.g. `openstack_compute_flavor_v2`. */
  readonly type: string;
  /**
   * Empty for the manifest's main resource (the one references point at);
   * for the others (a flavor's access grants, a server's attachments) a
   * suffix that, after the manifest's name, names the resource uniquely.
   */
  readonly suffix: string;
  /** Terraform attribute names (the provider's schema) and values. Undefined values are left out. */
  readonly attributes: Readonly<Record<string, TerraformValue | undefined>>;
  /**
   * The id Terraform's `import` block needs to adopt the existing object
   * (the provider's importer format: `flavorId/projectId` for an access
   * grant), or undefined when the object does not exist yet.
   */
  readonly importId?: string;
  /**
   * Attributes Terraform MUST NOT diff once it adopted the object:
   * ForceNew attributes the provider's importer cannot read back (a
   * server's user data), which would otherwise plan a replacement.
   */
  readonly ignoreChanges?: readonly string[];
}

/** What Terraform cannot say about one manifest field, with why. */
export interface TerraformNote {
  /** The manifest path, e.g. `spec.description`. */
  readonly field: string;
  readonly reason: string;
}

/** A manifest as Terraform resources, and the notes on what they leave out. */
export interface TerraformExport {
  readonly resources: readonly TerraformResourceOf[];
  readonly notes: readonly TerraformNote[];
}

/** What a mapping may ask about the rest of the export. */
export interface TerraformContext {
  /**
   * The value for a reference a manifest writes (`flavor: m1.small`): a
   * reference to `attribute` of the defining manifest's main resource when
   * the set defines it (for a target another kind `provides`, such as an
   * aggregate's availability zone, that kind's `provides` attribute), else
   * the cloud object's id (`attribute` 'id') or name (any other attribute)
   * the plan pinned, else the text as written.
   */
  reference(target: RefTarget, written: string, attribute: string): TerraformValue;
  /** The cloud id the plan found for a reference (a managed object or a pinned one), or undefined (not created yet). */
  cloudId(target: RefTarget, written: string): string | undefined;
}

/**
 * A kind's Terraform mapping (kind.ts `terraform`).
 *
 * Contract:
 * - `toTerraform` MUST be pure; `observed` is the cloud object the plan
 *   matched (undefined: it does not exist yet, and nothing gets an import id);
 * - it MUST map every field of the kind's spec to attributes or notes,
 *   except `deletionPolicy`, `managementPolicy` and `import`, which the
 *   generic synthesis handles for every kind alike;
 * - attribute names and types MUST be the provider's
 *   (test/export/terraform/provider-schema.json records the ones used);
 * - ownership marks (`novaform:*` keys) MUST NOT be exported.
 */
export interface TerraformMapping<ManifestSpec = any, Observed = any> {
  /** The type of the main resource (what references point at). */
  readonly resourceType: string;
  /** For each cloud-only target the kind's manifests provide (kind.ts `provides`), the main resource's attribute holding it: `{ AvailabilityZone: 'zone' }`. */
  readonly provides?: Readonly<Partial<Record<RefTarget, string>>>;
  toTerraform(manifest: { readonly name: string; readonly spec: ManifestSpec }, observed: Observed | undefined, context: TerraformContext): TerraformExport;
}

/** True when `value` is a TerraformReference. */
export function isTerraformReference(value: unknown): value is TerraformReference {
  return typeof value === 'object' && value !== null && '$terraformReference' in value;
}

/** True when `value` is a TerraformSecret. */
export function isTerraformSecret(value: unknown): value is TerraformSecret {
  return typeof value === 'object' && value !== null && '$terraformSecret' in value;
}

/**
 * A Terraform-safe identifier part made of `text` (letters, digits, `_`,
 * `-`; never starting with a digit or `-`). Pure.
 *
 * @example
 * terraformIdentifier('qs.small') // 'qs_small'
 * terraformIdentifier('1gpu')     // '_1gpu'
 */
export function terraformIdentifier(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}
