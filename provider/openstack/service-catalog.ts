import type { EndpointInterface } from './cloud-settings.ts';
import { EndpointNotFoundError } from './errors.ts';

export interface CatalogEndpoint {
  interface: string;
  url: string;
  region?: string | null;
  region_id?: string | null;
}

/** One service of a Keystone v3 token's `catalog`. */
export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** The services novaform uses, by the name the code says. */
export type ServiceKind = 'compute' | 'volume' | 'image' | 'identity';

/**
 * Catalog types per service, in order of preference (the service-types
 * authority's official type first, then its aliases). Volume v1/v2
 * endpoints under `volume` are skipped: novaform needs v3.
 */
export const SERVICE_TYPES: Record<ServiceKind, string[]> = {
  compute: ['compute'],
  volume: ['block-storage', 'volumev3', 'volume'],
  image: ['image'],
  identity: ['identity'],
};

const OLD_VOLUME_API = /\/v[12](\.\d+)?(\/|$)/;

export interface EndpointQuery {
  service: ServiceKind;
  interface: EndpointInterface;
  /** Any region when unset (keystoneauth's behaviour); the first match wins. */
  region?: string;
}

function regionOf(endpoint: CatalogEndpoint): string | undefined {
  return endpoint.region_id ?? endpoint.region ?? undefined;
}

function describeCatalog(catalog: CatalogService[]): string {
  if (catalog.length === 0) return 'the catalog is empty';
  const parts = catalog.map((service) => {
    const byRegion = new Map<string, string[]>();
    for (const endpoint of service.endpoints) {
      const region = regionOf(endpoint) ?? '(no region)';
      byRegion.set(region, [...(byRegion.get(region) ?? []), endpoint.interface]);
    }
    const regions = [...byRegion].map(([region, ifaces]) => `${region}: ${ifaces.join(', ')}`).join('; ');
    return `${service.type} (${regions})`;
  });
  return `the catalog has ${parts.join(', ')}`;
}

/**
 * The endpoint URL for a service, by type (with aliases), interface and
 * region; `%(project_id)s` / `$(project_id)s` templates are filled in.
 *
 * @example
 * findEndpoint(access.catalog, { service: 'volume', interface: 'public', region: 'RegionOne' }, access.projectId)
 * // -> 'https://cloud:8776/v3/9f2...'
 */
export function findEndpoint(catalog: CatalogService[], query: EndpointQuery, projectId?: string): string {
  for (const type of SERVICE_TYPES[query.service]) {
    for (const service of catalog.filter((s) => s.type === type)) {
      const endpoint = service.endpoints.find((e) =>
        e.interface.replace(/URL$/, '') === query.interface
        && (query.region === undefined || regionOf(e) === query.region)
        && !(query.service === 'volume' && OLD_VOLUME_API.test(new URL(e.url).pathname)));
      if (endpoint) return fillProject(endpoint.url, projectId);
    }
  }
  const types = SERVICE_TYPES[query.service].join(', ');
  const region = query.region === undefined ? 'any region' : `region '${query.region}'`;
  throw new EndpointNotFoundError(`no ${query.interface} endpoint for the ${query.service} service (catalog types: ${types}) in ${region}; ${describeCatalog(catalog)}`);
}

function fillProject(url: string, projectId: string | undefined): string {
  if (projectId === undefined) return url;
  return url.replace(/%\(project_id\)s|\$\(project_id\)s|%\(tenant_id\)s|\$\(tenant_id\)s/g, projectId);
}
