import { ApiError, badRequest } from './api-error.ts';

/** A parsed microversion; compare with `atLeast`. */
export interface Microversion {
  readonly major: number;
  readonly minor: number;
}

/** The range a service advertises and the header names it answers with. */
export interface MicroversionRange {
  /** Service type in `OpenStack-API-Version: <service> X.Y` (compute, volume). */
  readonly service: string;
  readonly min: Microversion;
  readonly max: Microversion;
  /** Legacy header, e.g. `X-OpenStack-Nova-API-Version`; absent for Cinder. */
  readonly legacyHeader?: string;
}

export const COMPUTE_VERSIONS: MicroversionRange = {
  service: 'compute',
  min: { major: 2, minor: 1 },
  max: { major: 2, minor: 100 },
  legacyHeader: 'X-OpenStack-Nova-API-Version',
};

export const VOLUME_VERSIONS: MicroversionRange = {
  service: 'volume',
  min: { major: 3, minor: 0 },
  max: { major: 3, minor: 70 },
};

const VERSION_PATTERN = /^([1-9]\d*)\.([1-9]\d*|0)$/;

export function formatVersion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

export function compareVersions(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** True when `v` is at least `major.minor`; `atLeast(v, 2, 55)`. */
export function atLeast(v: Microversion, major: number, minor: number): boolean {
  return compareVersions(v, { major, minor }) >= 0;
}

/**
 * The value the client asked for, following microversion-parse: the
 * `OpenStack-API-Version` header wins (the last entry for our service in a
 * comma-folded value), then the legacy header; `undefined` when absent.
 */
export function requestedVersion(headers: Record<string, string | string[] | undefined>, range: MicroversionRange): string | undefined {
  const joined = (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const modern = joined('openstack-api-version');
  if (modern) {
    let found: string | undefined;
    for (const part of modern.split(',')) {
      const [service, version] = part.trim().split(/\s+/, 2);
      if (service?.toLowerCase() === range.service && version) found = version;
    }
    if (found) return found;
  }
  if (range.legacyHeader) {
    const legacy = joined(range.legacyHeader);
    if (legacy) return legacy.split(',').pop()!.trim();
  }
  return undefined;
}

/**
 * Resolves the request's microversion: absent -> the minimum, `latest` ->
 * the maximum; a malformed value -> 400; outside the range -> 406.
 */
export function negotiateVersion(requested: string | undefined, range: MicroversionRange): Microversion {
  if (requested === undefined) return range.min;
  if (requested.toLowerCase() === 'latest') return range.max;
  const match = VERSION_PATTERN.exec(requested);
  if (!match) {
    throw badRequest(`API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`);
  }
  const version = { major: Number(match[1]), minor: Number(match[2]) };
  if (compareVersions(version, range.min) < 0 || compareVersions(version, range.max) > 0) {
    throw new ApiError(
      406,
      `Version ${requested} is not supported by the API. Minimum is ${formatVersion(range.min)} and maximum is ${formatVersion(range.max)}.`,
    );
  }
  return version;
}

/** Response headers every versioned response carries, errors included. */
export function versionHeaders(version: Microversion, range: MicroversionRange): Record<string, string> {
  const headers: Record<string, string> = {
    'OpenStack-API-Version': `${range.service} ${formatVersion(version)}`,
    Vary: range.legacyHeader ? `OpenStack-API-Version, ${range.legacyHeader}` : 'OpenStack-API-Version',
  };
  if (range.legacyHeader) headers[range.legacyHeader] = formatVersion(version);
  return headers;
}
