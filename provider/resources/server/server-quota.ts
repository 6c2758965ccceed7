import type { QuotaDemand, QuotaStep } from '../quota-demand.ts';
import type { ServerObserved } from './server-observed.ts';
import type { ServerSpec } from './server-spec.ts';

/** A flavor's size, as quotas count it. */
interface FlavorSize {
  readonly vcpus: number;
  /** MiB. */
  readonly ram: number;
}

function sizeOf(fields: { readonly vcpus?: unknown; readonly ram?: unknown } | undefined): FlavorSize | undefined {
  if (!fields || fields.vcpus === undefined || fields.ram === undefined) return undefined;
  return { vcpus: Number(fields.vcpus), ram: Number(fields.ram) };
}

/**
 * What a server step needs from the compute quotas: a create takes an
 * instance and its flavor's cores and RAM; a resize or a replace (which
 * deletes first) only the growth from the old flavor, so a shrink needs
 * nothing. The old flavor's size comes from the server itself (Nova
 * embeds it from 2.47), else from a lookup; unknown counts as zero.
 *
 * @example
 * await serverQuotaDemand({ action: 'create', changes: [], spec: () => spec, lookup })
 * // { needs: { instances: 1, cores: 2, ram: 4096 } }
 */
export async function serverQuotaDemand(step: QuotaStep<ServerSpec, ServerObserved>): Promise<QuotaDemand | undefined> {
  const resize = step.action === 'resize' || step.changes.some((c) => c.apply === 'resize');
  if (step.action !== 'create' && step.action !== 'replace' && !resize) return undefined;
  const spec = step.spec();
  if (!spec) return { unknown: 'spec' };
  const flavor = sizeOf(await step.lookup('Flavor', spec.flavor));
  if (!flavor) return { unknown: 'size', of: `flavor ${spec.flavor.name}` };
  if (step.action === 'create') return { needs: { instances: 1, cores: flavor.vcpus, ram: flavor.ram } };
  const running = step.observed?.flavor;
  const old = sizeOf(running) ?? sizeOf(running ? await step.lookup('Flavor', running) : undefined) ?? { vcpus: 0, ram: 0 };
  return { needs: { cores: flavor.vcpus - old.vcpus, ram: flavor.ram - old.ram } };
}
