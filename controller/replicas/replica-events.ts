import type { ControllerEvent } from '../controller-model.ts';

/**
 * A replica's own event stream (`/events`, `/events/stream`, the status
 * page): the events of every stack controller it holds, in the order they
 * happened, each marked with its `stack` and renumbered with the
 * replica's own `seq` (each controller counts its own from its store, so
 * their numbers collide).
 *
 * Contract:
 * - `seq` increases by one per event across the replica's life; the
 *   newest `keep` are kept for `events()`.
 * - A controller is followed from `follow` until the function it returns
 *   is called (the stack is given up): events after that are not taken.
 * - Listeners get each event as it is taken, already renumbered.
 */

/** The stacks' controllers as the replica sees them: their new events, as they happen. */
export interface EventSource {
  subscribe(listener: (event: ControllerEvent) => void): () => void;
}

export interface ReplicaEvents {
  follow(stack: string, controller: EventSource): () => void;
  events(query: { since?: number; limit?: number }): ControllerEvent[];
  subscribe(listener: (event: ControllerEvent) => void): () => void;
}

/**
 * @example
 * const events = openReplicaEvents();
 * const unfollow = events.follow('web', controller);
 * events.events({ since: 0, limit: 100 }); // [{ seq: 1, stack: 'web', reason: 'LeaseAcquired', ... }]
 */
export function openReplicaEvents(keep = 1000): ReplicaEvents {
  const kept: ControllerEvent[] = [];
  const listeners = new Set<(event: ControllerEvent) => void>();
  let seq = 0;
  return {
    follow(stack, controller) {
      return controller.subscribe((event) => {
        const taken: ControllerEvent = { ...event, seq: ++seq, stack };
        kept.push(taken);
        if (kept.length > keep) kept.splice(0, kept.length - keep);
        for (const listener of listeners) listener(taken);
      });
    },
    events({ since = 0, limit = 100 }) {
      return kept.filter((e) => e.seq > since).slice(0, limit);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
