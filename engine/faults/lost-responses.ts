import type { ApiFamily } from '../http/error-handler.ts';

/**
 * The `faults.lostResponses` knob: the engine processes a request in full
 * (the object is created and stored) and then closes the connection without
 * answering, so the client sees a reset ("socket hang up", "other side
 * closed"): an unknown outcome, the case a safe create must survive.
 *
 * Matching, per rule:
 * - `method`: the HTTP method, case-insensitive; absent matches any.
 * - `service`: `compute`, `volume`, `image` or `identity`; absent matches
 *   any (use it where two APIs share a path).
 * - `path`: matched against the request path without its query string, API
 *   prefix, version and project id: `/v2.1/servers` and
 *   `/v2.1/{project_id}/servers` are `/servers`; `/volume/v3/{project_id}/volumes`
 *   is `/volumes`; `/image/v2/images` is `/images`; `/v3/auth/tokens` is
 *   `/auth/tokens`. A pattern starting with `^` is a regular expression
 *   source (JavaScript syntax); any other string is a glob that must match
 *   the whole path, where `*` matches any characters except `/`.
 * - Only answers with a 2xx status are lost (the request took effect); the
 *   engine's own `/novaform/v1/...` routes never are.
 * - `probability` (0..1, default 1) is drawn from the engine's seeded random
 *   source (`faults.seed`), so runs repeat; `count` loses only the first N
 *   matching answers of that rule (a rule set at run time starts counting
 *   afresh).
 */
export interface LostResponseRule {
  method?: string;
  service?: ApiFamily;
  path: string;
  probability?: number;
  count?: number;
}

/** The path a rule's `path` pattern sees, and the API it belongs to; undefined for the engine's own routes. */
export function ruleTarget(url: string): { service: ApiFamily; path: string } | undefined {
  const path = url.split('?')[0] || '/';
  if (path.startsWith('/novaform/')) return undefined;
  const strip = (prefix: RegExp) => path.replace(prefix, '') || '/';
  if (path.startsWith('/volume')) return { service: 'volume', path: strip(/^\/volume(\/v[23](\/[0-9a-f-]{32,36})?)?/) };
  if (path.startsWith('/image')) return { service: 'image', path: strip(/^\/image(\/v2)?/) };
  if (path === '/v3' || path.startsWith('/v3/')) return { service: 'identity', path: strip(/^\/v3/) };
  // The compute project id is already out of the URL (app.ts rewriteUrl).
  return { service: 'compute', path: strip(/^\/v2\.1/) };
}

/** A rule's path pattern as a RegExp: `^...` as written, else a whole-path glob with `*` within one segment. */
export function pathPattern(pattern: string): RegExp {
  if (pattern.startsWith('^')) return new RegExp(pattern);
  const glob = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
  return new RegExp(`^${glob}$`);
}

/** Throws a one-line error naming the first rule whose `path` is not a valid regular expression. */
export function assertLostResponseRules(rules: readonly LostResponseRule[], where = 'faults.lostResponses'): void {
  rules.forEach((rule, index) => {
    try {
      pathPattern(rule.path);
    } catch (error) {
      throw new Error(`${where}[${index}].path: ${(error as Error).message}`);
    }
  });
}

interface RuleState {
  pattern: RegExp;
  lost: number;
}

/**
 * Decides, per answered request, whether its answer is lost. Reads the
 * rules from `rules()` on every call, so a test can change them while the
 * engine runs; each rule object keeps its own `count`.
 */
export class LostResponses {
  private readonly states = new WeakMap<LostResponseRule, RuleState>();

  constructor(
    private readonly rules: () => readonly LostResponseRule[] | undefined,
    private readonly random: () => number,
  ) {}

  /**
   * True when the answer to `method url` with `status` must be lost; the
   * caller MUST then close the connection without sending it.
   *
   * @example
   * const lost = new LostResponses(() => [{ method: 'POST', path: '/servers', count: 1 }], Math.random);
   * lost.shouldLose('POST', '/v2.1/servers', 202);   // true
   * lost.shouldLose('POST', '/v2.1/servers', 202);   // false: count reached
   */
  shouldLose(method: string, url: string, status: number): boolean {
    const rules = this.rules();
    if (!rules || rules.length === 0 || status < 200 || status > 299) return false;
    const target = ruleTarget(url);
    if (!target) return false;
    for (const rule of rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.service && rule.service !== target.service) continue;
      let state = this.states.get(rule);
      if (!state) {
        state = { pattern: pathPattern(rule.path), lost: 0 };
        this.states.set(rule, state);
      }
      if (!state.pattern.test(target.path)) continue;
      if (rule.count !== undefined && state.lost >= rule.count) continue;
      const probability = rule.probability ?? 1;
      // Draw only for a real chance, so certain rules leave the seeded sequence of other faults alone.
      if (probability <= 0 || (probability < 1 && this.random() >= probability)) continue;
      state.lost += 1;
      return true;
    }
    return false;
  }
}
