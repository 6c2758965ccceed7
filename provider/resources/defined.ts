/**
 * A copy of `value` without its undefined properties, so optional spec
 * fields a manifest leaves out are absent rather than present-but-undefined
 * (diffs and canonical JSON treat the two alike only when absent). Pure.
 *
 * @example
 * defined({ name: 'web', description: undefined }) // { name: 'web' }
 */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
