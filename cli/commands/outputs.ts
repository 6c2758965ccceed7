import type { Inventory } from '../../reconciler/inspect/stack-inventory.ts';
import { outputsCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { readInventory } from './get.ts';
import { json, processInspectIo, type InspectIo } from './inspect-common.ts';

/**
 * Where a server's adminPass is: nowhere. Nova returns it once, in the
 * create response; novaform never asks Nova to set one, never keeps the
 * one Nova returns, and MUST NOT keep it (DESIGN.md "Safety rules": not in
 * state, plans or output). So `--show-secrets` has no secret to show and
 * says so, instead of pretending.
 */
export const ADMIN_PASS_NOTE = 'adminPass: not kept by novaform (Nova returns it once, at create; it is never stored). Log in with the server\'s keypair, or set a password through userData';

/**
 * `novaform outputs`: what other tools need from a stack, per resource:
 * the cloud id, status, network addresses and volume attachments (by
 * manifest name where the stack declares them). Reads only. Exit 0; 1 on
 * error. `--show-secrets` would show secrets; the only one a server has
 * is its adminPass, which novaform never keeps (ADMIN_PASS_NOTE).
 */
export async function run(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const parsed = parseCommandLine(outputsCommand, argv);
  const read = await readInventory(parsed, io, 'novaform outputs');
  if (!read) return 1;
  const showSecrets = parsed.values['show-secrets'];
  io.stdout.write(read.output === 'json' ? json(outputsJson(read.inventory, showSecrets)) : outputsText(read.inventory, showSecrets));
  return 0;
}

/** The `outputs --output json` document (version 1; fields may be added). */
export function outputsJson(inventory: Inventory, showSecrets: boolean) {
  return {
    version: 1, stack: inventory.stack, cloud: inventory.cloud,
    resources: Object.fromEntries(inventory.resources.map((r) => [`${r.kind}/${r.name}`, {
      id: r.id, status: r.status, ...r.outputs,
    }])),
    ...(showSecrets ? { notes: [ADMIN_PASS_NOTE] } : {}),
  };
}

export function outputsText(inventory: Inventory, showSecrets: boolean): string {
  const lines = [`stack '${inventory.stack}' on ${inventory.cloud}`];
  for (const r of inventory.resources) {
    lines.push(`${r.kind}/${r.name}`, `  id:      ${r.id ?? '-'}`, `  status:  ${r.status}`);
    for (const [network, addresses] of Object.entries(r.outputs.addresses ?? {})) lines.push(`  address: ${network} ${addresses.join(', ') || '(none yet)'}`);
    if (r.outputs.attached) lines.push(`  volumes: ${r.outputs.attached.join(', ')}`);
    if (r.outputs.attachedTo) lines.push(`  attached to: ${r.outputs.attachedTo.join(', ')}`);
  }
  if (showSecrets) lines.push('', ADMIN_PASS_NOTE);
  return `${lines.join('\n')}\n`;
}
