/** A server group as the cloud reports it. */
export interface ServerGroupObserved {
  readonly id: string;
  readonly name: string;
  readonly policy: string;
  /** `max_server_per_host` as a number when set (2.64); {} otherwise. */
  readonly rules: { readonly maxServerPerHost?: number };
  /** Server ids; they change as servers come and go, so no plan depends on them. */
  readonly members: readonly string[];
}

/**
 * Pure: a Nova server group body at any microversion (`policies: [p]`
 * before 2.64, `policy` and `rules` from it).
 *
 * @example
 * toServerGroupObserved({ id: 'g1', name: 'web', policy: 'anti-affinity', rules: { max_server_per_host: 2 }, members: [] })
 * // { id: 'g1', name: 'web', policy: 'anti-affinity', rules: { maxServerPerHost: 2 }, members: [] }
 */
export function toServerGroupObserved(body: Record<string, any>): ServerGroupObserved {
  const max = body.rules?.max_server_per_host;
  return {
    id: String(body.id),
    name: String(body.name ?? ''),
    policy: String(body.policy ?? body.policies?.[0] ?? ''),
    rules: max !== undefined && max !== null ? { maxServerPerHost: Number(max) } : {},
    members: Array.isArray(body.members) ? body.members.map(String) : [],
  };
}
