import { parseArgs } from 'node:util';
import { combinedSchema, kindSchema, KINDS } from '../../schemas/index.ts';
import { suggest } from '../../reconciler/manifests/suggest.ts';
import { CliError } from '../cli-error.ts';

export const SCHEMA_USAGE = `novaform schema [KIND]   (KIND: ${KINDS.join(', ')}; none = the combined schema)`;

/**
 * `novaform schema [KIND]`: prints the JSON Schema (draft 2020-12) of one
 * kind's manifests, or the combined schema for every kind, self-contained.
 */
export async function run(argv: string[]): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nUsage: ${SCHEMA_USAGE}`, 2);
  }
  if (positionals.length > 1) throw new CliError(`expected at most one KIND, got ${positionals.length}\nUsage: ${SCHEMA_USAGE}`, 2);
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
