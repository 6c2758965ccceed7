import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { waitFor } from '../../provider/resources/wait.ts';
import { REPO, type RunOutcome } from '../cli/commands/apply-cli-kit.ts';
import { TEST_CLOUD_ENV, type TestCloud } from '../helpers/test-cloud.ts';
import { backendUnderTestEnv } from '../helpers/backend-under-test.ts';

/**
 * End-to-end helpers: the real `novaform` as a child process, and reads of
 * the cloud through the API (what the cloud says, not what novaform thinks).
 */

/**
 * The environment and flags that point a child `novaform` at the test's
 * cloud: the engine under test through OS_* variables, or the real cloud
 * NOVAFORM_TEST_CLOUD names through its clouds.yaml. Only these variables
 * reach the child (no CI, no OS_CLOUD from the runner).
 */
export function cliTarget(cloud: TestCloud, home: string): { env: Record<string, string>; cloudArgs: string[] } {
  if (cloud.engine) {
    const admin = cloud.engine.engine.config.users.find((u) => u.name === 'admin')!;
    return {
      env: {
        HOME: home, NO_COLOR: '1', ...backendUnderTestEnv(),
        OS_AUTH_URL: cloud.engine.engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: admin.password,
        OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: admin.project, OS_PROJECT_DOMAIN_NAME: 'Default',
      },
      cloudArgs: [],
    };
  }
  return {
    env: { HOME: home, NO_COLOR: '1', ...backendUnderTestEnv(), OS_CLIENT_CONFIG_FILE: resolve(process.env.OS_CLIENT_CONFIG_FILE ?? 'scripts/real-openstack/clouds.yaml') },
    cloudArgs: ['--os-cloud', process.env[TEST_CLOUD_ENV]!],
  };
}

/** Runs `bin/novaform.js` as a real process; resolves with its exit code and output. */
export function spawnCli(args: string[], options: { cwd: string; env: Record<string, string>; onStderr?: (soFar: string) => void }): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'novaform.js'), ...args], {
      cwd: options.cwd,
      // PATH for node's own needs; nothing else of this process's environment (no OS_* leaks in).
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; options.onStderr?.(stderr); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface ServerView {
  id: string;
  name: string;
  status: string;
  flavor: string;
  image: string;
  host: string;
  zone: string;
  metadata: Record<string, string>;
  tags: string[];
  volumes: string[];
}

/** Servers of the project by name, as the API shows them (admin: host included). */
export async function serversByName(api: Clients): Promise<Map<string, ServerView>> {
  const { body } = await api.compute.get('/servers/detail');
  return new Map((body.servers as any[]).map((s) => [s.name, {
    id: s.id, name: s.name, status: s.status, flavor: s.flavor?.original_name, image: s.image?.id ?? '',
    host: s['OS-EXT-SRV-ATTR:host'], zone: s['OS-EXT-AZ:availability_zone'], metadata: s.metadata, tags: s.tags ?? [],
    volumes: (s['os-extended-volumes:volumes_attached'] ?? []).map((v: { id: string }) => v.id),
  }]));
}

export async function volumesByName(api: Clients): Promise<Map<string, { id: string; size: number; status: string; metadata: Record<string, string> }>> {
  const { body } = await api.volume.get('/volumes/detail');
  return new Map((body.volumes as any[]).map((v) => [v.name, { id: v.id, size: v.size, status: v.status, metadata: v.metadata }]));
}

export async function aggregatesByName(api: Clients): Promise<Map<string, { id: string; zone: string | null; hosts: string[]; metadata: Record<string, string> }>> {
  const { body } = await api.compute.get('/os-aggregates');
  return new Map((body.aggregates as any[]).map((a) => [a.name, { id: String(a.id), zone: a.availability_zone, hosts: [...a.hosts].sort(), metadata: a.metadata }]));
}

/** Uploads a tiny raw image through Glance and waits until it is active; `attributes` go in the create (e.g. `{ min_disk: 2 }`). */
export async function createImage(api: Clients, name: string, attributes: Record<string, unknown> = {}): Promise<string> {
  const { body } = await api.image.post('/images', { name, disk_format: 'raw', container_format: 'bare', ...attributes });
  await api.image.put(`/images/${body.id}/file`, undefined, {
    rawBody: new Uint8Array(Buffer.from('novaform e2e image\n')), headers: { 'Content-Type': 'application/octet-stream' },
  });
  await waitFor(async () => (await api.image.get(`/images/${body.id}`)).body,
    (image: { status: string }) => (image.status === 'active' ? { state: 'ready' } : { state: 'pending', retryAfterMs: 50, reason: image.status }),
    { timeoutMs: 30_000, minIntervalMs: 20, what: `image ${name}` });
  return String(body.id);
}

/** Edits a YAML file in place with string replacements; throws when a pattern is missing (an edit that does nothing proves nothing). */
export async function edit(path: string, ...replacements: Array<[string | RegExp, string]>): Promise<void> {
  let text = await readFile(path, 'utf8');
  for (const [from, to] of replacements) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`${path}: ${String(from)} not found`);
    text = next;
  }
  await writeFile(path, text);
}
