import type { EngineConfig } from '../config.ts';
import type { Store } from '../store/store.ts';
import { newHexId } from '../util/ids.ts';
import { DEFAULT_DOMAIN } from './identity-model.ts';
import { hashSecret, verifySecret } from './secrets.ts';

/** Roles implied by a role, as `keystone-manage bootstrap` sets up admin -> member -> reader. */
export function expandRoles(roles: string[]): string[] {
  const out = new Set<string>();
  for (const role of roles) {
    out.add(role);
    if (role === 'admin') { out.add('member'); out.add('reader'); }
    if (role === 'member') out.add('reader');
  }
  return [...out];
}

/** Creates the configured projects, users and role assignments that do not exist yet. */
export async function seedIdentity(store: Store, config: EngineConfig): Promise<void> {
  const projectId = async (name: string) => {
    const existing = store.projects.find((p) => p.name === name);
    if (existing) return existing.id;
    const project = { id: newHexId(), name, domainId: DEFAULT_DOMAIN.id, description: '', enabled: true };
    await store.projects.put(project);
    return project.id;
  };
  await projectId('service');
  for (const seed of config.users) {
    const project = await projectId(seed.project);
    let user = store.users.find((u) => u.name === seed.name);
    if (!user) {
      user = { id: newHexId(), name: seed.name, domainId: DEFAULT_DOMAIN.id, passwordHash: hashSecret(seed.password), enabled: true, defaultProjectId: project };
      await store.users.put(user);
    } else if (!verifySecret(seed.password, user.passwordHash)) {
      // The config file is the source of truth for seeded passwords.
      user.passwordHash = hashSecret(seed.password);
      await store.users.put(user);
    }
    for (const role of expandRoles(seed.roles)) {
      const id = `${user.id}/${project}/${role}`;
      if (!store.roleAssignments.has(id)) await store.roleAssignments.put({ id, userId: user.id, projectId: project, role });
    }
  }
}
