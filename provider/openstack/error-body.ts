/**
 * Reads the cloud's own explanation out of an error response. Each service
 * has its own shape:
 * - Nova, Cinder: `{"itemNotFound": {"code": 404, "message": "..."}}` (one fault key)
 * - Keystone: `{"error": {"code": 401, "message": "...", "title": "..."}}`
 * - Glance (webob): text, "404 Not Found\n\nNo image found with ID x\n\n   ", or with
 *   `Accept: application/json` `{"message": "No image found with ID x<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}`
 * - Placement and others: `{"errors": [{"title", "detail"}]}`
 */

const MAX_MESSAGE_CHARS = 1000;

function messageOfJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error_message === 'string') return record.error_message;
  if (Array.isArray(record.errors)) {
    const parts = record.errors
      .map((e) => (typeof e === 'object' && e !== null ? ((e as Record<string, unknown>).detail ?? (e as Record<string, unknown>).title) : undefined))
      .filter((m): m is string => typeof m === 'string');
    if (parts.length > 0) return parts.join('; ');
  }
  for (const inner of Object.values(record)) {
    if (typeof inner === 'object' && inner !== null && typeof (inner as Record<string, unknown>).message === 'string') {
      return (inner as Record<string, string>).message;
    }
  }
  return undefined;
}

/** webob's text error page: drop the "404 Not Found" status line and collapse whitespace; strip HTML tags. */
function messageOfText(text: string): string | undefined {
  const withoutTags = /<[a-z!/]/i.test(text) ? text.replace(/<head[\s\S]*?<\/head>/gi, ' ').replace(/<[^>]*>/g, ' ') : text;
  const lines = withoutTags.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length > 1 && /^\d{3}\s/.test(lines[0]!)) lines.shift();
  const joined = lines.join(' ').replace(/\s+/g, ' ').trim();
  return joined === '' ? undefined : joined;
}

/**
 * The cloud's message for an error response, or the HTTP reason phrase when
 * the body says nothing.
 *
 * @example
 * cloudMessageOf(404, 'Not Found', '{"itemNotFound":{"code":404,"message":"Flavor x could not be found."}}')
 * // -> 'Flavor x could not be found.'
 */
export function cloudMessageOf(status: number, statusText: string, text: string): string {
  let message: string | undefined;
  try {
    message = messageOfJson(JSON.parse(text));
  } catch {
    message = messageOfText(text);
  }
  // Glance's JSON errors keep webob's HTML line breaks.
  message = message?.replace(/(<br\s*\/?>)+/gi, ' ').replace(/\s+/g, ' ').trim() || undefined;
  message ??= statusText || `HTTP ${status}`;
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}...` : message;
}

/** Nova/Cinder put `retryAfter` (seconds, a string) into 413/429 fault bodies as well as the header. */
export function retryAfterOfBody(text: string): number | undefined {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const inner of Object.values(parsed ?? {})) {
      const value = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>).retryAfter : undefined;
      if (value !== undefined && /^\d+$/.test(String(value))) return Number(value) * 1000;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** `x-openstack-request-id` (every service) or `x-compute-request-id` (Nova's older name). */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-openstack-request-id') ?? headers.get('x-compute-request-id') ?? undefined;
}
