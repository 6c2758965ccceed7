import { dirname } from 'node:path';
import type { CheckedDocument } from './checked-document.ts';
import { convertSizes, type Locator } from './convert-sizes.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import type { LoadLimits } from './limits.ts';
import { kindModule, referencesOf } from '../../provider/resources/registry.ts';
import { readManifestFiles } from './manifest-files.ts';
import type { ManifestMetadata } from './manifest-types.ts';
import type { ParsedDocument } from './parse-documents.ts';
import { schemaDiagnostics } from './schema-errors.ts';
import { validateDocument } from './schema-validator.ts';
import { matchesSelector, type LabelSelector } from './selector.ts';
import { checkSpec } from './spec-checks.ts';
import { describeValue } from './value-text.ts';

export interface DocumentOutcome {
  /** Set when the document passed every check. */
  readonly doc?: CheckedDocument;
  readonly diagnostics: ManifestDiagnostic[];
}

/**
 * Every check of one document on its own: the schema first (nothing else
 * runs on a document of the wrong shape), then sizes, the files the spec
 * names (a keypair's public key file) and the spec rules. `absolutePath` is the file's real path, against
 * which `publicKeyFile` is resolved; `locateLater` finds positions once the
 * syntax tree is gone, and is what the result keeps.
 *
 * @example
 * const { doc, diagnostics } = await checkDocument(parsed, '/repo/m/flavors.yaml', DEFAULT_LIMITS, [], locateLater)
 */
export async function checkDocument(parsed: ParsedDocument, absolutePath: string, limits: LoadLimits, selector: LabelSelector, locateLater: Locator): Promise<DocumentOutcome> {
  const locate = parsed.locate;
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const message = `a manifest document is a mapping with apiVersion, kind, metadata and spec; got ${describeValue(value)}`;
    return { diagnostics: [diagnostic(parsed.location, 'not-a-mapping', '', message)] };
  }
  const check = validateDocument(value);
  if (check.errors.length > 0 || !check.kind) {
    return { diagnostics: schemaDiagnostics(check.errors, { locate, value, kind: check.kind }) };
  }
  const kind = check.kind;
  const document = value as { metadata: ManifestMetadata; spec: Record<string, unknown> };
  const sizes = convertSizes(kind, document.spec, locate);
  const files = await readManifestFiles(kindModule(kind).manifestFiles ?? [], sizes.spec, dirname(absolutePath), limits, locate);
  const spec = files.spec;
  const diagnostics = [...sizes.diagnostics, ...files.diagnostics, ...checkSpec(kind, spec, locate)];
  if (diagnostics.length > 0) return { diagnostics };
  return {
    doc: {
      kind,
      metadata: document.metadata,
      spec,
      // Places are getters: a valid document never needs one, and finding one may parse its file again.
      get location() {
        return locateLater([]);
      },
      locate: locateLater,
      references: referencesOf(kind, spec).map((ref) => ({
        ...ref,
        get location() {
          return locateLater(ref.path);
        },
      })),
      selected: matchesSelector(document.metadata.labels, selector),
    },
    diagnostics,
  };
}
