/**
 * What a kind module tells the manifest loader about its manifests beyond
 * the JSON Schema (kind.ts: `checkManifest`, `checkManifestSet`,
 * `manifestFiles`). The loader turns these into located diagnostics
 * (file:line:column, JSON path, code, hints); a kind only names paths.
 */

/** Path segments from a document's root, e.g. ['spec', 'volumes', 0, 'volume']. */
export type ManifestPath = readonly (string | number)[];

/** A problem a kind finds in one manifest spec. */
export interface ManifestIssue {
  readonly path: ManifestPath;
  /** A stable diagnostic code (`flavor-access`): part of `--output json`, never renamed. */
  readonly code: string;
  /** What is wrong, without the path. */
  readonly message: string;
  readonly hints?: readonly string[];
  /** Where the diagnostic points: the field's value (default) or its key (a reserved key, a field that must not be there). */
  readonly at?: 'key' | 'value';
}

/** A problem across the manifests of one kind: `manifest` indexes the list the kind was given. */
export interface ManifestSetIssue extends ManifestIssue {
  readonly manifest: number;
  /** Other places that explain it (where a volume is first attached). */
  readonly related?: readonly { readonly manifest: number; readonly path: ManifestPath; readonly message: string }[];
}

/**
 * A spec field that names a local file (absolute, or relative to the
 * manifest's directory) whose text the loader reads into another field,
 * bounded by the loader's `maxPublicKeyFileBytes` limit and checked to be
 * UTF-8. The loader reports every problem with the file at `field`, with
 * `code`, its message prefixed by the path as written.
 */
export interface ManifestFileField {
  /** The field holding the path: 'publicKeyFile'. */
  readonly field: string;
  /** The field the checked text goes into: 'publicKey'. */
  readonly into: string;
  /** Words for messages: 'a public key file'. */
  readonly noun: string;
  /** What the file holds, for the hint when it is not text: 'the contents of a .pub file or a PEM certificate'. */
  readonly holds: string;
  readonly code: string;
  /**
   * The value to store, or what is wrong with the text. `spec` is the
   * schema-valid spec, `written` the path as written. MUST be pure and
   * MUST NOT echo the text (it may be a secret written by mistake).
   */
  check(text: string, spec: Readonly<Record<string, unknown>>, written: string): { readonly value: string } | { readonly message: string; readonly hints: readonly string[] };
}
