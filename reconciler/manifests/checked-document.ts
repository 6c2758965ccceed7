import type { Kind } from '../../provider/resources/types.ts';
import type { Locator } from './convert-sizes.ts';
import type { SourceLocation } from './diagnostics.ts';
import type { ManifestMetadata } from './manifest-types.ts';
import type { SpecReference } from './references.ts';

/** A document that passed every per-document check, before the checks across documents. */
export interface CheckedDocument {
  readonly kind: Kind;
  readonly metadata: ManifestMetadata;
  /** The spec with sizes converted and the public key read. */
  readonly spec: Record<string, unknown>;
  /** Where the document starts. Lazy like `locate`: read it only for a diagnostic. */
  readonly location: SourceLocation;
  /**
   * Positions inside the document. Lazy (see lazy-locator.ts): the syntax
   * tree is dropped once the document is checked, so only diagnostics found
   * later pay for parsing the file again.
   */
  readonly locate: Locator;
  /** The spec's references; each one's `location` is lazy like `locate`. */
  readonly references: readonly LocatedReference[];
  /** Whether `--selector` picked it (true without a selector). */
  readonly selected: boolean;
}

/** A reference and the place it is written. */
export interface LocatedReference extends SpecReference {
  readonly location: SourceLocation;
}

/** `Kind/name`, the identity of a manifest within a stack. */
export const documentKey = (doc: { kind: Kind; metadata: { name: string } }) => `${doc.kind}/${doc.metadata.name}`;
