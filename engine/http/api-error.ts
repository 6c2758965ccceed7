/**
 * An error that becomes an HTTP response. Route code throws these; the
 * error handler renders them in the wire format of the API that was called
 * (Nova/Cinder fault bodies, Keystone's `error` object, Glance's text).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds for Retry-After on 413/429/503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const unauthorized = (message = 'The request you have made requires authentication.') => new ApiError(401, message);
export const forbidden = (message: string) => new ApiError(403, message);
export const notFound = (message = 'The resource could not be found.') => new ApiError(404, message);
export const conflict = (message: string) => new ApiError(409, message);

/** Nova's 403 for a policy rule the caller's roles do not satisfy. */
export const policyForbidden = (rule: string) => new ApiError(403, `Policy doesn't allow ${rule} to be performed.`);

/** Nova's 409 for an action in a state that does not allow it (api/common.py). */
export function invalidState(action: string, serverId: string, attr: 'vm_state' | 'task_state', state: string | null): ApiError {
  // Python prints a missing task state as None.
  return conflict(`Cannot '${action}' instance ${serverId} while it is in ${attr} ${state ?? 'None'}`);
}

/** Fault body names by status, as in nova/api/openstack/wsgi.py `Fault._fault_names` (Cinder uses the same). */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export function faultName(status: number): string {
  return FAULT_NAMES[status] ?? 'computeFault';
}

/** `{"<name>": {"code", "message"[, "retryAfter"]}}` for Nova and Cinder. */
export function faultBody(status: number, message: string, retryAfterSeconds?: number): Record<string, unknown> {
  const inner: Record<string, unknown> = { code: status, message };
  if (retryAfterSeconds !== undefined && (status === 413 || status === 429)) inner.retryAfter = String(retryAfterSeconds);
  return { [faultName(status)]: inner };
}

const KEYSTONE_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Keystone's `{"error": {"code", "message", "title"}}`. */
export function keystoneErrorBody(status: number, message: string): Record<string, unknown> {
  return { error: { code: status, message, title: KEYSTONE_TITLES[status] ?? 'Error' } };
}
