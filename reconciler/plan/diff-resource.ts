import { errorDecision } from '../../provider/resources/server/server-handler.ts';
import type { ServerObserved } from '../../provider/resources/server/server-observed.ts';
import type { ServerSpec } from '../../provider/resources/server/server-spec.ts';
import { UnsupportedChangeError, type FieldChange } from '../../provider/resources/types.ts';
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
  readonly lastApplied?: unknown;
  computeAtLeast(major: number, minor: number): boolean;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The state store keeps secrets as `sha256:` digests (state-redact.ts),
 * but the server diff compares user data as text when the cloud hides it
 * (non-admins). A stored digest that matches the manifest's text means
 * "unchanged": hand the diff the text; any other digest stays, and differs.
 */
export function lastAppliedForDiff(manifest: Manifest, lastApplied: unknown, spec: unknown): unknown {
  if (manifest.kind !== 'Server' || lastApplied === null || typeof lastApplied !== 'object') return lastApplied;
  const stored = (lastApplied as Record<string, unknown>).userData;
  const desired = (spec as ServerSpec).userData;
  if (typeof stored === 'string' && DIGEST.test(stored) && typeof desired === 'string' && secretDigest(desired) === stored) {
    return { ...(lastApplied as Record<string, unknown>), userData: desired };
  }
  return lastApplied;
}

function failure(manifest: Manifest, path: string, code: PlanDiagnostic['code'], message: string): PlanDiagnostic {
  const at = path === '' ? manifest.source : manifest.locate(path);
  return { ...at, code, kind: manifest.kind, name: manifest.metadata.name, path, message, hints: [] };
}

/** A server in ERROR: the manifest's onError decides (recreate = replace, losing the disk). */
function serverError(spec: ServerSpec, observed: ServerObserved): { change?: FieldChange; warning?: string } {
  const decision = errorDecision(spec, observed);
  const fault = observed.fault?.message ?? 'no fault message';
  if (observed.status !== 'ERROR' && decision === 'keep') return {};
  if (decision === 'recreate') {
    return { change: { path: 'status', from: observed.status, to: spec.powerState === 'stopped' ? 'SHUTOFF' : 'ACTIVE', apply: 'replace', dataLoss: true } };
  }
  if (decision === 'keep') return { warning: `server ${observed.id} is in ERROR (${fault}); kept as it is (onError: keep)` };
  if (observed.status !== 'ERROR') return { warning: `server ${observed.id} is ${observed.status}; novaform manages only running and stopped servers: apply will stop at it` };
  return { warning: `server ${observed.id} is ERROR (${fault}); apply will stop at it (onError: fail)` };
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
    const lastApplied = lastAppliedForDiff(manifest, input.lastApplied, spec);
    changes = handler.diff(spec, observed, { computeAtLeast: input.computeAtLeast, lastApplied });
  } catch (error) {
    if (error instanceof UnsupportedChangeError) return failure(manifest, error.path, 'unsupported-change', error.message);
    return failure(manifest, '', 'invalid-spec', (error as Error).message);
  }
  const warnings: string[] = [];
  if (manifest.kind === 'Server') {
    const outcome = serverError(spec as ServerSpec, observed as ServerObserved);
    if (outcome.change) changes = [...changes, outcome.change];
    if (outcome.warning) warnings.push(outcome.warning);
  }
  const action = actionOf(changes);
  return {
    action,
    changes,
    dataLoss: changes.some((c) => c.dataLoss),
    warnings: [...dataLossWarnings(manifest.kind, manifest.metadata.name, action, changes), ...warnings],
  };
}
