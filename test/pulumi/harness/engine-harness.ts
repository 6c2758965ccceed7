/**
 * A test stand-in for the Pulumi engine, so a real Pulumi TypeScript program
 * runs with the real SDK (`@pulumi/pulumi` 3.248) without the Pulumi CLI,
 * which cannot be installed on these machines. Test code only: it lives in
 * test/ and never ships.
 *
 * What it plays, from the SDK's own generated stubs (`@pulumi/pulumi/proto`):
 * - the ResourceMonitor gRPC service: SupportsFeature (secrets only),
 *   RegisterResource (custom `novaform:index:*` resources go to the provider
 *   plugin, custom `pulumi-nodejs:*` ones (dynamic resources) to a real
 *   dynamic-provider process (dynamic-provider.ts): Check, then Create when
 *   new, or Diff then Update / replace when the state holds it; components
 *   and the stack only get a URN; `additionalSecretOutputs` are made secret;
 *   the `import` resource option: Read with only the id, Check, Diff, and
 *   a refusal when the inputs do not match, as the engine's import step),
 *   RegisterResourceOutputs (kept: the stack's are the program's outputs),
 *   SignalAndWaitForShutdown (answered at once);
 * - the Engine gRPC service: Log (collected), Get/SetRootResource (kept);
 * - the nodejs language host: the program runs as
 *   `node --import tsx node_modules/@pulumi/pulumi/cmd/run --monitor ...
 *   --engine ... --project ... --stack ... --pwd ... <program>` with
 *   PULUMI_CONFIG holding `<project>:<key>` config, as the host does for a
 *   Pulumi.yaml with `runtime: { name: nodejs, options: { typescript: false,
 *   nodeargs: "--import tsx" } }` (tsx loads the TypeScript; ts-node is off);
 * - after a run that exited 0, resources the state holds but the run did
 *   not register are deleted (dependents first), as `pulumi up` does;
 *   `destroy` deletes everything the state holds, dependents first.
 *
 * What it does NOT play: no checkpoints or state files (the state is this
 * object, in memory), no previews (dry runs), no parallelism (one provider
 * operation at a time), no explicit or default provider resources (the
 * plugin and the dynamic provider given, configured by the caller, serve
 * every registration of their package), no
 * Invoke / Call / ReadResource / resource references / output values /
 * transforms / hooks / aliases / protect / ignoreChanges (all
 * UNIMPLEMENTED or ignored), no retries, no refresh, no `pulumi import`
 * command (its code generation).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import grpc from '@grpc/grpc-js';
import engineGrpc from '@pulumi/pulumi/proto/engine_grpc_pb.js';
import type { IEngineServer } from '@pulumi/pulumi/proto/engine_grpc_pb.js';
import enginePb from '@pulumi/pulumi/proto/engine_pb.js';
import resourceGrpc from '@pulumi/pulumi/proto/resource_grpc_pb.js';
import type { IResourceMonitorServer } from '@pulumi/pulumi/proto/resource_grpc_pb.js';
import resourcePb from '@pulumi/pulumi/proto/resource_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { unwrapStruct } from '../../../pulumi/provider/struct-values.ts';
import type { StartedPlugin } from '../plugin-client.ts';
import { deletionOrder, HarnessState, type Props, type Registration, type Step } from './harness-state.ts';
import { ProviderCalls, registerCustom, toStruct } from './provider-steps.ts';

export { deletionOrder, HarnessState, type Registration, type ResourceState } from './harness-state.ts';

export interface LogEntry {
  readonly severity: 'debug' | 'info' | 'warning' | 'error';
  readonly message: string;
  readonly urn: string;
}

export interface RunOptions {
  /** The program's entry file (index.ts). */
  readonly programPath: string;
  readonly project: string;
  readonly stack: string;
  /** The novaform provider plugin (`novaform:index:*`), already configured by the caller. */
  readonly plugin?: StartedPlugin;
  /** The dynamic-provider process (`pulumi-nodejs:*`), already configured: see dynamic-provider.ts. */
  readonly dynamicProvider?: StartedPlugin;
  readonly state: HarnessState;
  /** Config keys without the project prefix: `{ size: 'small' }` is `<project>:size`. */
  readonly config?: Record<string, string>;
  readonly preview?: false;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly registrations: Registration[];
  /** The stack's outputs (the program's exports), plain JSON. */
  readonly outputs: Props;
  readonly logs: LogEntry[];
  /** The program process's stdout and stderr. */
  readonly stdout: string;
  readonly stderr: string;
}

