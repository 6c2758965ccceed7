/**
 * Messages to the person running Pulumi: the plugin writes them to the
 * engine's Log service (the address the engine launched it with), which
 * `pulumi up` and `pulumi preview` print under the resource.
 *
 * Rules:
 * - A message MUST reach the person even when the engine cannot be
 *   reached (an engine that gave no address, or went away): it then goes
 *   to the plugin's stderr, which the engine also shows.
 * - Logging MUST NOT fail or stall an operation: a call is bounded by
 *   `deadlineMs` and its failure is only reported on stderr.
 */
import grpc from '@grpc/grpc-js';
import engineGrpc from '@pulumi/pulumi/proto/engine_grpc_pb.js';
import enginePb from '@pulumi/pulumi/proto/engine_pb.js';

export interface EngineLog {
  /** A warning shown under the resource `urn`. */
  warn(urn: string, message: string): Promise<void>;
  close(): void;
}

/**
 * @example
 * const log = engineLog('127.0.0.1:4321', (line) => process.stderr.write(`${line}\n`));
 * await log.warn(urn, 'data loss: rebuilding Server web wipes its root disk (spec.image)');
 */
export function engineLog(address: string | undefined, stderr: (line: string) => void, deadlineMs = 5_000): EngineLog {
  const client = address === undefined ? undefined : new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
  return {
    async warn(urn, message) {
      if (client === undefined) {
        stderr(`warning: ${message}`);
        return;
      }
      const request = new enginePb.LogRequest().setSeverity(enginePb.LogSeverity.WARNING).setUrn(urn).setMessage(message);
      await new Promise<void>((resolve) => {
        client.log(request, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (error) => {
          if (error) stderr(`warning: ${message} (the engine's log did not take it: ${error.details || error.message})`);
          resolve();
        });
      });
    },
    close() {
      client?.close();
    },
  };
}
