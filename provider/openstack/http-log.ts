import { redactBody, redactHeaders } from './redact.ts';

/**
 * The logger hook. Lines are built only when a logger is given, and every
 * line has its secrets redacted first (see redact.ts).
 *
 * @example
 * const lines: string[] = [];
 * await connect({ logger: { debug: (line) => lines.push(line) } });
 */
export interface HttpLogger {
  debug(message: string): void;
}

function headerText(headers: Iterable<[string, string]>): string {
  return redactHeaders(headers).map(([name, value]) => ` -H "${name}: ${value}"`).join('');
}

function bodyText(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '';
  if (typeof body !== 'string') return ` -d <${body.byteLength} bytes>`;
  return body === '' ? '' : ` -d '${redactBody(body)}'`;
}

/** `REQ: POST http://... -H "X-Auth-Token: {SHA256}..." -d '{...}'`, as keystoneauth logs requests. */
export function requestLine(method: string, url: string, headers: Record<string, string>, body: string | Uint8Array | undefined): string {
  return `REQ: ${method} ${url}${headerText(Object.entries(headers))}${bodyText(body)}`;
}

/** `RESP: [201] POST http://... 12ms -H ... body`. */
export function responseLine(method: string, url: string, status: number, elapsedMs: number, headers: Headers, text: string): string {
  const body = text === '' ? '' : ` ${redactBody(text)}`;
  return `RESP: [${status}] ${method} ${url} ${elapsedMs}ms${headerText(headers.entries())}${body}`;
}

export function retryLine(method: string, url: string, reason: string, delayMs: number, retry: number, maxRetries: number): string {
  return `RETRY: ${method} ${url} after ${reason}: retry ${retry} of ${maxRetries} in ${delayMs}ms`;
}
