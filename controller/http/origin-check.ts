import { isIP } from 'node:net';

/** Where the server listens; `port` is the real port once listening. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * Whether a request comes from this server's own pages, judged by its `Host`
 * and (when a browser sent one) `Origin` headers.
 *
 * - The `Host` MUST name this server: the listen address and port, or, on a
 *   loopback address, `localhost` / `127.0.0.1` / `[::1]` with that port. On a
 *   wildcard address (`0.0.0.0`, `::`) any IP literal or `localhost` with that
 *   port. A DNS name never passes: that is what a DNS-rebinding page sends.
 * - An `Origin`, when present, MUST be `http://` + that same host and port
 *   (same-origin). No `Origin` means no browser sent it (curl, scripts): a
 *   browser always sends one on a cross-origin POST.
 *
 * @example
 * isSameOrigin('127.0.0.1:8080', 'http://127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }) // true
 * isSameOrigin('127.0.0.1:8080', 'http://evil.example', { host: '127.0.0.1', port: 8080 })   // false
 * isSameOrigin('evil.example:8080', undefined, { host: '127.0.0.1', port: 8080 })            // false
 */
export function isSameOrigin(hostHeader: string | undefined, origin: string | undefined, listen: ListenAddress): boolean {
  if (hostHeader === undefined) return false;
  const host = parseAuthority(hostHeader);
  if (!host || !isThisServer(host, listen)) return false;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) return false;
  const originHost = parseAuthority(url.host);
  return originHost !== undefined && originHost.hostname === host.hostname && originHost.port === host.port;
}

function isThisServer(host: { hostname: string; port: number }, listen: ListenAddress): boolean {
  if (host.port !== listen.port) return false;
  const listenHost = unbracket(listen.host.toLowerCase());
  if (WILDCARDS.has(listenHost)) return host.hostname === 'localhost' || isIP(host.hostname) !== 0;
  if (host.hostname === listenHost) return true;
  return LOOPBACK_NAMES.has(listenHost) || listenHost.startsWith('127.') ? LOOPBACK_NAMES.has(host.hostname) : false;
}

/** `host:port` or `[v6]:port` -> parts; the port defaults to 80 (http). */
function parseAuthority(authority: string): { hostname: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(`http://${authority}`);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  return { hostname: unbracket(url.hostname.toLowerCase()), port: url.port === '' ? 80 : Number(url.port) };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
