/**
 * JSON paths as novaform prints them (`spec.volumes[0].volume`,
 * `spec.extraSpecs["hw:cpu_policy"]`), the form FieldChange paths use too.
 * A segment is a string (mapping key) or a number (sequence index).
 */

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats segments as a path.
 *
 * @example
 * formatPath(['spec', 'volumes', 0, 'volume'])   // 'spec.volumes[0].volume'
 * formatPath(['spec', 'extraSpecs', 'hw:numa'])  // 'spec.extraSpecs["hw:numa"]'
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Parses a path printed by `formatPath` back into segments.
 *
 * @example
 * parsePath('spec.volumes[0].volume') // ['spec', 'volumes', 0, 'volume']
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /(?:^|\.)([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < path.length && (match = re.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  if (re.lastIndex !== path.length && path.length > 0) throw new Error(`not a JSON path: ${path}`);
  return segments;
}

/**
 * Turns an ajv instancePath (a JSON pointer) into segments, using the data to
 * tell sequence indexes from mapping keys that look like numbers.
 *
 * @example
 * pointerToSegments('/spec/tags/0', { spec: { tags: ['a'] } }) // ['spec', 'tags', 0]
 */
export function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      segments.push(Number(key));
      node = node[Number(key)];
    } else {
      segments.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}
