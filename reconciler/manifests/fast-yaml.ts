import { FAILSAFE_SCHEMA, loadAll, Type, types } from 'js-yaml';

/**
 * The fast way to read a manifest file: js-yaml, about ten times faster than
 * `yaml` because it builds no syntax tree (so it gives no positions). It
 * MUST only return what `yaml` would read from the same text, with no error
 * or warning: when it cannot be sure, it returns undefined and the caller
 * parses the whole file with `yaml`, whose diagnostics stay the reference.
 * test/reconciler/manifests/fast-yaml.test.ts compares the two.
 *
 * Where the two readers differ, and how each difference is kept out:
 * - js-yaml's core schema reads `0b11` as 3 and `-.5` as a string; the
 *   schema below resolves numbers with YAML 1.2 core's own patterns, as
 *   `yaml` does.
 * - js-yaml expands aliases without `maxAliasCount`, reads custom tags its
 *   own way and ignores `%YAML 1.1`: a file with an anchor, alias, tag or
 *   directive is left to `yaml`.
 * - js-yaml accepts a comment right after a closing quote (`"b"#c`) and
 *   content on a `---` line that `yaml` refuses: left to `yaml`.
 * - js-yaml accepts a flow collection or a quoted scalar continued on a
 *   less indented line, which `yaml` refuses: a file where one may span
 *   lines is left to `yaml`.
 * - a null key is "null" for js-yaml and "" for `yaml`, a collection key
 *   is stringified differently: left to `yaml`.
 * - nesting as deep as MAX_NESTING is left to `yaml`, which reports it.
 * - any js-yaml error (syntax, duplicate key, stack overflow) is left to `yaml`.
 */

/** YAML 1.2 core integers (yaml's `intOct`, `int`, `intHex`). */
const coreInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data) => data !== null && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data),
  construct: (data) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : parseInt(data, 10)),
});

/** YAML 1.2 core floats (yaml's `floatNaN`, `floatExp`, `float`). */
const coreFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data) => data !== null && /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(data),
  construct: (data) => {
    if (/^\.nan$/i.test(data)) return Number.NaN;
    if (/^[-+]?\.inf$/i.test(data)) return data.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return parseFloat(data);
  },
});

const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, coreInt, coreFloat] });

/** Text js-yaml may read differently from `yaml` (see above); conservative: a false alarm only costs speed. */
const LEFT_TO_YAML = [
  /(?:^|[\s[\]{},:])[&*!]/, // an anchor, alias or tag
  /^%/m, // a directive
  /["']#/, // a comment glued to a quoted scalar
  /^(?:---|\.\.\.)[ \t]+[^\s#]/m, // content on a document marker's line
  /^[ \t]*(?:-[ \t]+)*[[{].*[\]}][ \t]*:(?:[ \t]|$)/m, // a flow collection as a key
  /^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)/m, // an explicit key
  /[[{,][ \t]*[[{]/, // a flow collection inside another (maybe a key)
];

/** Lists and mappings nested this deep are left to `yaml`, which refuses them with their place. */
const DEPTH_LIMIT = 100;

/**
 * The documents of `text` as `yaml` would read them (empty ones as null, at
 * the same indexes), or undefined when `yaml` must read the file.
 *
 * @example
 * readFastYaml('a: 1\n---\nb: [x]\n') // [{ a: 1 }, { b: ['x'] }]
 * readFastYaml('a: &x 1\nb: *x\n') // undefined
 */
export function readFastYaml(text: string): unknown[] | undefined {
  if (LEFT_TO_YAML.some((pattern) => pattern.test(text)) || spansLines(text)) return undefined;
  let documents: unknown[];
  try {
    documents = loadAll(text, undefined, { schema: SCHEMA, json: false });
  } catch {
    return undefined;
  }
  return documents.every((document) => plain(document)) ? documents : undefined;
}

/**
 * Whether a flow collection or a quoted scalar may span lines (`yaml`
 * refuses an under-indented continuation that js-yaml accepts): some line
 * opens more brackets than it closes, or opens a quote it does not close.
 */
function spansLines(text: string): boolean {
  for (const [line] of text.matchAll(/^.*["'[{].*$/gm)) {
    if (leavesOpen(line)) return true;
  }
  return false;
}

/** Whether `line` ends inside a quoted scalar or a flow collection (a comment ends it). */
function leavesOpen(line: string): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quote) {
      if (char === '\\' && quote === '"') i += 1;
      else if (char === quote && quote === "'" && line[i + 1] === "'") i += 1;
      else if (char === quote) quote = '';
      continue;
    }
    const after = i === 0 ? ' ' : line[i - 1]!;
    if (char === '#' && (after === ' ' || after === '\t')) break;
    if ((char === '"' || char === "'") && ' \t[{,:'.includes(after)) quote = char;
    else if (char === '[' || char === '{') depth += 1;
    else if (char === ']' || char === '}') depth -= 1;
  }
  return quote !== '' || depth !== 0;
}

/** No null key and no nesting past DEPTH_LIMIT (the recursion stops there, so it cannot run out of stack). */
function plain(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth >= DEPTH_LIMIT) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!plain(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (key === 'null' || !plain((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
