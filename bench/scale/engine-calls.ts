/**
 * API calls as the engine counted them (`requestCounts`, by route
 * template), not as novaform counts its own: a call novaform forgot to
 * count still shows here. Token requests are left out; they are one per
 * process and not the work being measured.
 */
export type Counts = ReadonlyMap<string, number>;

export const snapshot = (counts: Counts): Map<string, number> => new Map(counts);

/** The calls made between two snapshots, by route, without Keystone's token requests. */
export function callsBetween(before: Counts, after: Counts): Map<string, number> {
  const calls = new Map<string, number>();
  for (const [route, n] of after) {
    const made = n - (before.get(route) ?? 0);
    if (made > 0 && !route.endsWith('/v3/auth/tokens')) calls.set(route, made);
  }
  return calls;
}

export const total = (calls: Counts): number => [...calls.values()].reduce((a, b) => a + b, 0);

/** `GET /v2.1/servers/detail x11, POST /v2.1/servers x10000`: the biggest first. */
export function describeCalls(calls: Counts): string {
  return [...calls].sort((a, b) => b[1] - a[1]).map(([route, n]) => `${route}${n > 1 ? ` x${n}` : ''}`).join(', ');
}

/** How many of the calls are listings (GETs of a collection, not of one object). */
export function writesIn(calls: Counts): number {
  let writes = 0;
  for (const [route, n] of calls) if (!route.startsWith('GET ') && !route.startsWith('HEAD ')) writes += n;
  return writes;
}
