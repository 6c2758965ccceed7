import { packageVersion } from '../../schemas/package-files.ts';
import { packageSchemaJson } from '../schema/package-schema.ts';
import { novaformOperations } from './novaform-operations.ts';
import { servePlugin } from './plugin-server.ts';

/**
 * `pulumi-resource-novaform`: the plugin the Pulumi engine launches. It
 * prints its port on stdout (nothing else, ever), serves the
 * ResourceProvider gRPC service, and on SIGTERM / SIGINT closes the
 * server and the stack session (releasing the stack's lock).
 */
const version = packageVersion();
const operations = novaformOperations({ cwd: process.cwd(), env: process.env, version, log: (line) => process.stderr.write(`${line}\n`) });
const plugin = await servePlugin({ operations, schema: () => packageSchemaJson(version), version, args: process.argv.slice(2) });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void plugin.close().finally(() => process.exit(0));
  });
}
