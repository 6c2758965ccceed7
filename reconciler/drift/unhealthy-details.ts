import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { isOpenStackError } from '../../provider/openstack/errors.ts';
import type { CloudObject } from '../../provider/resources/kind.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';
import { objectsOf } from '../plan/read-cloud.ts';
import type { DriftResource } from './drift-model.ts';

/**
 * A listing may leave out what an unhealthy object's report SHOULD carry:
 * the cloud's own words (Nova's `GET /servers/detail` has no fault; only
 * `GET /servers/{id}` shows it). So the objects a first classification
 * found unhealthy (and only those: normally none) are read once more with
 * their module's `read`, one GET each, and replace their listing entry.
 * Everything else stays one listing per kind.
 *
 * Returns the same snapshot when there is nothing to read again.
 *
 * @example
 * const detailed = await withUnhealthyDetails(clients, snapshot, first.resources);
 * if (detailed !== snapshot) report = classifyDrift({ ...input, snapshot: detailed });
 */
export async function withUnhealthyDetails(clients: Clients, snapshot: CloudSnapshot, resources: readonly DriftResource[]): Promise<CloudSnapshot> {
  const wanted = resources.filter((r): r is DriftResource & { id: string } => r.category === 'unhealthy' && r.id !== null);
  if (wanted.length === 0) return snapshot;
  const shown = new Map<Kind, Map<string, CloudObject>>();
  await Promise.all(wanted.map(async ({ kind, id }) => {
    try {
      const object = (await kindModule(kind).read(clients, id)) as CloudObject | undefined;
      // Gone since the listing: the listing's view stands (the next run sees it missing).
      if (object) (shown.get(kind) ?? shown.set(kind, new Map()).get(kind)!).set(id, object);
    } catch (error) {
      if (!(isOpenStackError(error) && error.status === 404)) throw error;
    }
  }));
  if (shown.size === 0) return snapshot;
  const objects = new Map(snapshot.objects);
  for (const [kind, byId] of shown) objects.set(kind, objectsOf(snapshot, kind).map((o) => byId.get(o.id) ?? o));
  return { ...snapshot, objects };
}
