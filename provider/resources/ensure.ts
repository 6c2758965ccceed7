import { isOpenStackError, isOutcomeUnknown } from '../openstack/errors.ts';
import type { Clients } from '../openstack/openstack-client.ts';
import type { AnyKindModule } from './kind.ts';
import { isStampChange, stampChanges } from './ownership.ts';
import type { DiffContext, Owner, Readiness } from './types.ts';
import { ResourceFailedError, waitFor, type WaitOptions } from './wait.ts';

/**
 * The one safe-create rule every caller of a kind module follows (the
 * executor, Pulumi, tests):
 *
 * 1. `create` sends ONE request and returns the id; an unknown outcome is
 *    CreateOutcomeUnknownError and the request is never sent again;
 * 2. the id is recorded (`hooks.record`) before anything else can fail;
 * 3. then the waits, the stamp the create request could not carry
 *    (`restamp`), and the update of what create does not set.
 */

/** A create was sent and its answer lost: the object may exist. Never re-sent in the run; the next run adopts. */
export class CreateOutcomeUnknownError extends Error {
  constructor(readonly what: string, override readonly cause: unknown) {
    super(`${what}: the create request was sent but its outcome is unknown (${cause instanceof Error ? cause.message : String(cause)}); `
      + 'it is not sent again. The next plan finds the object by its ownership, or creates it once the grace period has passed');
    this.name = 'CreateOutcomeUnknownError';
  }
}

/**
 * True when the cloud may have acted on a create whose answer never came:
 * a timeout or reset after the request left, a cancellation (Ctrl-C, a
 * deadline) while it was on the wire, or a server-side failure (a 5xx from
 * Nova or a proxy in front of it may hide an object that was made). A
 * request refused before it was processed (4xx, 429) is not.
 */
export function outcomeMayBeUnknown(error: unknown): boolean {
  return isOutcomeUnknown(error) || (isOpenStackError(error) && error.status >= 500);
}

/** What the caller does between the steps. */
export interface CreateHooks {
  /** MUST persist the id before it resolves: called right after the cloud named it. */
  record(id: string): Promise<void>;
  /** Waits until the object is ready or has failed (and returns it either way). */
  settle(id: string): Promise<{ id: string }>;
  /** Waits until the object is ready (a failure throws). */
  ready(id: string): Promise<{ id: string }>;
}

/**
 * Sends the create once, records the id, waits until the object settled.
 *
 * @example
 * const observed = await createOnce(volumeKind, clients, owner, spec, hooks); // available (or error: see readiness)
 */
export async function createOnce(module: AnyKindModule, api: Clients, owner: Owner, spec: unknown, hooks: CreateHooks): Promise<{ id: string }> {
  let id: string;
  try {
    ({ id } = await module.create(api, owner, spec));
  } catch (error) {
    if (outcomeMayBeUnknown(error)) throw new CreateOutcomeUnknownError(`${owner.kind} ${owner.name}`, error);
    throw error;
  }
  await hooks.record(id);
  return hooks.settle(id);
}

/**
 * Stamps what the create request could not carry, diffs the object
 * against `spec` and applies what is left (never a replace: those are
 * returned for the caller to report). `context.lastApplied` decides which
 * foreign map keys are left alone.
 *
 * @example
 * const { observed, replace } = await completeCreate(flavorKind, clients, owner, spec, created, context, hooks);
 */
export async function completeCreate(
  module: AnyKindModule, api: Clients, owner: Owner, spec: unknown, observed: { id: string }, context: DiffContext, hooks: CreateHooks,
): Promise<{ observed: { id: string }; replace: string[] }> {
  let current = observed;
  if (module.restamp) {
    const stamp = module.stamp(current);
    if (stampChanges(module, current, owner).length > 0) {
      current = await module.restamp(api, current, owner);
    }
  }
  const changes = module.diff(spec, current, context).filter((c) => !isStampChange(c));
  const replace = changes.filter((c) => c.apply === 'replace').map((c) => c.path);
  const rest = changes.filter((c) => c.apply !== 'replace');
  if (rest.length === 0) return { observed: current, replace };
  const updated = await module.update(api, current, spec, rest);
  return { observed: await hooks.ready(updated.id), replace };
}

/**
 * Create, record, settle, stamp and converge in one call, with plain
 * waits: for callers without an executor (tests, Pulumi). A failed object
 * throws ResourceFailedError.
 *
 * @example
 * const volume = await ensureCreated(volumeKind, clients, owner, spec, { record: async (id) => saved.push(id) });
 */
export async function ensureCreated(module: AnyKindModule, api: Clients, owner: Owner, spec: unknown, options: PlainOptions = {}): Promise<any> {
  const hooks = plainHooks(module, api, options);
  const settled = await createOnce(module, api, owner, spec, hooks);
  return ensureCompleted(module, api, owner, spec, settled, options);
}

/**
 * The second half of `ensureCreated` for an object that exists (created
 * by an earlier run, adopted, imported): a failed one throws
 * ResourceFailedError; else it is stamped and converged.
 */
export async function ensureCompleted(module: AnyKindModule, api: Clients, owner: Owner, spec: unknown, observed: { id: string }, options: PlainOptions = {}): Promise<any> {
  const readiness = module.readiness(observed);
  if (readiness.state === 'failed') throw new ResourceFailedError(`${module.noun} ${observed.id}`, readiness.reason);
  const context: DiffContext = { computeAtLeast: (major, minor) => api.computeVersion.atLeast(major, minor), lastApplied: spec };
  return (await completeCreate(module, api, owner, spec, observed, context, plainHooks(module, api, options))).observed;
}

export interface PlainOptions {
  readonly record?: (id: string) => Promise<void>;
  readonly wait?: Omit<WaitOptions, 'kind' | 'what'>;
}

/** Hooks with plain waits (wait.ts) and a record callback. */
function plainHooks(module: AnyKindModule, api: Clients, options: PlainOptions): CreateHooks {
  const poll = (id: string, readiness: (o: { id: string }) => Readiness) =>
    waitFor(() => module.read(api, id), readiness, { ...options.wait, kind: module.kind, what: `${module.noun} ${id}` });
  return {
    record: options.record ?? (async () => undefined),
    settle: (id) => poll(id, (o) => {
      const state = module.readiness(o);
      return state.state === 'failed' ? { state: 'ready' } : state;
    }),
    ready: (id) => poll(id, (o) => module.readiness(o)),
  };
}
