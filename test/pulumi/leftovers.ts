import type { TestCloud } from '../helpers/test-cloud.ts';

/**
 * Deletes what a failed test left on the test cloud (a real cloud is
 * shared): the servers, flavors and keypairs whose names start with
 * `prefix`, servers first. Best effort: a failure here never hides the
 * test's own.
 */
export async function removeLeftovers(cloud: TestCloud, prefix: string): Promise<void> {
  const api = cloud.admin.compute;
  const { body: servers } = await api.get('/servers/detail');
  for (const s of servers.servers as Array<{ id: string; name: string }>) if (s.name.startsWith(prefix)) await api.delete(`/servers/${s.id}`).catch(() => undefined);
  const { body: flavors } = await api.get('/flavors/detail', { query: { is_public: 'None' } });
  for (const f of flavors.flavors as Array<{ id: string; name: string }>) if (f.name.startsWith(prefix)) await api.delete(`/flavors/${f.id}`).catch(() => undefined);
  const { body: keypairs } = await api.get('/os-keypairs');
  for (const { keypair } of keypairs.keypairs as Array<{ keypair: { name: string } }>) if (keypair.name.startsWith(prefix)) await api.delete(`/os-keypairs/${encodeURIComponent(keypair.name)}`).catch(() => undefined);
}
