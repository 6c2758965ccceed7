/**
 * Diff answers for the plugin server: novaform's DiffResult as the
 * protobuf DiffResponse the engine reads, and the provider configuration's
 * own diff.
 *
 * Rules:
 * - `hasDetailedDiff` is always set: the engine MUST show novaform's
 *   detailed diff rather than compute its own from the properties.
 * - A provider whose `cloud` or `stack` changes MUST be replaced (its
 *   resources belong to another cloud or stack); any other configuration
 *   change is not a change of the provider.
 */
import providerPb from '@pulumi/pulumi/proto/provider_pb.js';
import type { DiffResponse } from '@pulumi/pulumi/proto/provider_pb.js';
import type { DiffKind, DiffResult } from './resource-operations.ts';

/** Provider configuration keys whose change means another cloud or stack. */
export const REPLACING_CONFIG_KEYS = ['cloud', 'stack'] as const;

const DIFF_KINDS: Readonly<Record<DiffKind, number>> = {
  ADD: providerPb.PropertyDiff.Kind.ADD,
  ADD_REPLACE: providerPb.PropertyDiff.Kind.ADD_REPLACE,
  DELETE: providerPb.PropertyDiff.Kind.DELETE,
  DELETE_REPLACE: providerPb.PropertyDiff.Kind.DELETE_REPLACE,
  UPDATE: providerPb.PropertyDiff.Kind.UPDATE,
  UPDATE_REPLACE: providerPb.PropertyDiff.Kind.UPDATE_REPLACE,
};

/**
 * The wire form of a DiffResult.
 *
 * @example diffResponse({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {}, diffs: [], notes: [] })
 */
export function diffResponse(result: DiffResult): DiffResponse {
  const response = new providerPb.DiffResponse()
    .setChanges(result.changes ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE)
    .setReplacesList([...result.replaces])
    .setDeletebeforereplace(result.deleteBeforeReplace)
    .setDiffsList([...result.diffs])
    .setHasdetaileddiff(true);
  for (const [path, diff] of Object.entries(result.detailedDiff)) {
    response.getDetaileddiffMap().set(path, new providerPb.PropertyDiff().setKind(DIFF_KINDS[diff.kind]).setInputdiff(diff.inputDiff));
  }
  return response;
}

/**
 * The provider configuration's diff: a replace when `cloud` or `stack` differ, else none.
 *
 * @example configDiff({ cloud: 'a' }, { cloud: 'b' }).replaces // ['cloud']
 */
export function configDiff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  const changed = REPLACING_CONFIG_KEYS.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
  const detailedDiff: Record<string, { kind: DiffKind; inputDiff: boolean }> = {};
  for (const key of changed) {
    const kind = olds[key] === undefined ? 'ADD_REPLACE' : news[key] === undefined ? 'DELETE_REPLACE' : 'UPDATE_REPLACE';
    detailedDiff[key] = { kind, inputDiff: true };
  }
  return { changes: changed.length > 0, replaces: changed, deleteBeforeReplace: false, detailedDiff, diffs: changed, notes: [] };
}
