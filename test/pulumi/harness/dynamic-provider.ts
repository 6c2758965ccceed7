/**
 * Pulumi's real dynamic-provider process for the test harness
 * (engine-harness.ts): the `pulumi-nodejs` provider that serves every
 * `pulumi-nodejs:dynamic*` resource by deserializing the provider text in
 * the resource's `__provider` property. The Pulumi CLI starts it as
 * `pulumi-resource-pulumi-nodejs`, a shell shim that resolves
 * `@pulumi/pulumi/cmd/dynamic-provider` from its working directory (the
 * program's) and runs it with `node ... <engine>`; here it is started the
 * same way, in the program's directory, with plain node (no `--import tsx`):
 * the novaform package it loads at run time is the compiled one in dist/
 * (see pulumi/dynamic/README.md). Test code only.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startPlugin, type StartedPlugin } from '../plugin-client.ts';

const require = createRequire(import.meta.url);
/** The SDK's dynamic-provider entry. */
const DYNAMIC_PROVIDER_ENTRY = join(dirname(require.resolve('@pulumi/pulumi/package.json')), 'cmd', 'dynamic-provider', 'index.js');

export interface DynamicProviderOptions {
  /** The program's directory: the process's working directory, from which the serialized provider resolves its imports. */
  readonly programDir: string;
  /** The process's environment (OS_* for the cloud; nothing is inherited). */
  readonly env: Record<string, string>;
  /** The stack's configuration, keys with their namespace (`novaform:stateDir`, `<project>:size`), as 3.248's engine hands it to a dynamic provider. */
  readonly config: Record<string, string>;
}

/**
 * Starts the dynamic provider in the program's directory and configures it
 * with the stack's configuration, as the engine does before the first
 * registration it serves.
 *
 * @example
 * const provider = await startDynamicProvider({ programDir, env, config: { 'novaform:stateDir': dir } });
 * await runProgram({ programPath, project, stack, dynamicProvider: provider, state });
 * await provider.stop();
 */
export async function startDynamicProvider(options: DynamicProviderOptions): Promise<StartedPlugin> {
  const provider = await startPlugin(process.execPath, [DYNAMIC_PROVIDER_ENTRY, '127.0.0.1:1'], { PATH: process.env.PATH ?? '', ...options.env }, { cwd: options.programDir });
  try {
    await provider.client.configure({ args: { value: options.config } });
  } catch (error) {
    await provider.stop();
    throw error;
  }
  return provider;
}
