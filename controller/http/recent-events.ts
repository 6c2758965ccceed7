import type { ControllerEvent } from '../controller-model.ts';
import type { ControllerView } from './controller-view.ts';

/**
 * The newest `count` events, oldest first, through a view that only pages
 * forward (`seq > since`). Reading every event to keep the tail would cost a
 * page load per stored event; instead the newest seq is found by galloping
 * then bisecting on "is there an event after s?" (monotone in s, so gaps from
 * trimmed history do not matter), and one page ends there.
 *
 * @example
 * recentEvents(view, 50) // the last 50 events, e.g. seq 951..1000
 */
export function recentEvents(view: Pick<ControllerView, 'events'>, count: number): readonly ControllerEvent[] {
  if (count <= 0) return [];
  const after = (since: number): boolean => view.events({ since, limit: 1 }).length > 0;
  if (!after(0)) return view.events({ limit: count }).slice(-count);
  // Invariant: an event exists after `low`, none after `high`.
  let low = 0;
  let high = 1;
  while (after(high)) {
    low = high;
    high *= 2;
    if (high > Number.MAX_SAFE_INTEGER / 2) break;
  }
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2);
    if (after(mid)) low = mid;
    else high = mid;
  }
  const newest = high;
  return view.events({ since: Math.max(0, newest - count), limit: count });
}
