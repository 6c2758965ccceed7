import { MicroversionError } from './errors.ts';

/**
 * Microversions novaform is written for, and negotiation against a cloud.
 * Versions are strings: 2.100 is not the number 2.1.
 */

export interface Microversion {
  readonly major: number;
  readonly minor: number;
}

/** The newest compute microversion novaform knows (the engine's maximum). */
export const COMPUTE_WANTED = '2.100';

/**
 * The oldest compute microversion novaform accepts: 2.53 (Pike, 2017).
 * From 2.53 on services and hypervisors are addressed by UUID and
 * force-down is `PUT /os-services/{id}` (below it, integer ids and another
 * API); every older feature the handlers rely on is then guaranteed without
 * branches: keypair types (2.2), server description (2.19), tags (2.26),
 * `networks` required with "none"/"auto" (2.37), paged keypairs (2.35),
 * flavor description is 2.55 and key_name on rebuild 2.54, so those two
 * are gated with `atLeast` by their handlers instead.
 */
export const COMPUTE_MINIMUM = '2.53';

/**
 * Block storage: written for 3.70 (Zed); needs only 3.0, because the
 * volume handler uses create, show, list, metadata and os-extend, all in
 * the v3 base. Newer behaviour (e.g. extend in use, 3.42) is gated with
 * `atLeast`.
 */
export const VOLUME_WANTED = '3.70';
export const VOLUME_MINIMUM = '3.0';

export type MicroversionService = 'compute' | 'volume';

export interface MicroversionPolicy {
  service: MicroversionService;
  minimum: string;
  wanted: string;
}

export const COMPUTE_POLICY: MicroversionPolicy = { service: 'compute', minimum: COMPUTE_MINIMUM, wanted: COMPUTE_WANTED };
export const VOLUME_POLICY: MicroversionPolicy = { service: 'volume', minimum: VOLUME_MINIMUM, wanted: VOLUME_WANTED };

/** What the cloud's version document advertises. */
export interface VersionRange {
  min: Microversion;
  max: Microversion;
}

export function parseMicroversion(value: string): Microversion {
  const match = /^(\d+)\.(\d+)$/.exec(value.trim());
  if (!match) throw new MicroversionError(`'${value}' is not a microversion (expected MAJOR.MINOR, e.g. 2.53)`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function formatMicroversion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** The version in use for one service; handlers ask it what they may rely on. */
export interface NegotiatedVersion {
  readonly service: MicroversionService;
  readonly version: Microversion;
  /** What the cloud supports. */
  readonly cloud: VersionRange;
  /** `atLeast(2, 57)`: may the handler use behaviour from 2.57? */
  atLeast(major: number, minor: number): boolean;
  /** The value of `OpenStack-API-Version`, e.g. `compute 2.100`. */
  header(): string;
  toString(): string;
}

export function negotiated(service: MicroversionService, version: Microversion, cloud: VersionRange): NegotiatedVersion {
  return {
    service,
    version,
    cloud,
    atLeast: (major, minor) => compareMicroversions(version, { major, minor }) >= 0,
    header: () => `${service} ${formatMicroversion(version)}`,
    toString: () => formatMicroversion(version),
  };
}

/**
 * min(cloud max, wanted), refused when that is below novaform's minimum
 * or the cloud's minimum is above what novaform knows.
 *
 * @example
 * negotiateMicroversion(COMPUTE_POLICY, { min: {major: 2, minor: 1}, max: {major: 2, minor: 93} }).toString() // '2.93'
 * negotiateMicroversion(COMPUTE_POLICY, { min: {major: 2, minor: 1}, max: {major: 2, minor: 20} })
 * // throws "the cloud's compute API supports up to 2.20; novaform needs at least 2.53"
 */
export function negotiateMicroversion(policy: MicroversionPolicy, cloud: VersionRange): NegotiatedVersion {
  const minimum = parseMicroversion(policy.minimum);
  const wanted = parseMicroversion(policy.wanted);
  if (compareMicroversions(cloud.max, minimum) < 0) {
    throw new MicroversionError(`the cloud's ${policy.service} API supports up to ${formatMicroversion(cloud.max)}; novaform needs at least ${policy.minimum}`);
  }
  if (compareMicroversions(cloud.min, wanted) > 0) {
    throw new MicroversionError(`the cloud's ${policy.service} API requires at least ${formatMicroversion(cloud.min)}; novaform supports up to ${policy.wanted}`);
  }
  const version = compareMicroversions(cloud.max, wanted) < 0 ? cloud.max : wanted;
  return negotiated(policy.service, version, cloud);
}
