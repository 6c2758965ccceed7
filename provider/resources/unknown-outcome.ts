import { isRetryable } from '../openstack/errors.ts';

/**
 * Non-idempotent follow-up actions (add_host, flavor access, os-extend,
 * ...) that fail with a transient error (5xx, timeout, reset) may or may
 * not have been processed; the client never re-sends them
 * (retry-policy.ts). The safety rule: look at the cloud first, then send
 * again only if nothing happened. Creates never come here: a create is
 * sent once (ensure.ts), because a "nothing found" may only mean the
 * listing lags.
 */

export interface SendAndVerifyOptions {
  /** Sends in total, first one included (default 5). */
  attempts?: number;
  /** Pause before a re-send; doubles each time (default 200 ms). */
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends once; on a retryable failure asks `verify` whether the request took
 * effect (re-read and check),
 * returns what `verify` found, else sends again, up to `attempts`. A
 * non-retryable failure, or the last retryable one, is thrown.
 *
 * @example
 * await sendAndVerify(
 *   async () => { await api.compute.post(`/os-aggregates/${id}/action`, { add_host: { host } }); return true; },
 *   async () => ((await readAggregate(api, id))?.hosts.includes(host) ? true : undefined),
 * );
 */
export async function sendAndVerify<T>(send: () => Promise<T>, verify: () => Promise<T | undefined>, options: SendAndVerifyOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delayMs = options.delayMs ?? 200;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const found = await verify();
      if (found !== undefined) return found;
      if (attempt >= attempts) throw error;
    }
    await sleep(delayMs);
    delayMs *= 2;
  }
}