const SEVERITIES = ['debug', 'info', 'warning', 'error'] as const;
const require = createRequire(import.meta.url);
/** The SDK's `cmd/run` entry, the script the nodejs language host runs. */
const RUN_ENTRY = join(dirname(require.resolve('@pulumi/pulumi/package.json')), 'cmd', 'run');
const plain = (value: Props) => unwrapStruct(value).value;

/** A URN as the engine builds it: the parent's type chain, `$`-joined, then the name. */
function urnOf(stack: string, project: string, parentUrn: string, type: string, name: string): string {
  const parentTypes = parentUrn === '' ? '' : `${parentUrn.split('::')[2]}$`;
  return `urn:pulumi:${stack}::${project}::${parentTypes}${type}::${name}`;
}

function failWith<Res>(callback: grpc.sendUnaryData<Res>, code: grpc.status, error: unknown): void {
  const details = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  callback({ code, details, name: 'Error', message: details }, null);
}

function unimplemented<Req, Res>(method: string): grpc.handleUnaryCall<Req, Res> {
  return (_call, callback) => failWith(callback, grpc.status.UNIMPLEMENTED, `the test harness does not implement ${method}`);
}

/** The package of a type token: `novaform` of `novaform:index:Flavor`. */
function packageOf(type: string): string {
  return type.slice(0, type.indexOf(':'));
}

/** The provider calls for each package the caller gave a provider for. Pulumi's dynamic provider does not accept secrets. */
function providersOf(options: { plugin?: StartedPlugin; dynamicProvider?: StartedPlugin }): Map<string, ProviderCalls> {
  const providers = new Map<string, ProviderCalls>();
  if (options.plugin) providers.set('novaform', new ProviderCalls(options.plugin));
  if (options.dynamicProvider) providers.set('pulumi-nodejs', new ProviderCalls(options.dynamicProvider, false));
  return providers;
}

/** The provider that serves `type`; throws for a package the harness was given no provider for. */
function providerFor(providers: Map<string, ProviderCalls>, type: string): ProviderCalls {
  const calls = providers.get(packageOf(type));
  if (!calls) throw new Error(`the test harness has no provider for ${type} (it serves ${[...providers.keys()].map((p) => `${p}:*`).join(', ') || 'nothing'})`);
  return calls;
}

/**
 * Runs a Pulumi program against the harness's engine, the way `pulumi up`
 * runs it (no preview), and resolves when the program's process has exited.
 *
 * @example
 * const state = new HarnessState();
 * const run = await runProgram({ programPath: 'test/pulumi/programs/flavor-server/index.ts', project: 'flavor-server', stack: 'dev', plugin, state, config: { size: 'small' } });
 * assert.equal(run.exitCode, 0, run.stderr);
 */
