import type { SpecReference } from '../../provider/resources/kind.ts';
import type { PlannedChange } from './plan-model.ts';
import type { CloudSnapshot } from './read-cloud.ts';

/**
 * Pure: names for the cloud ids a plan's changes carry, so a person reads
 * `spec.image: cirros (9c1e…) -> ubuntu-22.04 (4f0a…)` rather than two
 * UUIDs. Only references to cloud-only objects (images) hold ids in a
 * change: references to novaform's kinds are compared by name already.
 *
 * Rules:
 * - The values MUST stay as they are (the JSON plan, approvals and saved
 *   plans compare them); names go in `labels`, which only display reads.
 * - A value with no name in the snapshot (a deleted image) gets no label.
 *
 * @example
 * labelChanges([{ path: 'spec.image', from: 'i1', to: 'i2', apply: 'rebuild', dataLoss: true }], [{ target: 'Image', name: 'jammy', path: ['spec', 'image'] }], snapshot)
 * // [{ path: 'spec.image', from: 'i1', to: 'i2', …, labels: { from: 'cirros (i1)', to: 'jammy (i2)' } }]
 */
export function labelChanges(changes: readonly PlannedChange[], references: readonly SpecReference[], snapshot: Pick<CloudSnapshot, 'images'>): PlannedChange[] {
  const imagePaths = new Set(references.filter((r) => r.target === 'Image').map((r) => r.path.join('.')));
  if (imagePaths.size === 0) return [...changes];
  const label = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const name = snapshot.images.find((image) => image.id === value)?.name;
    return name ? `${name} (${value})` : undefined;
  };
  return changes.map((change) => {
    if (!imagePaths.has(change.path)) return change;
    const from = label(change.from);
    const to = label(change.to);
    return from || to ? { ...change, labels: { ...(from ? { from } : {}), ...(to ? { to } : {}) } } : change;
  });
}
