import type { RefTarget } from '../../../provider/resources/kind.ts';
import { KIND_MODULES } from '../../../provider/resources/registry.ts';
import { terraformIdentifier, type TerraformContext, type TerraformNote, type TerraformResourceOf } from '../../../provider/resources/terraform-mapping.ts';
import type { Kind } from '../../../provider/resources/types.ts';

/**
 * The export as plain data, before cdktf: every manifest's Terraform
 * resources with their Terraform names, import ids and lifecycle, and the
 * notes on what Terraform cannot say. Pure: the kinds' mappings do the
 * per-kind work (KindModule `terraform`); this file never names a kind.
 */

/** A manifest to export, as loaded. */
export interface ExportManifest {
  readonly kind: Kind;
  readonly name: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** What the read-only plan found, per manifest and per reference nobody declares. */
export interface ExportFindings {
  /** The cloud object the plan matched for `Kind/name`, or undefined (not created yet). */
  observed(kind: Kind, name: string): { readonly id: string } | undefined;
  /** The object the plan pinned for a reference no manifest defines (`Image/cirros`), or undefined. */
  pinned(target: RefTarget, written: string): { readonly id: string; readonly name: string } | undefined;
}

/** One Terraform resource of the model. */
export interface ModelResource extends TerraformResourceOf {
  /** The Terraform resource name, unique for its type. */
  readonly terraformName: string;
  /** Terraform's `lifecycle.prevent_destroy` (deletionPolicy Retain, main resources only). */
  readonly preventDestroy: boolean;
}

/** One manifest's part of the model. */
export interface ModelEntry {
  readonly kind: Kind;
  readonly name: string;
  readonly resources: readonly ModelResource[];
  readonly notes: readonly TerraformNote[];
}

export interface TerraformModel {
  readonly entries: readonly ModelEntry[];
  /** `Kind/name` (or `Target/name` a manifest provides) -> the main resource's address parts; undefined for a manifest exported as no resource. */
  resolve(target: RefTarget, name: string): { readonly type: string; readonly terraformName: string } | undefined;
}

/** A manifest whose kind has no Terraform mapping. */
export class NotExportableError extends Error {
  constructor(kind: string, name: string) {
    super(`${kind} ${name}: this kind has no Terraform mapping, so the manifests cannot be exported`);
    this.name = 'NotExportableError';
  }
}

const key = (target: string, name: string) => `${target}/${name}`;

/** Manifests in plan order (kind rank), then by name: a stable output whatever the files' order. */
function ordered(manifests: readonly ExportManifest[]): ExportManifest[] {
  const rank = new Map(KIND_MODULES.map((m, i) => [m.kind as string, i]));
  return [...manifests].sort((a, b) => (rank.get(a.kind)! - rank.get(b.kind)!) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Hands out Terraform names, unique per resource type (`qs.web` and `qs_web` become `qs_web` and `qs_web_2`). */
function namer(): (type: string, wanted: string) => string {
  const taken = new Set<string>();
  return (type, wanted) => {
    let name = wanted;
    for (let n = 2; taken.has(key(type, name)); n++) name = `${wanted}_${n}`;
    taken.add(key(type, name));
    return name;
  };
}

/**
 * Notes every kind shares: its policies, and whether Terraform can adopt the
 * object. A manifest its mapping exports as no resource (its fields' notes
 * say why) gets one note instead: Terraform leaves the object alone, so its
 * policies and whether it exists say nothing about Terraform.
 */
function commonNotes(spec: Readonly<Record<string, unknown>>, exists: boolean, exported: boolean): TerraformNote[] {
  if (!exported) return [{ field: 'metadata.name', reason: 'exported as no resource (the notes on its fields say why): Terraform neither changes nor watches it, and the configuration does not name it' }];
  const notes: TerraformNote[] = [];
  if (spec.deletionPolicy === 'Retain') {
    notes.push({ field: 'spec.deletionPolicy', reason: 'Retain is lifecycle prevent_destroy: Terraform refuses a plan that destroys it, where novaform would leave it in the cloud; to let go of it, `terraform state rm` it' });
  }
  if (spec.managementPolicy === 'observe') {
    notes.push({ field: 'spec.managementPolicy', reason: 'Terraform has no observe-only mode: it changes the object to match the configuration' });
  }
  if (!exists) notes.push({ field: 'metadata.name', reason: 'not created yet (the plan creates it): no import block, `terraform apply` creates it' });
  return notes;
}

/**
 * The model of `manifests` as terraform-provider-openstack resources.
 *
 * @throws NotExportableError when a manifest's kind has no mapping.
 *
 * @example
 * const model = buildTerraformModel(manifests, { observed: () => undefined, pinned: () => ({ id: 'img-1', name: 'cirros' }) });
 * model.entries[0].resources[0].terraformName // 'qs_small'
 */
export function buildTerraformModel(manifests: readonly ExportManifest[], findings: ExportFindings): TerraformModel {
  const modules = new Map(KIND_MODULES.map((m) => [m.kind as string, m]));
  const sorted = ordered(manifests);
  const declared = new Set(sorted.map((m) => key(m.kind, m.name)));
  const name = namer();
  const mains = new Map<string, { type: string; terraformName: string }>();
  // Names first, so references resolve whatever the order.
  for (const m of sorted) {
    const mapping = modules.get(m.kind)?.terraform;
    if (!mapping) throw new NotExportableError(m.kind, m.name);
    mains.set(key(m.kind, m.name), { type: mapping.resourceType, terraformName: name(mapping.resourceType, terraformIdentifier(m.name)) });
  }
  // What manifests provide (an aggregate's zone): target/name -> the provider's main resource and attribute.
  const provided = new Map<string, { kind: Kind; name: string; attribute: string }>();
  for (const m of sorted) {
    const module = modules.get(m.kind)!;
    for (const ref of module.provides?.(m.spec) ?? []) {
      const attribute = module.terraform?.provides?.[ref.target];
      if (attribute !== undefined && !provided.has(key(ref.target, ref.name))) provided.set(key(ref.target, ref.name), { kind: m.kind, name: m.name, attribute });
    }
  }
  const context: TerraformContext = {
    reference(target, written, attribute) {
      if (declared.has(key(target, written))) return { $terraformReference: { target, name: written, attribute } };
      const provider = provided.get(key(target, written));
      if (provider) return { $terraformReference: { target: provider.kind, name: provider.name, attribute: provider.attribute } };
      const pinned = findings.pinned(target, written);
      if (pinned) return attribute === 'id' ? pinned.id : pinned.name;
      return written;
    },
    cloudId(target, written) {
      if (declared.has(key(target, written))) return findings.observed(target as Kind, written)?.id;
      return findings.pinned(target, written)?.id;
    },
  };
  const entries = sorted.map((m): ModelEntry => {
    const module = modules.get(m.kind)!;
    const observed = findings.observed(m.kind, m.name);
    const exported = module.terraform!.toTerraform({ name: m.name, spec: m.spec }, observed, context);
    const main = mains.get(key(m.kind, m.name))!;
    const resources = exported.resources.map((r): ModelResource => ({
      ...r,
      terraformName: r.suffix === '' ? main.terraformName : name(r.type, `${main.terraformName}_${r.suffix}`),
      preventDestroy: r.suffix === '' && m.spec.deletionPolicy === 'Retain',
    }));
    return { kind: m.kind, name: m.name, resources, notes: [...exported.notes, ...commonNotes(m.spec, observed !== undefined, resources.length > 0)] };
  });
  // A manifest exported as no resource has no main resource to refer to.
  const withMain = new Set(entries.filter((e) => e.resources.some((r) => r.suffix === '')).map((e) => key(e.kind, e.name)));
  return {
    entries,
    resolve: (target, name) => (withMain.has(key(target, name)) ? mains.get(key(target, name)) : undefined),
  };
}
