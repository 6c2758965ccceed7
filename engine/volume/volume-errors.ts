import { ApiError, badRequest, notFound } from '../http/api-error.ts';

/**
 * Cinder's error messages (cinder/exception.py). Cinder renders faults like
 * Nova, so these are plain ApiErrors; what differs is the wording.
 */

/** `InvalidInput`: "Invalid input received: <reason>". */
export const invalidInput = (reason: string) => badRequest(`Invalid input received: ${reason}`);

/** `InvalidVolume`: "Invalid volume: <reason>". */
export const invalidVolume = (reason: string) => badRequest(`Invalid volume: ${reason}`);

export const volumeNotFound = (id: string) => notFound(`Volume ${id} could not be found.`);

/** `VolumeTypeNotFound` / `VolumeTypeNotFoundByName`, depending on how the type was named. */
export function volumeTypeNotFound(ref: string, byName: boolean): ApiError {
  return notFound(byName ? `Volume type with name ${ref} could not be found.` : `Volume type ${ref} could not be found.`);
}

/**
 * A `QuotaError` (413 overLimit, Retry-After 0): Cinder's FaultWrapper
 * prefixes the exception class name because these errors are "safe".
 */
export function quotaError(exceptionName: string, message: string): ApiError {
  return new ApiError(413, `${exceptionName}: ${message}`, 0);
}

/** cinder/api/openstack/wsgi.py: the project in the URL must be the token's. */
export const malformedUrl = () => badRequest('Malformed request url');
