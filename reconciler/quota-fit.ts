/**
 * Quota arithmetic, pure: what a plan adds to a project's usage, and
 * whether that fits in what the project has left. The I/O (reading the
 * plan's flavors and the project's quotas) is in quota-preflight.ts.
 */

/** The quota resources a plan can consume (Nova's and Cinder's names). */
export type QuotaResource = 'instances' | 'cores' | 'ram' | 'key_pairs' | 'volumes' | 'gigabytes';

/** One quota as `os-quota-sets/{project}/detail` (Nova) or `?usage=true` (Cinder) shows it; limit -1 = unlimited. */
export interface QuotaUsage {
  readonly limit: number;
  readonly inUse: number;
  readonly reserved: number;
}

export interface FlavorSize {
  readonly vcpus: number;
  /** MiB. */
  readonly ram: number;
}

/**
 * One resource's contribution, as the plan says it. Deletes are not
 * credited: a delete of an unrelated resource may run after the creates
 * (they are independent steps), so its quota may not be free in time. A
 * replace deletes before it creates, so it only needs the difference.
 */
export type DemandInput =
  | { readonly kind: 'Server'; readonly label: string; readonly change: 'create' | 'replace' | 'resize'; readonly flavor: FlavorSize; readonly oldFlavor?: FlavorSize }
  | { readonly kind: 'Volume'; readonly label: string; readonly change: 'create' | 'replace' | 'extend'; readonly size: number; readonly oldSize?: number }
  | { readonly kind: 'Keypair'; readonly label: string; readonly change: 'create' };

export interface Demand {
  readonly amount: number;
  /** The resources that add to it, e.g. `Server web-1`. */
  readonly from: readonly string[];
}

function add(totals: Map<QuotaResource, { amount: number; from: string[] }>, resource: QuotaResource, amount: number, label: string): void {
  if (amount <= 0) return;
  const entry = totals.get(resource) ?? { amount: 0, from: [] };
  entry.amount += amount;
  if (!entry.from.includes(label)) entry.from.push(label);
  totals.set(resource, entry);
}

/**
 * Sums what the plan adds per quota resource. Pure.
 * - server create: 1 instance, the flavor's vcpus and RAM;
 * - server resize or replace: the growth from the old flavor (a shrink adds nothing);
 * - volume create: 1 volume and its size; extend or replace: the growth;
 * - keypair create: 1 key pair.
 *
 * @example
 * quotaDemand([{ kind: 'Server', label: 'Server web-1', change: 'create', flavor: { vcpus: 2, ram: 4096 } }])
 * // Map { instances → {1, [Server web-1]}, cores → {2, ...}, ram → {4096, ...} }
 */
export function quotaDemand(inputs: readonly DemandInput[]): Map<QuotaResource, Demand> {
  const totals = new Map<QuotaResource, { amount: number; from: string[] }>();
  for (const input of inputs) {
    switch (input.kind) {
      case 'Server': {
        const old = input.change === 'create' ? { vcpus: 0, ram: 0 } : input.oldFlavor ?? { vcpus: 0, ram: 0 };
        if (input.change === 'create') add(totals, 'instances', 1, input.label);
        add(totals, 'cores', input.flavor.vcpus - old.vcpus, input.label);
        add(totals, 'ram', input.flavor.ram - old.ram, input.label);
        break;
      }
      case 'Volume':
        if (input.change === 'create') add(totals, 'volumes', 1, input.label);
        add(totals, 'gigabytes', input.size - (input.change === 'create' ? 0 : input.oldSize ?? 0), input.label);
        break;
      case 'Keypair':
        add(totals, 'key_pairs', 1, input.label);
        break;
    }
  }
  return totals;
}

export interface QuotaShortfall {
  readonly resource: QuotaResource;
  readonly needs: number;
  readonly left: number;
  readonly limit: number;
  readonly inUse: number;
  readonly reserved: number;
  readonly from: readonly string[];
}

/**
 * Every quota the demand does not fit in: `needs > limit - inUse - reserved`
 * (limit -1 is unlimited; a quota the cloud did not show is not checked). Pure.
 *
 * @example
 * quotaShortfalls(new Map([['instances', { amount: 6, from: [...] }]]), { instances: { limit: 10, inUse: 6, reserved: 0 } })
 * // [{ resource: 'instances', needs: 6, left: 4, limit: 10, inUse: 6, ... }]
 */
export function quotaShortfalls(demand: ReadonlyMap<QuotaResource, Demand>, quotas: Readonly<Partial<Record<QuotaResource, QuotaUsage>>>): QuotaShortfall[] {
  const out: QuotaShortfall[] = [];
  for (const [resource, { amount, from }] of demand) {
    const quota = quotas[resource];
    if (!quota || quota.limit < 0) continue;
    const left = Math.max(0, quota.limit - quota.inUse - quota.reserved);
    if (amount > left) out.push({ resource, needs: amount, left, limit: quota.limit, inUse: quota.inUse, reserved: quota.reserved, from });
  }
  return out;
}

const UNITS: Readonly<Record<QuotaResource, [string, string]>> = {
  instances: ['instance', 'instances'],
  cores: ['core', 'cores'],
  ram: ['MiB of RAM', 'MiB of RAM'],
  key_pairs: ['key pair', 'key pairs'],
  volumes: ['volume', 'volumes'],
  gigabytes: ['GiB of volume storage', 'GiB of volume storage'],
};

function amountOf(resource: QuotaResource, n: number): string {
  const [one, many] = UNITS[resource];
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The operator's message for one shortfall. Pure.
 *
 * @example
 * formatShortfall({ resource: 'instances', needs: 6, left: 4, limit: 10, inUse: 6, reserved: 0, from: ['Server a'] }, 'demo')
 * // 'quota: the plan needs 6 instances but project demo has 4 left (limit 10, in use 6) — for Server a'
 */
export function formatShortfall(s: QuotaShortfall, project: string): string {
  const reserved = s.reserved > 0 ? `, reserved ${s.reserved}` : '';
  const from = s.from.length > 0 ? ` — for ${s.from.join(', ')}` : '';
  return `quota: the plan needs ${amountOf(s.resource, s.needs)} but project ${project} has ${s.left} left (limit ${s.limit}, in use ${s.inUse}${reserved})${from}`;
}
