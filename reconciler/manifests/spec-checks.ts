import type { ManifestIssue } from '../../provider/resources/manifest-checks.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import { OWNER_NAME_KEY, OWNER_STACK_KEY } from '../../provider/resources/types.ts';
import type { Locator } from './convert-sizes.ts';
import { diagnostic, type DiagnosticCode, type ManifestDiagnostic, type RelatedLocation } from './diagnostics.ts';
import { formatPath, type PathSegment } from './json-path.ts';

/**
 * Rules about one spec that JSON Schema cannot say (or cannot say in words
 * a person understands). The loader's own rule is that metadata keys
 * starting with `novaform:` are reserved for ownership, in every kind;
 * everything else is the kind module's `checkManifest` (a flavor access
 * list without a private flavor, Nova's user-data limit, ...). Pure.
 */

/** Prefix of the keys novaform writes to mark ownership (novaform:stack, novaform:name). */
const RESERVED_PREFIX = 'novaform:';
const OWNERSHIP_KEYS = [OWNER_STACK_KEY, OWNER_NAME_KEY].join(', ');

/**
 * A kind module's issue as a located diagnostic. A kind's codes are part
 * of the same stable contract as the loader's (DiagnosticCode lists them).
 *
 * @example
 * issueDiagnostic({ path: ['spec', 'access'], code: 'flavor-access', message: '…', at: 'key' }, locate).line // 9
 */
export function issueDiagnostic(issue: ManifestIssue, locate: Locator, related: readonly RelatedLocation[] = []): ManifestDiagnostic {
  return diagnostic(locate(issue.path, issue.at ?? 'value'), issue.code as DiagnosticCode, formatPath(issue.path), issue.message, { hints: issue.hints ?? [], related });
}

/**
 * Every problem in `spec` of `kind` beyond the schema.
 *
 * @example
 * checkSpec(doc.kind, { vcpus: 1, ram: 512, disk: 1, access: ['p1'] }, locate)
 * // → [{ path: 'spec.access', code: 'flavor-access', message: 'a public flavor has no access list: …', ... }]
 */
export function checkSpec(kind: string, spec: Record<string, unknown>, locate: Locator): ManifestDiagnostic[] {
  const found: ManifestDiagnostic[] = [];
  const metadata = spec.metadata as Record<string, unknown> | undefined;
  for (const key of Object.keys(metadata ?? {})) {
    if (!key.startsWith(RESERVED_PREFIX)) continue;
    const path: PathSegment[] = ['spec', 'metadata', key];
    found.push(diagnostic(locate(path, 'key'), 'reserved-key', formatPath(path), `metadata keys starting with '${RESERVED_PREFIX}' are reserved for ownership (${OWNERSHIP_KEYS})`, {
      hints: ['novaform sets them itself; pick another prefix'],
    }));
  }
  for (const issue of kindModule(kind).checkManifest?.(spec) ?? []) found.push(issueDiagnostic(issue, locate));
  return found;
}
