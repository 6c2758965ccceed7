import { createHash, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest } from '../../http/api-error.ts';
import { uuidFromName } from '../../seed.ts';
import { UUID_PATTERN } from '../../util/ids.ts';
import type { Server } from '../compute-model.ts';

/**
 * The engine's simulated networking (it has no Neutron API):
 * - one shared network named `public` (10.0.0.0/24, a stable uuid), which
 *   `networks: "auto"` and a pre-2.37 request without `networks` attach to;
 * - `networks: "none"`: no NIC, no addresses;
 * - `[{uuid}]`: one NIC per entry; `public`'s uuid is the public network,
 *   any other uuid is accepted as a tenant network labelled by that uuid
 *   with its own /24 under 10.x.y.0; `fixed_ip` pins the address;
 * - `port`: no ports exist, so Nova's "Port X could not be found.".
 * Addresses appear when the server goes ACTIVE, each a fixed IPv4 with a
 * fa:16:3e MAC, and are released when it is deleted or fails.
 */
export const PUBLIC_NETWORK = { label: 'public', id: uuidFromName('network:public'), prefix: '10.0.0' } as const;

export interface NicRequest {
  label: string;
  prefix: string;
  fixedIp?: string;
}

type NetworkItem = { uuid?: string; port?: string | null; fixed_ip?: string; tag?: string };

function prefixFor(networkId: string): string {
  const digest = createHash('sha1').update(networkId).digest();
  return `10.${1 + (digest[0]! % 254)}.${digest[1]!}`;
}

/** Checks the `networks` of a create request as Nova's API layer does; returns the NICs to give each server. */
export function requestedNics(ctx: EngineContext, networks: Server['networks'] | undefined, maxCount: number): NicRequest[] {
  if (networks === 'none') return [];
  if (networks === undefined || networks === 'auto') return [{ label: PUBLIC_NETWORK.label, prefix: PUBLIC_NETWORK.prefix }];
  const nics: NicRequest[] = [];
  for (const item of networks as NetworkItem[]) {
    if (item.port) {
      if (item.fixed_ip !== undefined) {
        throw badRequest(`Specified Fixed IP '${item.fixed_ip}' cannot be used with port '${item.port}': the two cannot be specified together.`);
      }
      throw badRequest(`Port ${item.port} could not be found.`);
    }
    if (item.uuid === undefined) throw badRequest("Bad network format: missing 'uuid'");
    // Nova still honours Folsom-era `br-<uuid>` network ids.
    const bare = item.uuid.slice(item.uuid.indexOf('-') + 1);
    if (!UUID_PATTERN.test(item.uuid) && !UUID_PATTERN.test(bare)) {
      throw badRequest(`Bad networks format: network uuid is not in proper format (${item.uuid})`);
    }
    if (item.fixed_ip !== undefined) {
      if (maxCount > 1) throw badRequest('Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is specified.');
      const holder = serverHoldingAddress(ctx, item.fixed_ip);
      if (holder) throw badRequest(`Fixed IP address ${item.fixed_ip} is already in use on instance ${holder}.`);
    }
    nics.push(nicFor(item.uuid, item.fixed_ip));
  }
  return nics;
}

function nicFor(networkId: string, fixedIp: string | undefined): NicRequest {
  const isPublic = networkId === PUBLIC_NETWORK.id;
  return {
    label: isPublic ? PUBLIC_NETWORK.label : networkId,
    prefix: isPublic ? PUBLIC_NETWORK.prefix : prefixFor(networkId),
    ...(fixedIp !== undefined ? { fixedIp } : {}),
  };
}

/** The live server holding `address`, if any. */
export function serverHoldingAddress(ctx: EngineContext, address: string): string | undefined {
  return ctx.store.servers.find((s) => !s.deletedAt && Object.values(s.addresses).some((list) => list.some((a) => a.addr === address)))?.id;
}

function randomMac(): string {
  return ['fa', '16', '3e', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * Addresses for `nics`: the requested fixed IP, else the lowest free host
 * address (.2 to .254) of the network's /24. Throws Neutron's exhaustion
 * message when a network is full (the build then fails).
 */
export function allocateAddresses(ctx: EngineContext, nics: NicRequest[]): Server['addresses'] {
  const addresses: Server['addresses'] = {};
  const taken = new Set<string>();
  for (const server of ctx.store.servers.all()) {
    if (server.deletedAt) continue;
    for (const list of Object.values(server.addresses)) for (const a of list) taken.add(a.addr);
  }
  for (const nic of nics) {
    let addr = nic.fixedIp;
    if (addr === undefined) {
      for (let host = 2; host <= 254 && addr === undefined; host++) if (!taken.has(`${nic.prefix}.${host}`)) addr = `${nic.prefix}.${host}`;
    }
    if (addr === undefined) throw new Error(`No more IP addresses available on network ${nic.label}.`);
    taken.add(addr);
    (addresses[nic.label] ??= []).push({ version: isIPv6(addr) ? 6 : 4, addr, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': randomMac() });
  }
  return addresses;
}

/** The NICs a persisted server asked for (the build re-derives them, also after a restart). */
export function nicsOfServer(server: Server): NicRequest[] {
  if (server.networks === 'none') return [];
  if (server.networks === 'auto') return [nicFor(PUBLIC_NETWORK.id, undefined)];
  return server.networks.filter((n) => n.uuid).map((n) => nicFor(n.uuid!, n.fixed_ip));
}
