import type { DiffContext } from '../../../../provider/resources/types.ts';
import type { ServerObserved } from '../../../../provider/resources/server/server-observed.ts';
import { normalizeServerSpec, type ServerSpec, type ServerSpecInput } from '../../../../provider/resources/server/server-spec.ts';

/** Pure-test samples: a spec and the server that matches it exactly, so each row changes one thing. */

export const SMALL = { id: 'f-small', name: 'm1.small' } as const;
export const MEDIUM = { id: 'f-medium', name: 'm1.medium' } as const;
export const IMAGE_A = '11111111-1111-4111-8111-111111111111';
export const IMAGE_B = '22222222-2222-4222-8222-222222222222';
export const VOL_1 = 'aaaaaaaa-0000-4000-8000-000000000001';
export const VOL_2 = 'aaaaaaaa-0000-4000-8000-000000000002';

export function sampleSpec(overrides: Partial<ServerSpecInput> = {}): ServerSpec {
  return normalizeServerSpec({
    name: 'web-1',
    flavor: SMALL,
    image: IMAGE_A,
    keypair: 'ops',
    availabilityZone: 'nova',
    networks: 'none',
    metadata: { owner: 'team-a' },
    tags: ['web'],
    description: 'front end',
    userData: '#cloud-config\n',
    volumes: [],
    powerState: 'running',
    ...overrides,
  });
}

/** The server `sampleSpec()` describes, as seen at a recent microversion by an admin. */
export function sampleObserved(overrides: Partial<ServerObserved> = {}): ServerObserved {
  return {
    id: 'srv-1',
    name: 'web-1',
    status: 'ACTIVE',
    taskState: null,
    vmState: 'active',
    powerState: 1,
    flavor: { name: 'm1.small', vcpus: 1, ram: 512, disk: 1 },
    imageId: IMAGE_A,
    keyName: 'ops',
    availabilityZone: 'nova',
    metadata: { owner: 'team-a', 'novaform:stack': 'prod', 'novaform:name': 'web-1' },
    tags: ['web'],
    description: 'front end',
    volumeIds: [],
    addresses: {},
    userData: '#cloud-config\n',
    ...overrides,
  };
}

/** A context at `version` (e.g. '2.93'), with an optional last-applied spec. */
export function contextAt(version: string, lastApplied?: unknown): DiffContext {
  const [maj, min] = version.split('.').map(Number) as [number, number];
  return {
    computeAtLeast: (major, minor) => maj > major || (maj === major && min >= minor),
    ...(lastApplied !== undefined ? { lastApplied } : {}),
  };
}
