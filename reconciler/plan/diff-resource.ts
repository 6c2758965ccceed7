import { forcedChange } from '../../provider/resources/forced-change.ts';
import { stampChanges } from '../../provider/resources/ownership.ts';
import { UnsupportedChangeError, type FieldChange, type Owner } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import { secretDigest } from '../state/state-redact.ts';
import type { AnyHandler } from './handlers.ts';
import { actionOf, dataLossWarnings } from './plan-action.ts';
import type { PlanDiagnostic } from './plan-errors.ts';
import type { PlanAction } from './plan-model.ts';

/**
 * Pure: one declared resource against its cloud object -> action, changes
 * and warnings, or the diagnostic that stops the plan (a change the cloud
 * cannot make, such as a volume shrink).
 */

export interface DiffOutcome {
  readonly action: PlanAction;
  readonly changes: readonly FieldChange[];
  readonly dataLoss: boolean;
  readonly warnings: readonly string[];
}

export interface DiffInput {
  readonly manifest: Manifest;
  readonly handler: AnyHandler;
  /** The resolved, normalized spec. */
  readonly spec: unknown;
  readonly observed?: { id: string };
  /** The stack's ownership the object must carry (and its deletionPolicy, stamped as the retain mark). */
  readonly owner: Owner;
  readonly lastApplied?: unknown;
  /** `--replace`: renew the object even when nothing differs (forced-change.ts). */
  readonly forced?: boolean;
  computeAtLeast(major: number, minor: number): boolean;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The state store keeps secrets as `sha256:` digests (state-redact.ts),
 * but a diff may compare a secret as text when the cloud hides it (a
 * server's user data, for non-admins). A stored digest that matches the
 * spec's text of the same field means "unchanged": hand the diff the text;
 * any other digest stays, and differs. Generic over kinds. Pure.
 */
export function lastAppliedForDiff(lastApplied: unknown, spec: unknown): unknown {
  if (lastApplied === null || typeof lastApplied !== 'object' || spec === null || typeof spec !== 'object') return lastApplied;
  let out: Record<string, unknown> | undefined;
  for (const [key, stored] of Object.entries(lastApplied)) {
    const desired = (spec as Record<string, unknown>)[key];
    if (typeof stored === 'string' && DIGEST.test(stored) && typeof desired === 'string' && secretDigest(desired) === stored) {
      out ??= { ...(lastApplied as Record<string, unknown>) };
      out[key] = desired;
    }
  }
  return out ?? lastApplied;
}

function failure(manifest: Manifest, path: string, code: PlanDiagnostic['code'], message: string): PlanDiagnostic {
  const at = path === '' ? manifest.source : manifest.locate(path);
  return { ...at, code, kind: manifest.kind, name: manifest.metadata.name, path, message, hints: [] };
}

/**
 * An object that settled failed (a server in ERROR): its module's
 * `onFailed` decides; `recreate` is a replace, losing what it holds.
 */
function failedObject(module: AnyHandler, spec: unknown, observed: { id: string }): { change?: FieldChange; warning?: string } {
  const readiness = module.readiness(observed);
  if (readiness.state !== 'failed') return {};
  const decision = module.onFailed?.(spec, observed) ?? 'fail';
  const status = (observed as { status?: unknown }).status;
  if (decision === 'recreate') return { change: { path: 'status', from: status, to: 'ready', apply: 'replace', dataLoss: module.holdsData } };
  if (decision === 'keep') return { warning: `${module.noun} ${observed.id} failed: ${readiness.reason}; kept as it is (onError: keep)` };
  return { warning: `${module.noun} ${observed.id} failed: ${readiness.reason}; apply will stop at it` };
}

/**
 * The plan of one declared resource.
 *
 * @example
 * diffResource({ manifest, handler: volumeHandler, spec, observed, computeAtLeast: () => true })
 * // { action: 'update', changes: [{ path: 'spec.size', apply: 'extend', … }], dataLoss: false, warnings: [] }
 */
export function diffResource(input: DiffInput): DiffOutcome | PlanDiagnostic {
  const { manifest, handler, spec, observed } = input;
  if (!observed) return { action: 'create', changes: [], dataLoss: false, warnings: [] };
  let changes: FieldChange[];
  try {
    const lastApplied = lastAppliedForDiff(input.lastApplied, spec);
    changes = handler.diff(spec, observed, { computeAtLeast: input.computeAtLeast, lastApplied });
  } catch (error) {
    if (error instanceof UnsupportedChangeError) return failure(manifest, error.path, 'unsupported-change', error.message);
    return failure(manifest, '', 'invalid-spec', (error as Error).message);
  }
  const warnings: string[] = [];
  const failed = failedObject(handler, spec, observed);
  if (failed.change) changes = [...changes, failed.change];
  if (failed.warning) warnings.push(failed.warning);
  if (input.forced) {
    const forced = forcedChange(handler, observed);
    // A change that already renews the object as strongly (a new image rebuilds; a replace) needs no forcing.
    if (!changes.some((c) => c.apply === 'replace' || c.apply === forced.apply)) changes = [...changes, forced];
    warnings.push(`--replace: ${forced.apply === 'rebuild' ? 'rebuilt in place' : 'deleted and created again'} as asked`);
  }
  changes = [...changes, ...stampChanges(handler, observed, input.owner)];
  const action = actionOf(changes);
  return {
    action,
    changes,
    dataLoss: changes.some((c) => c.dataLoss),
    warnings: [...dataLossWarnings(manifest.kind, manifest.metadata.name, action, changes), ...warnings],
  };
}
