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
 * The URL whose version document describes `endpoint` (the first one
 * `discoverVersionRange` asks): the key of the discovery cache.
 *
 * @example
 * versionDocumentUrl('http://c/volume/v3/p1', 'p1')  // 'http://c/volume/v3/'
 */
export function versionDocumentUrl(endpoint: string, projectId?: string): string {
  return versionUrls(endpoint, projectId)[0]!;
}

/**
 * Reads the cloud's microversion range for a service: first the endpoint's
 * own version document (Nova's `GET /v2.1/` answers `{"version": {...}}`),
 * then the service root's version list (`GET /`, often 300 Multiple Choices).
 *
 * `token`, when given, goes with every discovery request. Real Cinder serves
 * `/v3/` behind keystonemiddleware (Zed's api-paste.ini puts `authtoken` in
 * front of the whole `/v3` app), so without a token it answers 401 and
 * keystoneauth then asks again with one (`get_version_data`): two calls.
 * Sending the token we already hold makes it one. Nova's version documents
 * are public and ignore it. The URLs are on the endpoint's own origin, so
 * the token does not leave the cloud.
 *
 * @example
 * await discoverVersionRange(http, 'http://127.0.0.1:8774/v2.1', 2)  // { min: 2.1, max: 2.93 }
 */
export async function discoverVersionRange(http: HttpClient, endpoint: string, major: number, projectId?: string, ctx?: OpContext, token?: string): Promise<VersionRange> {
  const problems: string[] = [];
  const headers = token === undefined ? undefined : { 'X-Auth-Token': token };
  for (const url of versionUrls(endpoint, projectId)) {
    try {
      const response = await http.request({ method: 'GET', url, ctx, headers });
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
