import { combinedSchema, kindSchema, KINDS } from '../../schemas/index.ts';
import { suggest } from '../../reconciler/manifests/suggest.ts';
import { CliError } from '../cli-error.ts';
import { schemaCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';

/**
 * `novaform schema [KIND]`: prints the JSON Schema (draft 2020-12) of one
 * kind's manifests, or the combined schema for every kind, self-contained.
 */
export async function run(argv: string[]): Promise<number> {
  const { positionals } = parseCommandLine(schemaCommand, argv);
  const wanted = positionals[0];
  if (wanted === undefined) {
    process.stdout.write(`${JSON.stringify(combinedSchema(), null, 2)}\n`);
    return 0;
  }
  const kind = KINDS.find((k) => k.toLowerCase() === wanted.toLowerCase());
  if (!kind) {
    const guess = suggest(wanted, KINDS);
    throw new CliError(`unknown kind '${wanted}'; expected one of ${KINDS.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}`, 2);
  }
  process.stdout.write(`${JSON.stringify(kindSchema(kind), null, 2)}\n`);
  return 0;
}
