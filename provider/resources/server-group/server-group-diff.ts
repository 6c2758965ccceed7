import type { FieldChange } from '../types.ts';
import type { ServerGroupObserved } from './server-group-observed.ts';
import { normalizeServerGroupSpec, type ServerGroupSpec } from './server-group-spec.ts';

/**
 * Pure: a server group is immutable in Nova (no PUT), so every difference
 * is a replace. Its members are not compared: they follow the servers.
 * dataLoss is false: the group holds no data (its members are replaced by
 * their own plan entries when they name a new group).
 *
 * @example
 * diffServerGroup({ name: 'web', policy: 'affinity', rules: {} }, observedAntiAffinity)
 * // [{ path: 'spec.policy', from: 'anti-affinity', to: 'affinity', apply: 'replace', dataLoss: false }]
 */
export function diffServerGroup(desiredSpec: ServerGroupSpec, observed: ServerGroupObserved): FieldChange[] {
  const desired = normalizeServerGroupSpec(desiredSpec);
  const changes: FieldChange[] = [];
  if (desired.name !== observed.name) changes.push({ path: 'metadata.name', from: observed.name, to: desired.name, apply: 'replace', dataLoss: false });
  if (desired.policy !== observed.policy) changes.push({ path: 'spec.policy', from: observed.policy, to: desired.policy, apply: 'replace', dataLoss: false });
  if (desired.rules.maxServerPerHost !== observed.rules.maxServerPerHost) {
    changes.push({ path: 'spec.rules.maxServerPerHost', from: observed.rules.maxServerPerHost, to: desired.rules.maxServerPerHost, apply: 'replace', dataLoss: false });
  }
  return changes;
}
