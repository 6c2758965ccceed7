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
 * - a null key is "null" for js-yaml and "" for `yaml`: left to `yaml`.
 * - nesting deeper than the loader's limit is left to `yaml`, which reports it.
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
  return documents.every(plain) ? documents : undefined;
}

/**
 * Whether a flow collection or a quoted scalar may span lines (`yaml`
 * refuses an under-indented continuation that js-yaml accepts): some line
 * opens more brackets than it closes, or opens a quote it does not close.
 */
function spansLines(text: string): boolean {
  for (const [line] of text.matchAll(/^.*["'[{].*$/gm)) {
    const bare = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""').replace(/(?:^|[ \t])#.*$/, '');
    if (/(?:^|[\s[{,:])["']/.test(bare.replaceAll('""', ''))) return true;
    if ((bare.match(/[[{]/g)?.length ?? 0) !== (bare.match(/[\]}]/g)?.length ?? 0)) return true;
  }
  return false;
}

/** No null key and no nesting past DEPTH_LIMIT (walked with an explicit stack). */
function plain(document: unknown): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: document, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= DEPTH_LIMIT) return false;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key === 'null') return false;
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  return true;
}
