import { stringify } from 'yaml';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Description } from './describe-objects.ts';

/**
 * Pure: `novaform import`'s files. One file per kind, named for the kind
 * (`flavors.yaml`, `server-groups.yaml`), its documents in the order given
 * (sorted by name, then id), each preceded by its notes as comments, and
 * the first line a header saying import wrote it: a later import rewrites
 * only files that carry it, so a hand-written file is never overwritten.
 * The same cloud gives the same bytes, so a re-import's diff in git shows
 * what changed in the cloud and nothing else.
 */

export const IMPORT_HEADER = '# Written by novaform import; edit freely. A new import rewrites this file.';

/**
 * @example
 * importFileName('ServerGroup') // 'server-groups.yaml'
 */
export function importFileName(kind: Kind): string {
  return `${kindModule(kind).noun.replace(/ /g, '-')}s.yaml`;
}

/**
 * @example
 * renderImportFile([flavorDescription])
 * // '# Written by novaform import; …\napiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: m1\nspec:\n  vcpus: 1\n…  import:\n    id: f1\n'
 */
export function renderImportFile(documents: readonly Extract<Description, { document: unknown }>[]): string {
  const parts = documents.map((d) => {
    const notes = d.notes.map((note) => `# note: ${note.replace(/\s*\n\s*/g, ' ')}\n`).join('');
    return notes + stringify(d.document, { lineWidth: 0 });
  });
  return `${IMPORT_HEADER}\n${parts.join('---\n')}`;
}
