import type { RawResponse, ServiceName, Session } from './raw-cloud.ts';

/**
 * The differential test's machinery: a scripted sequence of steps, each
 * sent to the engine and to a real cloud, and a comparison of what came
 * back (status, error name, key sets; never values).
 */

/** The microversions of one run: compute, and the Cinder version sent with it. */
export interface Versions {
  compute: string;
  volume: string;
}

/** What a step can refer to on one target: its sessions and the ids earlier steps saved. */
export interface Vars {
  target: 'engine' | 'real';
  /** Prefix of every object this run creates: `nfd-<pid><time>-<mv>`. */
  prefix: string;
  admin: Session;
  demo: Session;
  imageId: string;
  /** Compute's unversioned root (`http://host:8774/`), Cinder's (`http://host:8776/`), Keystone's `/v3`. */
  computeRoot: string;
  volumeRoot: string;
  ids: Record<string, string>;
  /** Values saved for a later step to restore (e.g. a quota). */
  saved: Record<string, unknown>;
}

type Dyn<T> = T | ((v: Vars, mv: Versions) => T);
/** A JSON request body (not `unknown`, so that a body function gets its parameter types). */
export type Body = Record<string, unknown> | unknown[] | string | number | boolean | null;

export interface RequestStep {
  kind?: undefined;
  name: string;
  as: 'admin' | 'demo' | 'anon';
  service: ServiceName;
  method: string;
  /** Relative to the service's base URL, or absolute. */
  path: Dyn<string>;
  body?: Dyn<Body>;
  rawBody?: string;
  headers?: Dyn<Record<string, string>>;
  /** The microversion header: default the run's version for the service; `null` sends none; a string overrides. */
  mv?: string | null | ((mv: Versions) => string | null);
  /** Skip the step in runs where this is false. */
  when?: (mv: Versions) => boolean;
  /** Keep ids (or anything) from the response, per target. */
  save?: (v: Vars, r: RawResponse) => void;
  /** Send, but do not compare (set-up and clean-up). */
  compare?: false;
  /** Key paths whose keys are data (host names, ids), compared as "a map" only. */
  dataMaps?: string[];
}

export interface WaitStep {
  kind: 'wait';
  name: string;
  as: 'admin' | 'demo';
  service: ServiceName;
  path: Dyn<string>;
  until: (r: RawResponse) => boolean;
  timeoutMs?: number;
  when?: (mv: Versions) => boolean;
}

export type Step = RequestStep | WaitStep;

export interface Outcome {
  status: number;
  /** The error body's name (`badRequest`, `itemNotFound`, Keystone's `error`), for statuses ≥ 400. */
  error?: string;
  /** Key shape of a JSON body: objects → key maps, arrays → the merge of their items. */
  shape?: Shape;
  /** A wait that timed out. */
  timedOut?: boolean;
  /** The error message (informational: messages are reported, not compared). */
  message?: string;
}

export type Shape = { kind: 'object'; keys: Record<string, Shape> } | { kind: 'array'; item?: Shape } | { kind: 'value'; type: string };

export interface Difference {
  step: string;
  mv: string;
  /** `status`, `error`, `wait`, or a key path (`server.flavor.extra_specs`, `servers[].id`). */
  path: string;
  engine: string;
  real: string;
}

const resolve = <T>(value: Dyn<T>, v: Vars, mv: Versions): T => (typeof value === 'function' ? (value as (v: Vars, mv: Versions) => T)(v, mv) : value);

export function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) {
    let item: Shape | undefined;
    for (const element of value) item = item ? mergeShapes(item, shapeOf(element)) : shapeOf(element);
    return { kind: 'array', item };
  }
  if (value !== null && typeof value === 'object') {
    const keys: Record<string, Shape> = {};
    for (const [k, v] of Object.entries(value)) keys[k] = shapeOf(v);
    return { kind: 'object', keys };
  }
  return { kind: 'value', type: value === null ? 'null' : typeof value };
}

