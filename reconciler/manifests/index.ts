/**
 * The manifest loader's public surface: load and validate manifest files
 * offline, and the types of what comes out. See README.md beside this file.
 */
export { loadManifests, loadManifestSources, type LoadOptions, type LoadResult, type ManifestSource } from './load-manifests.ts';
export { ManifestPathError } from './discover-files.ts';
export { formatDiagnostic, type ManifestDiagnostic, type DiagnosticCode, type SourceLocation } from './diagnostics.ts';
export { DEFAULT_LIMITS, type LoadLimits } from './limits.ts';
export { matchesSelector, parseSelector, formatSelector, SelectorSyntaxError, type LabelSelector } from './selector.ts';
export { toUnit } from './quantities.ts';
export type * from './manifest-types.ts';
