/**
 * The Pulumi provider plugin's gRPC server: the ResourceProvider service as
 * the Pulumi engine drives a plugin it launched, over novaform's
 * ResourceOperations (plain JSON in, plain JSON out).
 *
 * Served from the SDK's generated stubs rather than `@pulumi/pulumi/provider`'s
 * `main()`, which in 3.248 answers Configure without handing the
 * configuration to the provider and answers CheckConfig/DiffConfig with
 * UNIMPLEMENTED.
 *
 * Rules:
 * - stdout carries the handshake only: the port and a newline, once. Logs
 *   MUST go to stderr.
 * - An operation's error MUST reach the engine as a gRPC status whose
 *   details are its message's first line, never a stack trace.
 * - Secrets that came in MUST go back out as secrets at the same paths, and
 *   the properties `secretOutputs(type)` names are always sent as secrets.
 * - Inputs and outputs of a preview MAY hold the unknown sentinel; outside a
 *   preview unknowns are dropped from answers.
 */
import grpc from '@grpc/grpc-js';
import providerGrpc from '@pulumi/pulumi/proto/provider_grpc_pb.js';
import type { IResourceProviderServer } from '@pulumi/pulumi/proto/provider_grpc_pb.js';
import providerPb from '@pulumi/pulumi/proto/provider_pb.js';
import pluginPb from '@pulumi/pulumi/proto/plugin_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { configDiff, diffResponse } from './diff-response.ts';
import { engineLog } from './engine-log.ts';
import type { CheckFailure, ResourceOperations } from './resource-operations.ts';
import { UnsupportedValueError, type PropertyPath, unwrapStruct, wrapStruct } from './struct-values.ts';

export interface PluginOptions {
  readonly operations: ResourceOperations;
  /** The Pulumi package schema as JSON text. */
  readonly schema: () => string;
  readonly version: string;
  /** The plugin's command-line arguments (after the script): flags, then the engine's address. */
  readonly args: readonly string[];
  /** Where the handshake line goes; process.stdout unless a test collects it. */
  readonly stdout?: { write(text: string): unknown };
  /** Where log lines go; process.stderr by default. */
  readonly log?: (line: string) => void;
}

export interface RunningPlugin {
  readonly port: number;
  /** The engine address given on the command line, if any: diff notes go to its Log service. */
  readonly engineAddress: string | undefined;
  /** Stops serving, then releases the operations' session. */
  close(): Promise<void>;
}

/** Methods still answered after Cancel: they start no work. */
const AFTER_CANCEL = new Set(['Cancel', 'GetPluginInfo', 'GetSchema']);

/** An error the engine sees with a chosen gRPC status code. */
class StatusError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
  }
}

/**
 * Finds the engine's address among a plugin's arguments: Pulumi passes
 * `[--logtostderr] [-v=N] [--tracing ADDR] ENGINE_ADDRESS`.
 *
 * @example engineAddressFrom(['--logtostderr', '-v=9', '127.0.0.1:4321']) // '127.0.0.1:4321'
 */
export function engineAddressFrom(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--tracing') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The type token of a URN, for engines that send no `type` field.
 *
 * @example typeFromUrn('urn:pulumi:dev::proj::novaform:index:Flavor::small') // 'novaform:index:Flavor'
 */
export function typeFromUrn(urn: string): string {
  const parts = urn.split('::');
  const qualified = parts.length >= 4 ? parts[2] : '';
  return qualified.slice(qualified.lastIndexOf('$') + 1);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'unknown error';
}

function failuresOf(failures: readonly CheckFailure[]) {
  return failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason));
}

/** Config from a ConfigureRequest: the typed `args` when the engine sends them, else `variables` (`pkg:config:key`). */
function configOf(request: InstanceType<typeof providerPb.ConfigureRequest>): Record<string, unknown> {
  const args = request.getArgs();
  if (args !== undefined) return unwrapStruct(args).value;
  const config: Record<string, unknown> = {};
  request.getVariablesMap().forEach((value, key) => {
    config[key.slice(key.lastIndexOf(':') + 1)] = value;
  });
  return config;
}

