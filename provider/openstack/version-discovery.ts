import { MicroversionError } from './errors.ts';
import type { HttpClient } from './http-client.ts';
import { compareMicroversions, parseMicroversion, type VersionRange } from './microversion.ts';
import { isCancellation, type OpContext } from './op-context.ts';

interface VersionEntry {
  id?: string;
  status?: string;
  version?: string;
  min_version?: string;
  max_version?: string;
}

/** Entries of a version document: `{"version": {...}}`, `{"versions": [...]}` or Keystone's `{"versions": {"values": [...]}}`. */
function entriesOf(body: unknown): VersionEntry[] {
  const doc = body as { version?: VersionEntry; versions?: VersionEntry[] | { values?: VersionEntry[] } } | undefined;
  if (doc?.version && typeof doc.version === 'object') return [doc.version];
  if (Array.isArray(doc?.versions)) return doc.versions;
  if (Array.isArray(doc?.versions?.values)) return doc.versions.values;
  return [];
}

/**
 * The microversion range of the entry for API `major` (v2.1 for compute,
 * v3.0 for volume). An entry whose `version` is empty predates
 * microversions: its range is just its base version.
 */
export function rangeFromVersionDocument(body: unknown, major: number): VersionRange | undefined {
  const candidates = entriesOf(body).filter((e) => typeof e.id === 'string' && new RegExp(`^v${major}(\\.|$)`).test(e.id));
  const ranges = candidates.map((entry) => {
    const base = parseMicroversion(entry.id!.slice(1).includes('.') ? entry.id!.slice(1) : `${entry.id!.slice(1)}.0`);
    const max = entry.version || entry.max_version;
    return { min: entry.min_version ? parseMicroversion(entry.min_version) : base, max: max ? parseMicroversion(max) : base };
  });
  ranges.sort((a, b) => compareMicroversions(b.max, a.max));
  return ranges[0];
}

/** The service's own version URL: the endpoint without a trailing project id (Cinder's `/v3/{project_id}`). */
function versionUrls(endpoint: string, projectId: string | undefined): string[] {
  const url = new URL(endpoint);
  let path = url.pathname.replace(/\/+$/, '');
  const last = path.split('/').pop() ?? '';
  if ((projectId && last === projectId) || /^[%$]\((project|tenant)_id\)s$/.test(last)) path = path.slice(0, -last.length - 1);
  const root = path.replace(/\/v\d+(\.\d+)?$/, '');
  return [...new Set([`${url.origin}${path}/`, `${url.origin}${root}/`])];
}

/**
 * Reads the cloud's microversion range for a service: first the endpoint's
 * own version document (Nova's `GET /v2.1/` answers `{"version": {...}}`),
 * then the service root's version list (`GET /`, often 300 Multiple Choices).
 *
 * @example
 * await discoverVersionRange(http, 'http://127.0.0.1:8774/v2.1', 2)  // { min: 2.1, max: 2.93 }
 */
export async function discoverVersionRange(http: HttpClient, endpoint: string, major: number, projectId?: string, ctx?: OpContext): Promise<VersionRange> {
  const problems: string[] = [];
  for (const url of versionUrls(endpoint, projectId)) {
    try {
      const response = await http.request({ method: 'GET', url, ctx });
      const range = rangeFromVersionDocument(response.body, major);
      if (range) return range;
      problems.push(`${url}: no v${major} entry`);
    } catch (error) {
      if (isCancellation(error)) throw error;
      problems.push(`${url}: ${(error as Error).message}`);
    }
  }
  throw new MicroversionError(`cannot read the API version document for ${endpoint}: ${problems.join('; ')}`);
}
