/**
 * The Pulumi engine's Engine gRPC service, Log only, for tests of what a
 * plugin tells the person running Pulumi. Test code only.
 */
import grpc from '@grpc/grpc-js';
import engineGrpc from '@pulumi/pulumi/proto/engine_grpc_pb.js';
import type { IEngineServer } from '@pulumi/pulumi/proto/engine_grpc_pb.js';
import enginePb from '@pulumi/pulumi/proto/engine_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';

export interface EngineLogEntry {
  readonly severity: number;
  readonly urn: string;
  readonly message: string;
}

export interface EngineLogServer {
  /** `127.0.0.1:PORT`, the address a plugin is launched with. */
  readonly address: string;
  readonly entries: EngineLogEntry[];
  /** The messages logged as warnings on `urn`. */
  warningsOn(urn: string): string[];
  close(): Promise<void>;
}

/**
 * @example
 * const engine = await startEngineLogServer();
 * // launch the plugin with engine.address as its last argument, then:
 * engine.warningsOn(urn) // ['data loss: ...']
 */
export async function startEngineLogServer(): Promise<EngineLogServer> {
  const entries: EngineLogEntry[] = [];
  const unimplemented: grpc.handleUnaryCall<unknown, never> = (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED }, null);
  const service: IEngineServer = {
    log: (call, callback) => {
      entries.push({ severity: call.request.getSeverity(), urn: call.request.getUrn(), message: call.request.getMessage() });
      callback(null, new emptyPb.Empty());
    },
    getRootResource: unimplemented,
    setRootResource: unimplemented,
    startDebugging: unimplemented,
    requirePulumiVersion: unimplemented,
  };
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, service);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    entries,
    warningsOn: (urn) => entries.filter((e) => e.urn === urn && e.severity === enginePb.LogSeverity.WARNING).map((e) => e.message),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
