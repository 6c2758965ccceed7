import { packageVersion } from '../../schemas/package-files.ts';
import { packageSchemaJson } from './package-schema.ts';

/**
 * Prints novaform's Pulumi package schema for this package's version, as
 * the plugin's GetSchema returns it. Regenerate the committed copy after a
 * schema change (a test fails while it is stale):
 *
 *   node --import tsx pulumi/schema/print-schema.ts > pulumi/schema/novaform.pulumi.json
 */
process.stdout.write(packageSchemaJson(packageVersion()));
