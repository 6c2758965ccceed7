import { createHash } from 'node:crypto';

/**
 * The service catalog: one engine port serves every API, each under its
 * own path, the way devstack puts services behind one web server.
 */
export function serviceCatalog(base: string, region: string, projectId: string): unknown[] {
  const service = (type: string, name: string, url: string) => {
    const id = createHash('md5').update(`service:${type}`).digest('hex');
    return {
      id,
      type,
      name,
      endpoints: ['public', 'internal', 'admin'].map((iface) => ({
        id: createHash('md5').update(`endpoint:${type}:${iface}`).digest('hex'),
        interface: iface,
        region,
        region_id: region,
        url,
      })),
    };
  };
  return [
    service('identity', 'keystone', `${base}/v3`),
    service('compute', 'nova', `${base}/v2.1`),
    service('volumev3', 'cinderv3', `${base}/volume/v3/${projectId}`),
    service('block-storage', 'cinder', `${base}/volume/v3/${projectId}`),
    service('image', 'glance', `${base}/image`),
  ];
}