/** Union of two shapes (list items that differ, e.g. a server with a fault and one without). */
function mergeShapes(a: Shape, b: Shape): Shape {
  if (a.kind === 'object' && b.kind === 'object') {
    const keys: Record<string, Shape> = { ...a.keys };
    for (const [k, s] of Object.entries(b.keys)) keys[k] = keys[k] ? mergeShapes(keys[k]!, s) : s;
    return { kind: 'object', keys };
  }
  if (a.kind === 'array' && b.kind === 'array') return { kind: 'array', item: a.item && b.item ? mergeShapes(a.item, b.item) : a.item ?? b.item };
  // Mixed kinds (null in one item, an object in another): the structured one says more.
  return a.kind !== 'value' ? a : b;
}

/** The error name of an OpenStack error body: its single top-level key (`{"badRequest": {...}}`, Keystone's `{"error": {...}}`). */
export function errorName(r: RawResponse): string {
  if (r.body === undefined) return r.text.trim() ? '(not json)' : '(empty)';
  if (r.body && typeof r.body === 'object' && !Array.isArray(r.body)) {
    const keys = Object.keys(r.body);
    if (keys.length === 1) return keys[0]!;
    // Glance-style {message, code, title}
    return `{${keys.sort().join(',')}}`;
  }
  return '(not an object)';
}

/** The message of an error body: Nova/Cinder `{name: {message}}`, Keystone `{error: {message}}`, webob `{message}`. */
export function errorMessage(r: RawResponse): string | undefined {
  const body = r.body as Record<string, any> | undefined;
  if (!body || typeof body !== 'object') return r.text.slice(0, 200) || undefined;
  if (typeof body.message === 'string') return body.message;
  const inner = Object.values(body)[0];
  return inner && typeof inner === 'object' && typeof inner.message === 'string' ? inner.message : undefined;
}

export function outcomeOf(r: RawResponse): Outcome {
  if (r.status >= 400) return { status: r.status, error: errorName(r), message: errorMessage(r) };
  return { status: r.status, shape: r.body === undefined ? undefined : shapeOf(r.body) };
}

const describeShape = (s: Shape | undefined): string => (s === undefined ? 'absent' : s.kind === 'value' ? s.type : s.kind);

/** Key-set differences between two shapes; values never count, nor null against a value of another type. */
export function shapeDifferences(engine: Shape | undefined, real: Shape | undefined, path: string, dataMaps: Set<string>, out: { path: string; engine: string; real: string }[]): void {
  if (engine === undefined || real === undefined) {
    if (engine !== real) out.push({ path: path || '(body)', engine: describeShape(engine), real: describeShape(real) });
    return;
  }
  if (engine.kind === 'value' && real.kind === 'value') return;
  if (engine.kind !== real.kind) {
    out.push({ path: path || '(body)', engine: describeShape(engine), real: describeShape(real) });
    return;
  }
  if (engine.kind === 'array' && real.kind === 'array') {
    // An empty list on either side says nothing about the items' keys.
    if (engine.item && real.item) shapeDifferences(engine.item, real.item, `${path}[]`, dataMaps, out);
    return;
  }
  if (engine.kind === 'object' && real.kind === 'object') {
    if (dataMaps.has(path)) return;
    const keys = new Set([...Object.keys(engine.keys), ...Object.keys(real.keys)]);
    for (const key of [...keys].sort()) {
      const sub = path ? `${path}.${key}` : key;
      const e = engine.keys[key];
      const r = real.keys[key];
      if (!e || !r) out.push({ path: sub, engine: e ? 'present' : 'absent', real: r ? 'present' : 'absent' });
      else shapeDifferences(e, r, sub, dataMaps, out);
    }
  }
}

