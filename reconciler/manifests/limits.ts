/**
 * Resource limits of the loader, so a hostile or accidental input (a huge
 * file, a YAML alias bomb) is refused before it costs memory.
 */
export interface LoadLimits {
  /** Largest manifest file, bytes. Default 1 MiB. */
  readonly maxFileBytes: number;
  /** Largest sum of all manifest files, bytes. Default 10 MiB. */
  readonly maxTotalBytes: number;
  /** yaml's `maxAliasCount`: how many nodes aliases may expand to per document. Default 100. */
  readonly maxAliasCount: number;
  /** Largest `publicKeyFile`, bytes. Default 64 KiB (an x509 certificate chain fits). */
  readonly maxPublicKeyFileBytes: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 10 * 1024 * 1024,
  maxAliasCount: 100,
  maxPublicKeyFileBytes: 64 * 1024,
};

/**
 * The limits in effect: defaults overridden by `overrides`.
 *
 * @example
 * resolveLimits({ maxFileBytes: 2 ** 21 }).maxTotalBytes // 10485760
 */
export function resolveLimits(overrides: Partial<LoadLimits> = {}): LoadLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`limit ${name} must be a non-negative integer, got ${value}`);
  }
  return limits;
}

/** "1.5 MiB" for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
