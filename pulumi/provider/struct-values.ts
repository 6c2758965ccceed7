/**
 * Protobuf Struct <-> plain JSON for the plugin server, with Pulumi's
 * sentinels: what the engine sends is unwrapped into plain values (plus the
 * paths that were secret), and what novaform answers is wrapped again.
 *
 * Rules:
 * - Input secrets MUST be unwrapped and their paths remembered, so the
 *   server can send the same paths back as secrets.
 * - The unknown sentinel (a preview's "not known yet") MUST pass through on
 *   input as the string itself; on output it is kept only with
 *   `keepUnknowns` (previews), as Pulumi's own marshalling does.
 * - Resource references, assets, archives and output values MUST be refused
 *   with a one-line error naming the property: novaform's kinds take none.
 *
 * The sentinel values are Pulumi's (node_modules/@pulumi/pulumi/runtime/rpc.js).
 */
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import type { JavaScriptValue, Struct } from 'google-protobuf/google/protobuf/struct_pb.js';

/** The key whose value says which special value an object encodes. */
export const SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const RESOURCE_SIG = '5cf8f73096256a8f31e491e813e4eb8e';
export const ASSET_SIG = 'c44067f5952c0a294b673a41bacd8c17';
export const ARCHIVE_SIG = '0def7320c3a5731c473e5ecbe6d01bc7';
export const OUTPUT_VALUE_SIG = 'd0e6a833031e9bbcd3f4e8bde6ca49a4';
/** A value the engine does not know yet (preview). */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

const REFUSED: Readonly<Record<string, string>> = {
  [RESOURCE_SIG]: 'resource references are not supported; pass the resource id as a string',
  [ASSET_SIG]: 'assets are not supported',
  [ARCHIVE_SIG]: 'archives are not supported',
  [OUTPUT_VALUE_SIG]: 'output values are not supported',
};

/** A property path: object keys and array indexes from the top. */
export type PropertyPath = readonly (string | number)[];

/** Raised for a value novaform cannot take; the message is one line. */
export class UnsupportedValueError extends Error {
  override readonly name = 'UnsupportedValueError';
}

export interface Unwrapped {
  readonly value: Record<string, unknown>;
  /** Paths whose values arrived as secrets, outermost first. */
  readonly secrets: readonly PropertyPath[];
}

/**
 * Formats a path the way Pulumi prints property paths.
 *
 * @example formatPath(['volumes', 0, 'volume']) // 'volumes[0].volume'
 */
export function formatPath(path: PropertyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * Unwraps a Struct (or its plain JavaScript form) into plain JSON.
 *
 * @example
 * const { value, secrets } = unwrapStruct(request.getNews());
 * // value.adminPass is the clear string; secrets deep-equals [['adminPass']]
 */
export function unwrapStruct(struct: Struct | Record<string, unknown> | undefined): Unwrapped {
  if (struct === undefined) return { value: {}, secrets: [] };
  const raw = struct instanceof structPb.Struct ? struct.toJavaScript() : struct;
  const secrets: PropertyPath[] = [];
  const value = unwrapValue(raw, [], secrets);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnsupportedValueError('properties must be an object');
  }
  return { value: value as Record<string, unknown>, secrets };
}

function unwrapValue(value: unknown, path: PropertyPath, secrets: PropertyPath[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => unwrapValue(item, [...path, i], secrets));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const sig = object[SIG_KEY];
  if (sig === SECRET_SIG) {
    secrets.push(path);
    return unwrapValue(object.value, path, secrets);
  }
  if (typeof sig === 'string') {
    const where = path.length === 0 ? 'properties' : `property ${formatPath(path)}`;
    throw new UnsupportedValueError(`${where}: ${REFUSED[sig] ?? `unsupported special value ${sig}`}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) out[key] = unwrapValue(item, [...path, key], secrets);
  return out;
}

export interface WrapOptions {
  /** Paths to send as secrets; a path that is absent from the value is skipped. */
  readonly secrets?: readonly PropertyPath[];
  /** Keep the unknown sentinel (previews); otherwise unknown values are dropped. */
  readonly keepUnknowns?: boolean;
}

/**
 * Wraps plain JSON into a Struct, marking the given paths secret.
 * `undefined` members are dropped, as JSON would.
 *
 * @example
 * wrapStruct({ id: 'f1', adminPass: 'pw' }, { secrets: [['adminPass']] })
 */
export function wrapStruct(value: Record<string, unknown>, options: WrapOptions = {}): Struct {
  return structPb.Struct.fromJavaScript(wrapPlain(value, options) as Record<string, JavaScriptValue>);
}

/**
 * The plain JavaScript form of what `wrapStruct` sends (sentinel objects included).
 *
 * @example wrapPlain({ a: UNKNOWN }, { keepUnknowns: false }) // {}
 */
export function wrapPlain(value: Record<string, unknown>, options: WrapOptions = {}): Record<string, unknown> {
  const secrets = options.secrets ?? [];
  const wrapped = wrapValue(value, [], secrets, options.keepUnknowns ?? false);
  return (wrapped ?? {}) as Record<string, unknown>;
}

function isSecretPath(path: PropertyPath, secrets: readonly PropertyPath[]): boolean {
  return secrets.some((s) => s.length === path.length && s.every((part, i) => part === path[i]));
}

function wrapValue(value: unknown, path: PropertyPath, secrets: readonly PropertyPath[], keepUnknowns: boolean): unknown {
  if (value === undefined) return undefined;
  if (value === UNKNOWN && !keepUnknowns) return undefined;
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item, i) => wrapValue(item, [...path, i], secrets, keepUnknowns)).filter((item) => item !== undefined);
  } else if (value !== null && typeof value === 'object') {
    const object: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const wrapped = wrapValue(item, [...path, key], secrets, keepUnknowns);
      if (wrapped !== undefined) object[key] = wrapped;
    }
    out = object;
  } else if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new UnsupportedValueError(`property ${formatPath(path)}: ${value} is not a JSON number`);
  } else {
    out = value;
  }
  return path.length > 0 && isSecretPath(path, secrets) ? { [SIG_KEY]: SECRET_SIG, value: out } : out;
}
