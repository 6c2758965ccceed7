import { readFile } from 'node:fs/promises';
import { Agent } from 'undici';
import { CloudConfigError } from './errors.ts';

/** TLS settings of a cloud (clouds.yaml `cacert`, `cert`, `key`, `insecure`/`verify`; OS_CACERT, OS_CERT, OS_KEY, OS_INSECURE). */
export interface TlsSettings {
  /** PEM bundle that replaces the system roots, as keystoneauth's `verify=<path>` does. */
  cacert?: string;
  /** Client certificate and key (PEM files) for clouds that require mutual TLS. */
  cert?: string;
  key?: string;
  /** Skip server certificate verification. For test clouds only. */
  insecure?: boolean;
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CloudConfigError(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * An undici Agent for the cloud's connections. Node 20 bundles undici only
 * internally, so the `undici` package (same major version as Node's) supplies
 * `Agent`; Node's global fetch accepts it as `dispatcher`. One Agent per
 * connection also lets `close()` release every socket.
 *
 * @example
 * const dispatcher = await createDispatcher({ cacert: '/etc/ssl/my-cloud-ca.pem' });
 */
export async function createDispatcher(tls: TlsSettings = {}): Promise<Agent> {
  const connect: Record<string, unknown> = {};
  if (tls.cacert) connect.ca = await readPem(tls.cacert, 'cacert');
  if (tls.cert) connect.cert = await readPem(tls.cert, 'client certificate');
  if (tls.key) connect.key = await readPem(tls.key, 'client key');
  if (tls.insecure) connect.rejectUnauthorized = false;
  return new Agent({ connect });
}
