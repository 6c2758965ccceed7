import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RefTarget } from '../../../provider/resources/kind.ts';
import type { Manifest, UnresolvedRef } from '../../manifests/index.ts';
import type { StackSession } from '../../session/stack-session.ts';
import { NOTES_FILE, notesMarkdown } from './notes-markdown.ts';
import { buildTerraformModel, type ExportFindings, type TerraformModel } from './terraform-model.ts';

/** What an export wrote. */
export interface ExportResult {
  readonly configFile: string;
  readonly notesFile: string;
  /** Resources with an import block (objects that exist). */
  readonly imported: number;
  /** Resources Terraform would create (no object yet). */
  readonly created: number;
  readonly notes: number;
  readonly model: TerraformModel;
}

export interface ExportTerraformInput {
  /** A session opened read-only (mode 'read'): the export plans and changes nothing. */
  readonly session: StackSession;
  readonly documents: readonly Manifest[];
  readonly unresolvedRefs: readonly UnresolvedRef[];
  /** Where the configuration and the notes go (created if missing). */
  readonly outDir: string;
  /** The provider block's `cloud`, or undefined (the provider reads OS_CLOUD / OS_*). */
  readonly cloud?: string;
}

/**
 * `novaform export terraform`: plans the stack read-only (the same matching
 * as `plan`, so ids come from the cloud's ownership stamps, not from local
 * state), maps every manifest through its kind's Terraform mapping, and
 * writes the cdktf-synthesized configuration and NOTES.md to `outDir`.
 * Changes nothing in the cloud or the state.
 *
 * @throws PlanError as `plan` does; NotExportableError for a kind without a mapping.
 *
 * @example
 * const result = await exportTerraform({ session, documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, outDir: 'tf' });
 * console.log(result.configFile); // 'tf/cdk.tf.json'
 */
export async function exportTerraform(input: ExportTerraformInput): Promise<ExportResult> {
  const executable = await input.session.plan({ documents: input.documents, unresolvedRefs: input.unresolvedRefs, prune: false });
  const observed = new Map<string, { id: string }>();
  for (const step of executable.steps) {
    if (step.observed && step.resource.action !== 'delete') observed.set(`${step.resource.kind}/${step.resource.name}`, step.observed);
  }
  const findings: ExportFindings = {
    observed: (kind, name) => observed.get(`${kind}/${name}`),
    pinned: (target: RefTarget, written) => executable.pinned.get(`${target}/${written}`),
  };
  const model = buildTerraformModel(input.documents.map((m) => ({ kind: m.kind, name: m.metadata.name, spec: m.spec as unknown as Record<string, unknown> })), findings);
  // cdktf only now: other commands never load it.
  const { CONFIG_FILE, synthesizeTerraform } = await import('./synthesize-terraform.ts');
  const config = await synthesizeTerraform(model, { stack: input.session.stack, ...(input.cloud !== undefined ? { cloud: input.cloud } : {}) });
  await mkdir(input.outDir, { recursive: true });
  const configFile = join(input.outDir, CONFIG_FILE);
  const notesFile = join(input.outDir, NOTES_FILE);
  await writeFile(configFile, config);
  await writeFile(notesFile, notesMarkdown(model, input.session.stack));
  const resources = model.entries.flatMap((e) => e.resources);
  return {
    configFile, notesFile, model,
    imported: resources.filter((r) => r.importId !== undefined).length,
    created: resources.filter((r) => r.importId === undefined).length,
    notes: model.entries.reduce((n, e) => n + e.notes.length, 0),
  };
}
