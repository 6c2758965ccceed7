/**
 * A small typed client for tests that drives a Pulumi provider plugin over
 * gRPC the way the Pulumi engine does: launch the process, read the port it
 * prints, then call ResourceProvider RPCs. Values go in and come out as
 * plain JSON (through struct-values.ts); `raw` keeps the wire form with its
 * sentinels so tests can see what was sent as a secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import grpc from '@grpc/grpc-js';
import providerGrpc from '@pulumi/pulumi/proto/provider_grpc_pb.js';
import type { ResourceProviderClient } from '@pulumi/pulumi/proto/provider_grpc_pb.js';
import providerPb from '@pulumi/pulumi/proto/provider_pb.js';
import pluginPb from '@pulumi/pulumi/proto/plugin_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import type { Struct } from 'google-protobuf/google/protobuf/struct_pb.js';
import { type PropertyPath, unwrapStruct, wrapStruct } from '../../pulumi/provider/struct-values.ts';

/** Plain JSON plus the paths to send as secrets. */
export interface Props {
  readonly value: Record<string, unknown>;
  readonly secrets?: readonly PropertyPath[];
}

/** What came back: plain JSON, the paths that were secret, and the wire form. */
export interface Received {
  readonly value: Record<string, unknown>;
  readonly secrets: readonly PropertyPath[];
  readonly raw: Record<string, unknown>;
}

export type DiffKindName = 'ADD' | 'ADD_REPLACE' | 'DELETE' | 'DELETE_REPLACE' | 'UPDATE' | 'UPDATE_REPLACE';

export interface DiffAnswer {
  readonly changes: 'DIFF_UNKNOWN' | 'DIFF_NONE' | 'DIFF_SOME';
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
  readonly diffs: string[];
  readonly hasDetailedDiff: boolean;
  readonly detailedDiff: Record<string, { kind: DiffKindName; inputDiff: boolean }>;
}

const KIND_NAMES: Record<number, DiffKindName> = {
  [providerPb.PropertyDiff.Kind.ADD]: 'ADD',
  [providerPb.PropertyDiff.Kind.ADD_REPLACE]: 'ADD_REPLACE',
  [providerPb.PropertyDiff.Kind.DELETE]: 'DELETE',
  [providerPb.PropertyDiff.Kind.DELETE_REPLACE]: 'DELETE_REPLACE',
  [providerPb.PropertyDiff.Kind.UPDATE]: 'UPDATE',
  [providerPb.PropertyDiff.Kind.UPDATE_REPLACE]: 'UPDATE_REPLACE',
};
const CHANGES_NAMES = ['DIFF_UNKNOWN', 'DIFF_NONE', 'DIFF_SOME'] as const;

/**
 * A URN as the engine builds it, for a test stack and project.
 *
 * @example urnOf('novaform:index:Flavor', 'small')
 */
