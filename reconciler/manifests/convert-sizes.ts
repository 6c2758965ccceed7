import type { Kind } from '../../provider/resources/types.ts';
import { diagnostic, type ManifestDiagnostic, type SourceLocation } from './diagnostics.ts';
import { formatPath, type PathSegment } from './json-path.ts';
import { toUnit } from './quantities.ts';
import { sizeFields } from './schema-info.ts';
import type { LocateTarget } from './yaml-locate.ts';

/** Finds the place of a path (its value, or its key) in the document being checked. */
export type Locator = (path: readonly PathSegment[], target?: LocateTarget) => SourceLocation;

/**
 * Replaces each size field of a schema-valid spec (the schema's
 * `mebibytes`/`gibibytes` fields) by its value in the field's unit, and
 * checks the converted value against the field's bounds (the schema bounds
 * only plain integers). Pure.
 *
 * @example
 * convertSizes('Flavor', { vcpus: 1, ram: '2GiB', disk: '16GiB' }, locate).spec
 * // → { vcpus: 1, ram: 2048, disk: 16 }
 */
export function convertSizes(kind: Kind, spec: Record<string, unknown>, locate: Locator): { spec: Record<string, unknown>; diagnostics: ManifestDiagnostic[] } {
  const out = { ...spec };
  const diagnostics: ManifestDiagnostic[] = [];
  for (const [field, size] of sizeFields(kind)) {
    const raw = spec[field];
    if (raw === undefined || (typeof raw !== 'number' && typeof raw !== 'string')) continue;
    const path = ['spec', field];
    const result = toUnit(raw, size.unit);
    if (!result.ok) {
      diagnostics.push(diagnostic(locate(path), 'quantity', formatPath(path), result.message, { hints: result.hints }));
      continue;
    }
    if (typeof raw === 'string' && (result.value < size.minimum || result.value > size.maximum)) {
      const bound = result.value < size.minimum ? `at least ${size.minimum}` : `at most ${size.maximum}`;
      diagnostics.push(diagnostic(locate(path), 'quantity', formatPath(path), `"${raw}" is ${result.value} ${size.unit}; must be ${bound} ${size.unit}`));
      continue;
    }
    out[field] = result.value;
  }
  return { spec: out, diagnostics };
}
