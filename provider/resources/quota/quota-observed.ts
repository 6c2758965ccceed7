/** One limit of a project as `os-quota-sets` shows it with usage. */
export interface QuotaValue {
  /** -1: unlimited. */
  readonly limit: number;
  /** In use plus reserved: what Nova and Cinder compare a new limit with. */
  readonly used: number;
}

/** The quota sets of one service of a project: limits with usage, and the defaults a DELETE reverts to. */
export interface ServiceQuotas {
  readonly values: Readonly<Record<string, QuotaValue>>;
  readonly defaults: Readonly<Record<string, number>>;
}

/**
 * A project and its quotas. A listing (Keystone's projects) has only the
 * project; `complete` and `read` add the quota sets.
 */
export interface QuotaObserved {
  /** The Keystone project id. */
  readonly id: string;
  readonly name: string;
  readonly domainId?: string;
  readonly compute?: ServiceQuotas;
  /** Undefined until read, or when the cloud has no block storage (`blockStorageMissing` says why). */
  readonly blockStorage?: ServiceQuotas;
  readonly blockStorageMissing?: string;
}

/**
 * Pure: a quota set read with usage (Nova's `/detail`, Cinder's
 * `?usage=true`: `{limit, in_use, reserved}` per key) and the defaults.
 *
 * @example
 * serviceQuotas({ id: 'p', instances: { limit: 10, in_use: 2, reserved: 0 } }, { id: 'p', instances: 10 })
 * // { values: { instances: { limit: 10, used: 2 } }, defaults: { instances: 10 } }
 */
export function serviceQuotas(detail: Record<string, unknown>, defaults: Record<string, unknown>): ServiceQuotas {
  const values: Record<string, QuotaValue> = {};
  for (const [key, raw] of Object.entries(detail)) {
    if (raw === null || typeof raw !== 'object') continue;
    const v = raw as Record<string, unknown>;
    if (typeof v.limit !== 'number') continue;
    values[key] = { limit: v.limit, used: Number(v.in_use ?? 0) + Number(v.reserved ?? 0) };
  }
  const plain: Record<string, number> = {};
  for (const [key, value] of Object.entries(defaults)) if (typeof value === 'number') plain[key] = value;
  return { values, defaults: plain };
}
