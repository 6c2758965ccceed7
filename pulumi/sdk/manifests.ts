import * as pulumi from '@pulumi/pulumi';
import { kindModule } from '../../provider/resources/registry.ts';
import { loadManifests, ManifestPathError, type Manifest, type ManifestDiagnostic } from '../../reconciler/manifests/index.ts';
import { NOT_PULUMI_INPUTS } from '../schema/package-schema.ts';
import { RESOURCE_CLASSES } from './resources.ts';

/**
 * The `Manifests` component: every document of a novaform manifest set as
 * a Pulumi resource, so a team moves between YAML and Pulumi without
 * rewriting. The manifests are loaded and validated by the YAML path's own
 * loader; an invalid set registers nothing.
 */

export interface ManifestsArgs {
  /** Manifest files or directories, relative to the program's working directory (Pulumi runs a program in its project directory). */
  readonly path: string | readonly string[];
}

/** `Kind/name` -> the resource registered for that manifest. */
export type ManifestResources = Readonly<Record<string, pulumi.CustomResource>>;

/** One diagnostic on one line: `file:line:column: error: path: message (hint: ...)`. */
function oneLine(d: ManifestDiagnostic): string {
  const subject = d.path === '' ? d.message : `${d.path}: ${d.message}`;
  return [`${d.file}:${d.line}:${d.column}: ${d.severity}: ${subject}`, ...d.hints.map((h) => `(hint: ${h})`)].join(' ');
}

/**
 * A manifest's Pulumi inputs: `name` and its spec, without the fields
 * Pulumi does not take (NOT_PULUMI_INPUTS) and without the file fields the
 * loader has already read into another field (a keypair's `publicKeyFile`
 * is in `publicKey`; the plugin runs elsewhere and would read it again).
 *
 * @example
 * manifestInputs(keypair) // { name: 'quickstart', publicKey: 'ssh-ed25519 AAAA...' }
 */
export function manifestInputs(manifest: Manifest): Record<string, unknown> {
  const dropped = new Set([...NOT_PULUMI_INPUTS, ...(kindModule(manifest.kind).manifestFiles ?? []).map((f) => f.field)]);
  const inputs: Record<string, unknown> = { name: manifest.metadata.name };
  for (const [field, value] of Object.entries(manifest.spec)) if (!dropped.has(field)) inputs[field] = value;
  return inputs;
}

/** `Kind/name`, the key of `Manifests.resources` (and of the planner's work). */
function keyOf(ref: { readonly kind: string; readonly name: string }): string {
  return `${ref.kind}/${ref.name}`;
}

/** The manifests ordered so that each comes after the manifests it depends on (the loader refuses cycles). */
function dependencyOrder(manifests: readonly Manifest[]): Manifest[] {
  const byKey = new Map(manifests.map((m) => [keyOf({ kind: m.kind, name: m.metadata.name }), m]));
  const ordered: Manifest[] = [];
  const seen = new Set<string>();
  const visit = (manifest: Manifest): void => {
    const key = keyOf({ kind: manifest.kind, name: manifest.metadata.name });
    if (seen.has(key)) return;
    seen.add(key);
    for (const ref of manifest.dependsOn) {
      const target = byKey.get(keyOf(ref));
      if (target) visit(target);
    }
    ordered.push(manifest);
  };
  for (const manifest of manifests) visit(manifest);
  return ordered;
}

/**
 * Registers one novaform resource per manifest document under `path`:
 * resource name and `name` input = `metadata.name`, the other inputs its
 * spec, `dependsOn` = the manifests it refers to (a server's flavor,
 * keypair, volumes, the aggregate of its zone). References to objects no
 * manifest defines are resolved in the cloud by the provider, as with
 * `novaform apply`.
 *
 * Loading is asynchronous: `resources` is filled when `ready` resolves.
 * An invalid manifest set (or a missing path) rejects `ready` and fails the
 * program with one line per diagnostic (`file:line:column: error: ...`),
 * registering nothing. Two Manifests components MUST NOT load manifests of
 * the same kind and name: Pulumi's resource names would collide.
 *
 * @example
 * const quickstart = new Manifests('quickstart', { path: '../../quickstart' });
 * export const webId = quickstart.ready.then((r) => (r['Server/qs-web'] as Server).cloudId);
 */
export class Manifests extends pulumi.ComponentResource<ManifestResources> {
  /** `Kind/name` -> resource; complete once `ready` resolves. */
  public readonly resources: ManifestResources;
  /** Resolves with `resources` once every manifest is registered; rejects for an invalid set. */
  public readonly ready: Promise<ManifestResources>;

  constructor(name: string, args: ManifestsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('novaform:index:Manifests', name, { path: args.path }, opts);
    // initialize() has started but is waiting on the files: it fills this
    // object after the constructor returns, and resolves `ready` with it.
    this.resources = {};
    this.ready = this.getData();
  }

  protected override async initialize(args: pulumi.Inputs): Promise<ManifestResources> {
    // Loading reads files, not RPCs: keep the program from ending before the resources are registered.
    const done = pulumi.runtime.rpcKeepAlive();
    try {
      const paths = typeof args.path === 'string' ? [args.path] : [...(args.path as readonly string[])];
      const loaded = await loadManifests(paths).catch((error: unknown) => {
        throw error instanceof ManifestPathError ? new pulumi.RunError(`novaform Manifests: ${error.message}`) : error;
      });
      if (loaded.errors.length > 0) {
        throw new pulumi.RunError([`novaform Manifests: the manifests under ${paths.join(', ')} are invalid; nothing was registered:`, ...loaded.errors.map(oneLine)].join('\n'));
      }
      for (const warning of loaded.warnings) void pulumi.log.warn(oneLine(warning), this);
      const registered = this.resources as Record<string, pulumi.CustomResource>;
      for (const manifest of dependencyOrder(loaded.manifests)) {
        const dependsOn = manifest.dependsOn.map((ref) => registered[keyOf(ref)]).filter((r): r is pulumi.CustomResource => r !== undefined);
        const Class = RESOURCE_CLASSES[manifest.kind] as unknown as new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
        registered[keyOf({ kind: manifest.kind, name: manifest.metadata.name })] = new Class(manifest.metadata.name, manifestInputs(manifest), { parent: this, dependsOn });
      }
      return registered;
    } finally {
      done();
    }
  }
}
