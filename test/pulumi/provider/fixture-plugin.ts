/**
 * A plugin process for the handshake test: servePlugin over the recording
 * operations, launched the way Pulumi launches a plugin (args end with the
 * engine's address). SIGTERM closes it cleanly.
 */
import { servePlugin } from '../../../pulumi/provider/plugin-server.ts';
import { RecordingOperations } from './recording-operations.ts';

const plugin = await servePlugin({
  operations: new RecordingOperations(),
  schema: () => JSON.stringify({ name: 'novaform', version: '0.0.0-fixture' }),
  version: '0.0.0-fixture',
  args: process.argv.slice(2),
});
process.once('SIGTERM', () => {
  void plugin.close().then(() => process.exit(0));
});