export async function runProgram(options: RunOptions): Promise<RunResult> {
  const { project, stack, state } = options;
  const providers = providersOf(options);
  const registrations: Registration[] = [];
  const logs: LogEntry[] = [];
  const registered = new Set<string>();
  const stackOutputs = new Map<string, Props>();
  let rootUrn = '';

  const monitor: IResourceMonitorServer = {
    supportsFeature: (call, callback) => callback(null, new resourcePb.SupportsFeatureResponse().setHassupport(call.request.getId() === 'secrets')),
    registerResource: (call, callback) => {
      const req = call.request;
      const type = req.getType();
      const name = req.getName();
      const urn = urnOf(stack, project, req.getParent(), type, name);
      const dependencies = [req.getParent(), ...req.getDependenciesList()].filter((d) => d !== '');
      registered.add(urn);
      const answer = (r: { id: string; outputs: Props; step: Step }) => {
        registrations.push({ urn, type, name, step: r.step, id: r.id, outputs: plain(r.outputs) });
        callback(null, new resourcePb.RegisterResourceResponse().setUrn(urn).setId(r.id).setObject(toStruct(r.outputs)).setResult(resourcePb.Result.SUCCESS));
      };
      if (!req.getCustom()) {
        const outputs = state.resources.get(urn)?.outputs ?? {};
        state.resources.set(urn, { urn, type, name, custom: false, id: '', inputs: {}, outputs, dependencies });
        answer({ id: '', outputs: {}, step: 'register' });
        return;
      }
      let calls: ProviderCalls;
      try {
        calls = providerFor(providers, type);
      } catch (error) {
        failWith(callback, grpc.status.UNIMPLEMENTED, error);
        return;
      }
      const additionalSecretOutputs = req.getAdditionalsecretoutputsList();
      registerCustom(calls, state, { urn, type, name, dependencies, additionalSecretOutputs }, req.getObject()?.toJavaScript() ?? {}, req.getImportid()).then(answer, (error: unknown) => failWith(callback, grpc.status.UNKNOWN, error));
    },
    registerResourceOutputs: (call, callback) => {
      stackOutputs.set(call.request.getUrn(), call.request.getOutputs()?.toJavaScript() ?? {});
      callback(null, new emptyPb.Empty());
    },
    signalAndWaitForShutdown: (_call, callback) => callback(null, new emptyPb.Empty()),
    getDeploymentInfo: unimplemented('GetDeploymentInfo'),
    invoke: unimplemented('Invoke'),
    call: unimplemented('Call'),
    readResource: unimplemented('ReadResource'),
    registerStackTransform: unimplemented('RegisterStackTransform'),
    registerStackInvokeTransform: unimplemented('RegisterStackInvokeTransform'),
    registerResourceHook: unimplemented('RegisterResourceHook'),
    registerErrorHook: unimplemented('RegisterErrorHook'),
    registerPackage: unimplemented('RegisterPackage'),
  };
  const engine: IEngineServer = {
    log: (call, callback) => {
      logs.push({ severity: SEVERITIES[call.request.getSeverity()] ?? 'info', message: call.request.getMessage(), urn: call.request.getUrn() });
      callback(null, new emptyPb.Empty());
    },
    getRootResource: (_call, callback) => callback(null, new enginePb.GetRootResourceResponse().setUrn(rootUrn)),
    setRootResource: (call, callback) => {
      rootUrn = call.request.getUrn();
      callback(null, new enginePb.SetRootResourceResponse());
    },
    startDebugging: unimplemented('StartDebugging'),
    requirePulumiVersion: unimplemented('RequirePulumiVersion'),
  };

  // One server on 127.0.0.1 serves both services; the SDK dials each address it is given.
  const server = new grpc.Server();
  server.addService(resourceGrpc.ResourceMonitorService, monitor);
  server.addService(engineGrpc.EngineService, engine);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  const address = `127.0.0.1:${port}`;
  const programDir = dirname(options.programPath);
  const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [`${project}:${k}`, v]));
  try {
    const run = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [
        '--import', 'tsx', RUN_ENTRY,
        `--monitor=${address}`, `--engine=${address}`, `--project=${project}`, `--stack=${stack}`,
        `--pwd=${programDir}`, `--root-directory=${programDir}`, options.programPath,
      ], {
        cwd: programDir,
        // Only what a language host would give the program: no OS_* or other credentials of this process.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: '[]', PULUMI_NODEJS_TYPESCRIPT: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    });
    if (run.exitCode === 0) {
      for (const old of deletionOrder(state)) {
        if (registered.has(old.urn)) continue;
        if (old.custom) await providerFor(providers, old.type).delete(old);
        state.resources.delete(old.urn);
        registrations.push({ urn: old.urn, type: old.type, name: old.name, step: 'delete', id: old.id, outputs: {} });
      }
    }
    return { ...run, registrations, logs, outputs: plain(stackOutputs.get(rootUrn) ?? {}) };
  } finally {
    server.forceShutdown();
  }
}

/**
 * Deletes what the state holds through its provider's Delete, dependents
 * before what they depend on, as `pulumi destroy` would.
 *
 * @example
 * await destroy({ plugin, state });
 */
export async function destroy(options: { plugin?: StartedPlugin; dynamicProvider?: StartedPlugin; state: HarnessState }): Promise<Registration[]> {
  const providers = providersOf(options);
  const deleted: Registration[] = [];
  for (const old of deletionOrder(options.state)) {
    if (old.custom) await providerFor(providers, old.type).delete(old);
    options.state.resources.delete(old.urn);
    deleted.push({ urn: old.urn, type: old.type, name: old.name, step: 'delete', id: old.id, outputs: {} });
  }
  return deleted;
}