/**
 * Serves the ResourceProvider service on 127.0.0.1 (a free port) and
 * prints the port for the engine.
 *
 * @example
 * const plugin = await servePlugin({ operations, schema: () => schemaJson, version: '0.1.0', args: process.argv.slice(2) });
 * process.on('SIGTERM', () => void plugin.close());
 */
export async function servePlugin(options: PluginOptions): Promise<RunningPlugin> {
  const { operations } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const engineAddress = engineAddressFrom(options.args);
  const engine = engineLog(engineAddress, log);
  let cancelled = false;

  const typeOf = (request: { getType(): string; getUrn(): string }) => request.getType() || typeFromUrn(request.getUrn());
  const secretsFor = (type: string, ...from: (readonly PropertyPath[])[]): PropertyPath[] => [
    ...from.flat(),
    ...operations.secretOutputs(type).map((name) => [name]),
  ];

  /** Runs a unary handler: errors become a one-line gRPC status; nothing runs after Cancel. */
  function unary<Req, Res>(method: string, handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const run = async () => {
        if (cancelled && !AFTER_CANCEL.has(method)) throw new StatusError(grpc.status.CANCELLED, 'the plugin was cancelled');
        return handle(call.request);
      };
      run().then(
        (response) => callback(null, response),
        (error: unknown) => {
          const details = oneLine(error);
          const code =
            error instanceof StatusError ? error.code : error instanceof UnsupportedValueError ? grpc.status.INVALID_ARGUMENT : grpc.status.UNKNOWN;
          log(`novaform plugin: ${method} failed: ${details}`);
          callback({ code, details, name: 'Error', message: details }, null);
        },
      );
    };
  }

  function unimplemented<Req, Res>(method: string): grpc.handleUnaryCall<Req, Res> {
    return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `novaform does not implement ${method}` }, null);
  }

  async function check(request: InstanceType<typeof providerPb.CheckRequest>, config: boolean) {
    const olds = unwrapStruct(request.getOlds()).value;
    const news = unwrapStruct(request.getNews());
    const type = config ? '' : typeOf(request);
    const result = config
      ? await operations.checkConfig(news.value)
      : await operations.check(type, request.getUrn(), olds, news.value);
    const secrets = config ? news.secrets : secretsFor(type, news.secrets);
    return new providerPb.CheckResponse()
      .setInputs(wrapStruct(result.inputs, { secrets, keepUnknowns: true }))
      .setFailuresList(failuresOf(result.failures));
  }

  const service: IResourceProviderServer = {
    handshake: unary('Handshake', async () =>
      new providerPb.ProviderHandshakeResponse()
        .setAcceptSecrets(true)
        .setAcceptResources(false)
        .setAcceptOutputs(false)
        .setSupportsAutonamingConfiguration(false),
    ),
    getPluginInfo: unary('GetPluginInfo', async () => new pluginPb.PluginInfo().setVersion(options.version)),
    getSchema: unary('GetSchema', async (request: InstanceType<typeof providerPb.GetSchemaRequest>) => {
      if (request.getVersion() !== 0) {
        throw new StatusError(grpc.status.INVALID_ARGUMENT, `unsupported schema version ${request.getVersion()}`);
      }
      return new providerPb.GetSchemaResponse().setSchema(options.schema());
    }),
    checkConfig: unary('CheckConfig', (request) => check(request, true)),
    diffConfig: unary('DiffConfig', async (request) =>
      diffResponse(configDiff(unwrapStruct(request.getOlds()).value, unwrapStruct(request.getNews()).value)),
    ),
    configure: unary('Configure', async (request) => {
      await operations.configure(configOf(request));
      return new providerPb.ConfigureResponse()
        .setAcceptsecrets(true)
        .setSupportspreview(true)
        .setAcceptresources(false)
        .setAcceptoutputs(false);
    }),
    check: unary('Check', (request) => check(request, false)),
    diff: unary('Diff', async (request) => {
      const type = typeOf(request);
      const olds = unwrapStruct(request.getOlds()).value;
      const news = unwrapStruct(request.getNews()).value;
      const result = await operations.diff(type, request.getUrn(), request.getId(), olds, news);
      for (const note of result.notes) await engine.warn(request.getUrn(), note);
      return diffResponse(result);
    }),
    create: unary('Create', async (request) => {
      const type = typeOf(request);
      const inputs = unwrapStruct(request.getProperties());
      const preview = request.getPreview();
      const result = await operations.create(type, request.getUrn(), inputs.value, preview);
      return new providerPb.CreateResponse()
        .setId(result.id)
        .setProperties(wrapStruct(result.outputs, { secrets: secretsFor(type, inputs.secrets), keepUnknowns: preview }));
    }),
    read: unary('Read', async (request) => {
      const type = typeOf(request);
      const state = unwrapStruct(request.getProperties());
      const inputs = unwrapStruct(request.getInputs());
      // An import sends neither state nor inputs: only the id.
      const isImport = Object.keys(state.value).length === 0 && Object.keys(inputs.value).length === 0;
      const result = await operations.read(type, request.getUrn(), request.getId(), isImport ? undefined : inputs.value);
      const response = new providerPb.ReadResponse();
      if (result === undefined) return response;
      for (const note of result.notes) await engine.warn(request.getUrn(), note);
      const secrets = secretsFor(type, state.secrets, inputs.secrets);
      return response
        .setId(result.id)
        .setProperties(wrapStruct(result.outputs, { secrets }))
        .setInputs(wrapStruct(result.inputs, { secrets }));
    }),
    update: unary('Update', async (request) => {
      const type = typeOf(request);
      const olds = unwrapStruct(request.getOlds());
      const news = unwrapStruct(request.getNews());
      const preview = request.getPreview();
      const result = await operations.update(type, request.getUrn(), request.getId(), olds.value, news.value, preview);
      return new providerPb.UpdateResponse().setProperties(
        wrapStruct(result.outputs, { secrets: secretsFor(type, olds.secrets, news.secrets), keepUnknowns: preview }),
      );
    }),
    delete: unary('Delete', async (request) => {
      await operations.delete(typeOf(request), request.getUrn(), request.getId(), unwrapStruct(request.getProperties()).value);
      return new emptyPb.Empty();
    }),
    // Cancel is advisory: operations already running finish (each is bounded
    // by its own deadline and the safe-create journal); new ones are refused.
    cancel: unary('Cancel', async () => {
      cancelled = true;
      return new emptyPb.Empty();
    }),
    // Attach is how an engine adopts a provider it did not launch
    // (PULUMI_DEBUG_PROVIDERS); logging through the engine is not used.
    attach: unary('Attach', async (request: InstanceType<typeof pluginPb.PluginAttach>) => {
      log(`novaform plugin: attached to engine ${request.getAddress()}`);
      return new emptyPb.Empty();
    }),
    parameterize: unimplemented('Parameterize'),
    invoke: unimplemented('Invoke'),
    call: unimplemented('Call'),
    construct: unimplemented('Construct'),
    getMapping: unimplemented('GetMapping'),
    getMappings: unimplemented('GetMappings'),
    list: (call) => {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'novaform does not implement List' });
    },
  };

  const server = new grpc.Server();
  server.addService(providerGrpc.ResourceProviderService, service);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  (options.stdout ?? process.stdout).write(`${port}\n`);
  if (engineAddress !== undefined) log(`novaform plugin: serving on 127.0.0.1:${port} for engine ${engineAddress}`);

  let closing: Promise<void> | undefined;
  return {
    port,
    engineAddress,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        engine.close();
        await operations.close();
      })();
      return closing;
    },
  };
}
