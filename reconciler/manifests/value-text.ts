import type { PathSegment } from './json-path.ts';

/**
 * How values appear in messages: short, typed, and never the content of a
 * field that may hold a secret or a key (userData, publicKey).
 */

const UNECHOED_FIELDS = new Set(['userData', 'publicKey']);
const MAX_ECHO = 40;

/**
 * "string \"two\"", "boolean true", "a mapping", "null (an empty value)".
 *
 * @example
 * describeValue('two', ['spec', 'vcpus']) // 'string "two"'
 * describeValue('#cloud-config…', ['spec', 'userData']) // 'a string of 14 characters'
 */
export function describeValue(value: unknown, path: readonly PathSegment[] = []): string {
  if (value === null || value === undefined) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    if (path.some((segment) => typeof segment === 'string' && UNECHOED_FIELDS.has(segment))) return `a string of ${[...value].length} characters`;
    return `string ${quote(value)}`;
  }
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  return `${typeof value} ${String(value)}`;
}

/** A string in double quotes, shortened past 40 characters. */
export function quote(text: string): string {
  const chars = [...text];
  return JSON.stringify(chars.length > MAX_ECHO ? `${chars.slice(0, MAX_ECHO - 1).join('')}…` : text);
}

const PLAIN = /^[A-Za-z_/~.][\w./@:+-]*$/;
const YAML_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/**
 * A value as YAML flow text, for "e.g." hints.
 *
 * @example
 * flowYaml('web')                // 'web'
 * flowYaml('2GiB')               // '"2GiB"'
 * flowYaml({ 'hw:cpu_policy': 'dedicated' }) // '{"hw:cpu_policy":"dedicated"}'
 */
export function flowYaml(value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) && !YAML_WORDS.test(value) && !/^[0-9]/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** `name: value` (or `- value` in a list) as a hint's example. */
export function exampleLine(path: readonly PathSegment[], example: unknown): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `e.g. ${last}: ${flowYaml(example)}` : `e.g. - ${flowYaml(example)}`;
}
