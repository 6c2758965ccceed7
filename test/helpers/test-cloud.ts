import { connect, type Clients } from '../../provider/openstack/openstack-client.ts';
import { startTestEngine, type TestEngine } from './engine-harness.ts';

/**
 * The cloud a provider test runs against. By default an in-memory engine on
 * 127.0.0.1; with NOVAFORM_TEST_CLOUD=<name> the clouds.yaml entry <name>
 * (admin) and <name>-demo (a plain member), e.g. the real OpenStack that
 * CI starts (scripts/real-openstack/). The same test code runs on both, so
 * tests MUST only assume what both offer: image `cirros`, compute hosts
 * `compute-1` and `compute-2` in zone `nova`, no flavors, default quotas.
 */
export interface TestCloud {
  readonly target: 'engine' | 'real';
  readonly admin: Clients;
  readonly demo: Clients;
  /** The engine when target is 'engine' (request log, config), else undefined. */
  readonly engine?: TestEngine;
  /** A unique prefix for this test file's objects, so runs on a shared cloud never collide. */
  readonly prefix: string;
  close(): Promise<void>;
}

export const TEST_CLOUD_ENV = 'NOVAFORM_TEST_CLOUD';

/** Connects as admin and demo to the chosen cloud; the engine gets `engineConfig` (ignored on a real cloud). */
export async function openTestCloud(options: { engineConfig?: Record<string, unknown>; name?: string } = {}): Promise<TestCloud> {
  const prefix = `nft-${options.name ?? 'x'}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const real = process.env[TEST_CLOUD_ENV];
  if (real) {
    const admin = await connect({ cloud: real });
    const demo = await connect({ cloud: `${real}-demo` });
    return { target: 'real', admin, demo, prefix, close: async () => { await admin.close(); await demo.close(); } };
  }
  const engine = await startTestEngine({ config: options.engineConfig });
  const env = (user: string) => {
    const seed = engine.engine.config.users.find((u) => u.name === user)!;
    return {
      OS_AUTH_URL: engine.engine.authUrl, OS_USERNAME: user, OS_PASSWORD: seed.password,
      OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: seed.project, OS_PROJECT_DOMAIN_NAME: 'Default',
    };
  };
  // No config files are read: the engine's credentials come in through env only.
  const noFiles = { cwd: '/nonexistent', homeDir: '/nonexistent', systemDir: '/nonexistent' };
  const admin = await connect({ ...noFiles, env: env('admin') });
  const demo = await connect({ ...noFiles, env: env('demo') });
  return {
    target: 'engine', admin, demo, engine, prefix,
    close: async () => { await admin.close(); await demo.close(); await engine.close(); },
  };
}
