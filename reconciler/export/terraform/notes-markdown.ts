import type { TerraformModel } from './terraform-model.ts';

/** The notes file `export terraform` writes beside the configuration. */
export const NOTES_FILE = 'NOTES.md';

/**
 * NOTES.md: what the exported configuration leaves out or handles
 * differently, one line per resource and field, with why; then the
 * resources that get an import block. Pure.
 *
 * @example
 * notesMarkdown(model, 'quickstart').split('\n')[0] // '# novaform export terraform: stack quickstart'
 */
export function notesMarkdown(model: TerraformModel, stack: string): string {
  const lines = [
    `# novaform export terraform: stack ${stack}`,
    '',
    'Every manifest field maps to a terraform-provider-openstack attribute except the ones listed below.',
    'Never exported: labels and annotations (novaform-local), and novaform\'s ownership marks (`novaform:*` metadata and extra-spec keys):',
    'once Terraform adopts an object it removes those marks on its first apply, and novaform no longer counts the object as its own.',
    '',
    '## Notes',
    '',
  ];
  const notes = model.entries.flatMap((e) => e.notes.map((n) => `- ${e.kind}/${e.name} \`${n.field}\`: ${n.reason}`));
  lines.push(...(notes.length > 0 ? notes : ['- none']), '', '## Import blocks', '');
  for (const e of model.entries) {
    for (const r of e.resources) {
      lines.push(`- ${e.kind}/${e.name}: \`${r.type}.${r.terraformName}\` ${r.importId !== undefined ? `imports id \`${r.importId}\`` : 'is created by Terraform (no object yet)'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
