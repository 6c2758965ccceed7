import { stackInventory, type Inventory, type InventoryEntry } from '../../reconciler/inspect/stack-inventory.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import { CliError } from '../cli-error.ts';
import type { FlagValues } from '../command-spec.ts';
import { getCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { openCliSession } from './apply-common.ts';
import { existingPaths, json, optionalManifests, outputFlag, processInspectIo, stackFlag, table, type InspectIo } from './inspect-common.ts';

/**
 * Opens the stack of `[PATH...]` read-only (no lock, no write: it runs
 * while an apply holds the stack) and reads its inventory; shared by
 * `get` and `outputs`. Returns undefined (after printing why) when the
 * manifests are invalid or do not plan.
 */
export async function readInventory(parsed: { values: FlagValues<typeof getCommand.flags>; positionals: string[] }, io: InspectIo, command: string) {
  const { values, positionals } = parsed;
  const output = outputFlag(values.output);
  const paths = existingPaths(positionals, io.cwd);
  const stack = stackFlag(values.stack);
  const loaded = await optionalManifests(paths, io, `no ${command.replace('novaform ', '')}`);
  if (!loaded) return undefined;
  const { session } = await openCliSession({
    paths, ...(stack ? { stack } : {}), ...(values['os-cloud'] ? { cloud: values['os-cloud'] } : {}), backend: values.backend, mode: 'read', command, rebind: values.rebind, io,
  });
  try {
    const inventory = await stackInventory(session, { documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs });
    return { inventory, output };
  } catch (error) {
    if (error instanceof PlanError) {
      for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
      io.stderr.write(`novaform: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} reading the stack\n`);
      return undefined;
    }
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message, 1);
  } finally {
    await session.close();
  }
}

/**
 * `novaform get`: each resource of the stack (declared, recorded, or
 * stamped as the stack's in the cloud) with its cloud id, the cloud's
 * status, when it was last applied, and its drift (the session's drift
 * report: in sync, drifted, missing, unhealthy; not applied; undeclared).
 * Without manifests under PATH the drift column is `unknown`. Reads only.
 * Exit 0; 1 on error.
 */
export async function run(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const read = await readInventory(parseCommandLine(getCommand, argv), io, 'novaform get');
  if (!read) return 1;
  io.stdout.write(read.output === 'json' ? json(getJson(read.inventory)) : getText(read.inventory));
  return 0;
}

/** The `get --output json` document (version 1; fields may be added). */
export function getJson(inventory: Inventory) {
  return {
    version: 1, stack: inventory.stack, cloud: inventory.cloud,
    resources: inventory.resources.map(({ outputs: _outputs, ...entry }: InventoryEntry) => entry),
  };
}

export function getText(inventory: Inventory): string {
  if (inventory.resources.length === 0) return `stack '${inventory.stack}' on ${inventory.cloud}: no resources (no manifests under PATH, no records, nothing stamped as its own)\n`;
  return `stack '${inventory.stack}' on ${inventory.cloud}\n${table(['KIND', 'NAME', 'ID', 'STATUS', 'LAST APPLIED', 'DRIFT'], inventory.resources.map((r) => [
    r.kind, r.name, r.id ?? '-', r.status, r.lastApplied ?? '-', r.drift,
  ]))}`;
}
