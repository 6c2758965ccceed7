import type { EngineContext } from '../../engine-context.ts';
import type { QuotaOverride } from '../compute-model.ts';
import type { QuotaService } from './quota-service.ts';

/**
 * Per-project quota overrides, shared by Nova's and Cinder's quota APIs.
 * One stored object per project holds both services' overrides, so a
 * DELETE on one service MUST leave the other service's values alone.
 */

/** Sets `values` (already validated integers) as the project's limits for `service`. */
export async function setQuotaOverrides(ctx: EngineContext, projectId: string, service: QuotaService, values: Record<string, number>): Promise<void> {
  const existing = ctx.store.quotas.get(projectId);
  const record: QuotaOverride = existing ?? { id: projectId, compute: {}, volume: {} };
  record[service] = { ...record[service], ...values };
  await ctx.store.quotas.put(record);
}

/** Drops every override of `service` for the project: its limits are the defaults again. */
export async function clearQuotaOverrides(ctx: EngineContext, projectId: string, service: QuotaService): Promise<void> {
  const record = ctx.store.quotas.get(projectId);
  if (!record) return;
  record[service] = {};
  if (Object.keys(record.compute).length === 0 && Object.keys(record.volume).length === 0) {
    await ctx.store.quotas.delete(projectId);
  } else {
    await ctx.store.quotas.put(record);
  }
}

/** True when Keystone knows the project (Nova's `identity.verify_project_id`). */
export function projectExists(ctx: EngineContext, projectId: string): boolean {
  return ctx.store.projects.has(projectId);
}