export function compareOutcomes(step: string, mv: string, engine: Outcome, real: Outcome, dataMaps: string[] = []): Difference[] {
  const diffs: Difference[] = [];
  if (engine.timedOut || real.timedOut) {
    if (engine.timedOut !== real.timedOut) diffs.push({ step, mv, path: 'wait', engine: engine.timedOut ? 'timeout' : 'ok', real: real.timedOut ? 'timeout' : 'ok' });
    return diffs;
  }
  if (engine.status !== real.status) {
    diffs.push({ step, mv, path: 'status', engine: String(engine.status), real: String(real.status) });
    return diffs;
  }
  if (engine.error !== real.error) diffs.push({ step, mv, path: 'error', engine: engine.error ?? '-', real: real.error ?? '-' });
  const found: { path: string; engine: string; real: string }[] = [];
  shapeDifferences(engine.shape, real.shape, '', new Set(dataMaps), found);
  for (const f of found) diffs.push({ step, mv, ...f });
  return diffs;
}

/** Sends a request step for one target; undefined when the step is skipped in this run. */
export async function sendStep(step: RequestStep, v: Vars, mv: Versions): Promise<RawResponse> {
  const session = step.as === 'anon' ? v.admin : v[step.as];
  const version = typeof step.mv === 'function' ? step.mv(mv) : step.mv === undefined ? (step.service === 'volume' ? mv.volume : step.service === 'compute' ? mv.compute : null) : step.mv;
  const path = resolve(step.path, v, mv);
  return session.request(step.service, step.method, path, {
    body: step.body === undefined ? undefined : resolve(step.body, v, mv),
    rawBody: step.rawBody,
    headers: step.headers === undefined ? undefined : resolve(step.headers, v, mv),
    mv: version ?? undefined,
    anonymous: step.as === 'anon',
  });
}

/** Polls a wait step for one target. */
export async function runWait(step: WaitStep, v: Vars, mv: Versions): Promise<Outcome> {
  const deadline = Date.now() + (step.timeoutMs ?? 60000);
  const path = resolve(step.path, v, mv);
  let last: RawResponse | undefined;
  while (Date.now() < deadline) {
    last = await v[step.as].request(step.service, 'GET', path);
    if (step.until(last)) return { status: last.status };
    await new Promise((r) => setTimeout(r, v.target === 'engine' ? 20 : 250));
  }
  return { status: last?.status ?? 0, timedOut: true };
}

/** An allowed difference: one per (step, microversions, path) with the observed values and why. */
export interface AllowedDifference {
  /** The step, or the steps that show the same difference for the same reason. */
  step: string | string[];
  /** The runs (compute microversions) it shows in, or '*' for all. */
  mv: string[] | '*';
  path: string;
  engine: string;
  real: string;
  why: string;
  /** Shows only sometimes (timing on the real cloud): not reported when it does not show. */
  flaky?: boolean;
}

export function isAllowed(d: Difference, list: AllowedDifference[]): AllowedDifference | undefined {
  return list.find((a) => stepsOf(a).includes(d.step) && (a.mv === '*' || a.mv.includes(d.mv)) && a.path === d.path && a.engine === d.engine && a.real === d.real);
}

export function stepsOf(a: AllowedDifference): string[] {
  return Array.isArray(a.step) ? a.step : [a.step];
}

export const formatDifference = (d: Difference) => `[${d.mv}] ${d.step} :: ${d.path}: engine ${d.engine}, real ${d.real}`;

/** A message with the run's ids, names and numbers masked, so two clouds' messages compare. */
export function maskMessage(message: string, v: Vars): string {
  let out = message;
  const values = [...Object.values(v.ids), v.prefix, v.demo.projectId, v.admin.projectId, v.demo.userId, v.admin.userId, v.imageId];
  // Longest first; short ids (an aggregate's "1") are left to the number mask.
  for (const value of values.filter((x) => x && x.length >= 8).sort((a, b) => b.length - a.length)) out = out.split(value).join('<id>');
  return out
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/req-<uuid>/g, '<req>')
    .replace(/\b[0-9a-f]{32}\b/g, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>');
}
