import type { QuotaResource } from '../provider/resources/quota-demand.ts';

/**
 * Quota arithmetic, pure: what a plan adds to a project's usage, and
 * whether that fits in what the project has left. What one step needs is
 * its kind module's `quotaDemand`; the I/O (building the steps' demands,
 * reading the project's quotas) is in quota-preflight.ts.
 */

export type { QuotaResource };

/** One quota as `os-quota-sets/{project}/detail` (Nova) or `?usage=true` (Cinder) shows it; limit -1 = unlimited. */
export interface QuotaUsage {
  readonly limit: number;
  readonly inUse: number;
  readonly reserved: number;
}

/**
 * One step's contribution, as its kind module computed it. Deletes are
 * not credited: a delete of an unrelated resource may run after the
 * creates (they are independent steps), so its quota may not be free in
 * time. Amounts of 0 or less (a shrink) add nothing.
 */
export interface DemandInput {
  /** Who needs it, e.g. `Server web-1`. */
  readonly label: string;
  readonly needs: Readonly<Partial<Record<QuotaResource, number>>>;
}

export interface Demand {
  readonly amount: number;
  /** The resources that add to it, e.g. `Server web-1`. */
  readonly from: readonly string[];
}

/**
 * Sums what the plan adds per quota resource, in the order resources are
 * first needed. Pure.
 *
 * @example
 * quotaDemand([{ label: 'Server web-1', needs: { instances: 1, cores: 2, ram: 4096 } }])
 * // Map { instances → {1, [Server web-1]}, cores → {2, ...}, ram → {4096, ...} }
 */
export function quotaDemand(inputs: readonly DemandInput[]): Map<QuotaResource, Demand> {
  // A Set keeps the order labels came in and finds a repeated one without a scan (10,000 servers).
  const totals = new Map<QuotaResource, { amount: number; from: Set<string> }>();
  for (const { label, needs } of inputs) {
    for (const [resource, amount] of Object.entries(needs) as Array<[QuotaResource, number | undefined]>) {
      if (amount === undefined || !(amount > 0)) continue;
      const entry = totals.get(resource) ?? { amount: 0, from: new Set<string>() };
      entry.amount += amount;
      entry.from.add(label);
      totals.set(resource, entry);
    }
  }
  return new Map([...totals].map(([resource, { amount, from }]) => [resource, { amount, from: [...from] }]));
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
  server_groups: ['server group', 'server groups'],
  server_group_members: ['server group member', 'server group members'],
  volumes: ['volume', 'volumes'],
  gigabytes: ['GiB of volume storage', 'GiB of volume storage'],
};

function amountOf(resource: QuotaResource, n: number): string {
  const [one, many] = UNITS[resource];
  return `${n} ${n === 1 ? one : many}`;
}

const SHOWN_NAMES = 5;

/**
 * The operator's message for one shortfall. Pure.
 *
 * @example
 * formatShortfall({ resource: 'instances', needs: 6, left: 4, limit: 10, inUse: 6, reserved: 0, from: ['Server a'] }, 'demo')
 * // 'quota: the plan needs 6 instances but project demo has 4 left (limit 10, in use 6) — for Server a'
 */
export function formatShortfall(s: QuotaShortfall, project: string): string {
  const reserved = s.reserved > 0 ? `, reserved ${s.reserved}` : '';
  // One line stays one line at 10,000 servers: the first few names, then a count.
  const shown = s.from.length > SHOWN_NAMES + 1 ? [...s.from.slice(0, SHOWN_NAMES), `and ${s.from.length - SHOWN_NAMES} more`] : s.from;
  const from = shown.length > 0 ? ` — for ${shown.join(', ')}` : '';
  return `quota: the plan needs ${amountOf(s.resource, s.needs)} but project ${project} has ${s.left} left (limit ${s.limit}, in use ${s.inUse}${reserved})${from}`;
}
