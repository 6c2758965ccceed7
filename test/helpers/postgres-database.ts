import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { clientConfig } from '../../reconciler/state/postgres/postgres-connection.ts';

/**
 * Creates a fresh, empty database on the server `adminUrl` names (no
 * password in it: PGPASSWORD or PGPASSFILE) and returns its name and URL.
 *
 * @example
 * const { name, url } = await createDatabaseOn('postgres://novaform@127.0.0.1:5433/postgres', 'novaform_t');
 */
export async function createDatabaseOn(adminUrl: string, prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client(clientConfig(adminUrl, adminUrl));
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}
