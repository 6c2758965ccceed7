import type { ControllerEvent, ControllerStatus } from '../controller-model.ts';

/**
 * What the controller's HTTP server needs of the controller: a read-only
 * view plus one write (approve). The controller implements it; the server
 * never reaches into the loop, the queue or the state store itself.
 *
 * Contract:
 * - `status()` MUST return a display-safe snapshot (no secrets) and SHOULD be cheap: it is called per request.
 * - `events({ since, limit })` MUST return events with `seq > since` (all when `since` is absent),
 *   oldest first, at most `limit` (default 100) of them; the first ones when more exist, so a reader
 *   pages forward with `since = last.seq`.
 * - `subscribe(listener)` MUST call `listener` once per event published after it is called, in
 *   `seq` order, and MUST stop after the returned function is called. It MUST NOT throw from the
 *   publisher's side when a listener throws.
 * - `approve(key, fingerprint, by)` MUST refuse (ok: false, with a one-line reason) a key that waits
 *   for no approval or a fingerprint that is not the one waiting: approving a change someone has not
 *   seen is never allowed.
 * - `healthy()` is false only when the loop is dead or wedged (a liveness probe restarts the process).
 * - `ready()` is true once this instance is leader, its first pass is done and its manifests are valid.
 *
 * @example
 * const view: ControllerView = {
 *   status: () => controller.snapshot(),
 *   events: ({ since, limit }) => journal.after(since ?? 0, limit ?? 100),
 *   subscribe: (listener) => journal.on(listener),
 *   approve: (key, fingerprint, by) => controller.approve({ key, fingerprint, by }),
 *   healthy: () => loop.alive,
 *   ready: () => (loop.leader ? { ready: true } : { ready: false, reason: 'waiting for the lease' }),
 * };
 */
export interface ControllerView {
  status(): ControllerStatus;
  /** Events with `seq > since`, oldest first, at most `limit` (default 100). */
  events(query: { since?: number; limit?: number }): readonly ControllerEvent[];
  /** Calls `listener` for every event published from now on; returns the unsubscribe function. */
  subscribe(listener: (event: ControllerEvent) => void): () => void;
  approve(key: string, fingerprint: string, by: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** The loop is alive. */
  healthy(): boolean;
  /** Leader, first pass done, manifests valid; `reason` says what is missing. */
  ready(): { ready: boolean; reason?: string };
}
