import type { ServerGroupPolicy } from '../../../schemas/spec-types.ts';

/** A ServerGroup manifest's spec, resolved. */
export interface ServerGroupSpec {
  /** The group's name in Nova (not unique there): the manifest's metadata.name. */
  readonly name: string;
  readonly policy: ServerGroupPolicy;
  readonly rules: { readonly maxServerPerHost?: number };
  readonly deletionPolicy?: 'Delete' | 'Retain';
}

/** Rules default to none. Pure. */
export function normalizeServerGroupSpec(spec: ServerGroupSpec): ServerGroupSpec {
  return { ...spec, rules: spec.rules?.maxServerPerHost !== undefined ? { maxServerPerHost: spec.rules.maxServerPerHost } : {} };
}
