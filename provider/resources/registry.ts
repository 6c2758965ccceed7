import { aggregateHandler } from './aggregate/aggregate-handler.ts';
import { flavorHandler } from './flavor/flavor-handler.ts';
import { computeServiceHandler } from './compute-service/compute-service-handler.ts';
import type { AnyKindModule, SpecReference } from './kind.ts';
import { keypairHandler } from './keypair/keypair-handler.ts';
import { quotaHandler } from './quota/quota-handler.ts';
import { serverGroupHandler } from './server-group/server-group-handler.ts';
import { serverHandler } from './server/server-handler.ts';
import type { Kind } from './types.ts';
import { volumeHandler } from './volume/volume-handler.ts';

/**
 * Every kind novaform manages, one module each. This is the only list of
 * kinds generic code reads: adding a kind is its folder, one line here,
 * its schema, and the engine's API.
 */
const MODULES: readonly AnyKindModule[] = [quotaHandler, flavorHandler, keypairHandler, volumeHandler, aggregateHandler, serverGroupHandler, serverHandler, computeServiceHandler];

/** The modules in plan order (what others refer to first). */
export const KIND_MODULES: readonly AnyKindModule[] = [...MODULES].sort((a, b) => a.rank - b.rank);

const BY_KIND = new Map<string, AnyKindModule>(KIND_MODULES.map((m) => [m.kind, m]));

/** The kinds, in plan order. */
export const KIND_NAMES: readonly Kind[] = KIND_MODULES.map((m) => m.kind);

/** True when `name` is a kind novaform manages. */
export function isKind(name: string): name is Kind {
  return BY_KIND.has(name);
}

/**
 * The module of `kind`; throws for a name that is not a kind (a bug: manifests are validated first).
 *
 * @example
 * kindModule('Flavor').noun // 'flavor'
 */
export function kindModule(kind: string): AnyKindModule {
  const found = BY_KIND.get(kind);
  if (!found) throw new Error(`'${kind}' is not a novaform kind (expected one of ${KIND_NAMES.join(', ')})`);
  return found;
}

const REFERENCES = new WeakMap<object, readonly SpecReference[]>();

/**
 * The references a manifest spec of `kind` makes (its module's
 * `references`), worked out once per spec object: the loader, pinning, the
 * plan's edges and its change labels each ask, for every manifest of a
 * 10,000-manifest stack. Sound because a loaded spec is never changed.
 *
 * @example
 * referencesOf('Server', manifest.spec).map((r) => r.target) // ['Flavor', 'Image', 'Keypair']
 */
export function referencesOf(kind: string, spec: object): readonly SpecReference[] {
  let refs = REFERENCES.get(spec);
  if (!refs) {
    refs = kindModule(kind).references(spec as Record<string, unknown>);
    REFERENCES.set(spec, refs);
  }
  return refs;
}