export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::novaform-test::${type}::${name}`;
}

function toStruct(props: Props | undefined): Struct | undefined {
  return props === undefined ? undefined : wrapStruct(props.value, { secrets: props.secrets, keepUnknowns: true });
}

function received(struct: Struct | undefined): Received {
  const raw = struct?.toJavaScript() ?? {};
  return { ...unwrapStruct(raw), raw };
}

function promised<Res>(start: (callback: (error: grpc.ServiceError | null, response: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => start((error, response) => (error ? reject(error) : resolve(response))));
}

/** A connected ResourceProvider client with one promise per RPC. */
export class PluginClient {
  readonly raw: ResourceProviderClient;

  constructor(readonly port: number) {
    this.raw = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  async getPluginInfo(): Promise<{ version: string }> {
    const info = await promised<InstanceType<typeof pluginPb.PluginInfo>>((cb) => this.raw.getPluginInfo(new emptyPb.Empty(), cb));
    return { version: info.getVersion() };
  }

  async getSchema(version = 0): Promise<string> {
    const request = new providerPb.GetSchemaRequest().setVersion(version);
    return (await promised<InstanceType<typeof providerPb.GetSchemaResponse>>((cb) => this.raw.getSchema(request, cb))).getSchema();
  }

  async handshake(engineAddress = '127.0.0.1:1'): Promise<{ acceptSecrets: boolean; acceptResources: boolean; acceptOutputs: boolean }> {
    const request = new providerPb.ProviderHandshakeRequest().setEngineAddress(engineAddress);
    const response = await promised<InstanceType<typeof providerPb.ProviderHandshakeResponse>>((cb) => this.raw.handshake(request, cb));
    return { acceptSecrets: response.getAcceptSecrets(), acceptResources: response.getAcceptResources(), acceptOutputs: response.getAcceptOutputs() };
  }

  async checkConfig(news: Props, olds: Props = { value: {} }): Promise<{ inputs: Received; failures: { property: string; reason: string }[] }> {
    const request = new providerPb.CheckRequest().setUrn(urnOf('pulumi:providers:novaform', 'default')).setOlds(toStruct(olds)).setNews(toStruct(news));
    return checkAnswer(await promised((cb) => this.raw.checkConfig(request, cb)));
  }

  async diffConfig(olds: Props, news: Props): Promise<DiffAnswer> {
    const request = new providerPb.DiffRequest().setUrn(urnOf('pulumi:providers:novaform', 'default')).setOlds(toStruct(olds)).setNews(toStruct(news));
    return diffAnswer(await promised((cb) => this.raw.diffConfig(request, cb)));
  }

  /** Configure with typed `args` (newer engines) or only string `variables` (`novaform:config:key`). */
  async configure(config: { args?: Props; variables?: Record<string, string> }): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const request = new providerPb.ConfigureRequest().setAcceptsecrets(true);
    if (config.args !== undefined) request.setArgs(toStruct(config.args));
    for (const [key, value] of Object.entries(config.variables ?? {})) request.getVariablesMap().set(key, value);
    const response = await promised<InstanceType<typeof providerPb.ConfigureResponse>>((cb) => this.raw.configure(request, cb));
    return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
  }

  async check(type: string, name: string, olds: Props, news: Props): Promise<{ inputs: Received; failures: { property: string; reason: string }[] }> {
    const request = new providerPb.CheckRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setOlds(toStruct(olds)).setNews(toStruct(news));
    return checkAnswer(await promised((cb) => this.raw.check(request, cb)));
  }

  async diff(type: string, name: string, id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const request = new providerPb.DiffRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setId(id).setOlds(toStruct(olds)).setNews(toStruct(news));
    return diffAnswer(await promised((cb) => this.raw.diff(request, cb)));
  }

  async create(type: string, name: string, properties: Props, preview = false): Promise<{ id: string; properties: Received }> {
    const request = new providerPb.CreateRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setProperties(toStruct(properties)).setPreview(preview);
    const response = await promised<InstanceType<typeof providerPb.CreateResponse>>((cb) => this.raw.create(request, cb));
    return { id: response.getId(), properties: received(response.getProperties()) };
  }

  /** Refresh (with state and inputs) or import (neither). */
  async read(type: string, name: string, id: string, state?: Props, inputs?: Props): Promise<{ id: string; properties: Received; inputs: Received }> {
    const request = new providerPb.ReadRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setId(id);
    if (state !== undefined) request.setProperties(toStruct(state));
    if (inputs !== undefined) request.setInputs(toStruct(inputs));
    const response = await promised<InstanceType<typeof providerPb.ReadResponse>>((cb) => this.raw.read(request, cb));
    return { id: response.getId(), properties: received(response.getProperties()), inputs: received(response.getInputs()) };
  }

  async update(type: string, name: string, id: string, olds: Props, news: Props, preview = false): Promise<{ properties: Received }> {
    const request = new providerPb.UpdateRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setId(id)
      .setOlds(toStruct(olds)).setNews(toStruct(news)).setPreview(preview);
    const response = await promised<InstanceType<typeof providerPb.UpdateResponse>>((cb) => this.raw.update(request, cb));
    return { properties: received(response.getProperties()) };
  }

  async delete(type: string, name: string, id: string, properties: Props): Promise<void> {
    const request = new providerPb.DeleteRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setId(id).setProperties(toStruct(properties));
    await promised((cb) => this.raw.delete(request, cb));
  }

  async cancel(): Promise<void> {
    await promised((cb) => this.raw.cancel(new emptyPb.Empty(), cb));
  }

  async attach(address: string): Promise<void> {
    await promised((cb) => this.raw.attach(new pluginPb.PluginAttach().setAddress(address), cb));
  }

  close(): void {
    this.raw.close();
  }
}

function checkAnswer(response: InstanceType<typeof providerPb.CheckResponse>) {
  return {
    inputs: received(response.getInputs()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

function diffAnswer(response: InstanceType<typeof providerPb.DiffResponse>): DiffAnswer {
  const detailedDiff: DiffAnswer['detailedDiff'] = {};
  response.getDetaileddiffMap().forEach((diff, path) => {
    detailedDiff[path] = { kind: KIND_NAMES[diff.getKind()], inputDiff: diff.getInputdiff() };
  });
  return {
    changes: CHANGES_NAMES[response.getChanges()],
    replaces: response.getReplacesList(),
    deleteBeforeReplace: response.getDeletebeforereplace(),
    diffs: response.getDiffsList(),
    hasDetailedDiff: response.getHasdetaileddiff(),
    detailedDiff,
  };
}

/** A plugin process with a connected client. */
export interface StartedPlugin {
  readonly client: PluginClient;
  readonly process: ChildProcess;
  /** Everything the plugin wrote to stdout so far (the handshake must be all of it). */
  stdout(): string;
  stderr(): string;
  /** Closes the client, ends the process (SIGTERM) and waits for its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Launches a plugin as the Pulumi engine does and connects to the port it prints.
 * `options.cwd`: the plugin's working directory (the engine starts plugins in the program's directory).
 *
 * @example
 * const plugin = await startPlugin(process.execPath, ['--import', 'tsx', 'test/pulumi/provider/fixture-plugin.ts', '127.0.0.1:1'], process.env);
 * console.log(await plugin.client.getPluginInfo());
 * await plugin.stop();
 */
export async function startPlugin(command: string, args: readonly string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): Promise<StartedPlugin> {
  const child = spawn(command, [...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handshake = new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        const line = out.slice(0, newline);
        if (/^\d+$/.test(line)) resolve(Number(line));
        else reject(new Error(`the plugin's first stdout line is not a port: ${JSON.stringify(line)}`));
      }
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`the plugin exited (${code}) before printing its port; stderr: ${err.trim()}`)));
  });
  // A plugin that fails the handshake is ended here: the caller never gets it to stop.
  const port = await handshake.catch(async (error: unknown) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    throw error;
  });
  const client = new PluginClient(port);
  return {
    client,
    process: child,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
