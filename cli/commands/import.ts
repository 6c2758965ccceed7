import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { importProject, type ProjectImport } from '../../reconciler/describe/import-project.ts';
import { IMPORT_HEADER, importFileName, renderImportFile } from '../../reconciler/describe/render-import.ts';
import { KIND_NAMES, isKind, kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { CliError } from '../cli-error.ts';
import { openCloudTarget } from '../cloud-target.ts';
import { importCommand } from '../commands.ts';
import { closest } from '../did-you-mean.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { asCloudRefusal, processIo, type ApplyIo } from './apply-common.ts';

/**
 * `novaform import`: the live project as manifests (reconciler/describe/
 * import-project.ts), one file per kind in `--out`, each document with an
 * `import` block, and a report of what was written and what was left out,
 * with why. Reads the cloud only.
 *
 * Rules:
 * - A file import would write that exists without import's header is
 *   refused before the cloud is read: nothing a person wrote is lost.
 * - Files are replaced whole (temp file + rename); a kind file of an
 *   earlier import whose kind now has nothing is removed (only when that
 *   kind was asked for).
 */

type Io = Pick<ApplyIo, 'stdout' | 'stderr' | 'env' | 'cwd'>;

/** The kinds whose objects an import takes over: not those that configure what the cloud made (a manifest of one needs no import). */
const IMPORTABLE: readonly Kind[] = KIND_NAMES.filter((kind) => !kindModule(kind).configures);

function kindsOf(values: readonly string[]): Kind[] {
  return values.map((value) => {
    if (isKind(value) && IMPORTABLE.includes(value)) return value;
    if (isKind(value)) throw new CliError(`--kind ${value}: a ${kindModule(value).noun} is not imported: a ${value} manifest names the one it configures and takes it as it is; write the manifest`, 2);
    const near = closest(value, KIND_NAMES);
    throw new CliError(`--kind ${value}: not a kind${near ? ` (did you mean ${near}?)` : ''}; the kinds are ${IMPORTABLE.join(', ')}`, 2);
  });
}

function nameFilter(value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch (error) {
    throw new CliError(`--name ${value}: not a regular expression (${(error as Error).message})`, 2);
  }
}

/** The file's first line is import's header: import wrote it and may rewrite it. */
async function writtenByImport(path: string): Promise<boolean | undefined> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : text.startsWith(`${IMPORT_HEADER}\n`);
}

function report(found: ProjectImport, written: readonly { file: string; kind: Kind; count: number }[], removed: readonly string[], out: string, cloud: string): string {
  const lines: string[] = [];
  const total = written.reduce((n, w) => n + w.count, 0);
  lines.push(total > 0 ? `Imported ${total} object${total === 1 ? '' : 's'} from cloud '${cloud}' into ${out}:` : `Nothing to import from cloud '${cloud}' into ${out}.`);
  for (const w of written) lines.push(`  ${w.file.padEnd(20)} ${w.count} ${w.kind}`);
  for (const file of removed) lines.push(`  ${file.padEnd(20)} removed (nothing of its kind left)`);
  const notes = [...found.described.values()].flat().filter((d) => d.notes.length > 0);
  if (notes.length > 0) {
    lines.push('', 'Notes (also written above each document):');
    for (const d of notes) for (const note of d.notes) lines.push(`  ${d.kind} ${d.document.metadata.name}: ${note}`);
  }
  const shared = [...found.shared].map(([kind, n]) => `${n} shared ${kindModule(kind).noun}${n === 1 ? '' : 's'}`);
  if (found.leftOut.length > 0 || shared.length > 0 || Object.keys(found.unavailable).length > 0) {
    lines.push('', 'Not imported:');
    for (const o of found.leftOut) lines.push(`  ${o.kind} ${o.name ?? '(no name)'} (${o.id}): ${o.reason}`);
    for (const [what, reason] of Object.entries(found.unavailable)) lines.push(`  every ${what}: ${reason}`);
    if (shared.length > 0) lines.push(`  ${shared.join(', ')}: the cloud's shared catalogue, referred to by name`);
  }
  if (total > 0) lines.push('', `Next: novaform plan ${out}   (only import actions: apply then takes the objects over without changing them)`);
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(importCommand, argv);
  if (positionals.length > 0) throw new CliError(`import takes no PATH (it reads the cloud): give the folder to write with --out; see: novaform import --help`, 2);
  const kinds = kindsOf(values.kind ?? []);
  const name = nameFilter(values.name);
  const outDir = resolve(io.cwd, values.out ?? '.');
  const shownOut = relative(io.cwd, outDir) || '.';
  const asked = kinds.length > 0 ? kinds : IMPORTABLE;
  for (const kind of asked) {
    const path = join(outDir, importFileName(kind));
    if (await writtenByImport(path) === false) {
      throw new CliError(`${relative(io.cwd, path)} exists and novaform import did not write it: move it away, or import into another folder with --out`, 1);
    }
  }
  await mkdir(outDir, { recursive: true });
  let target;
  try {
    // The embedded engine is the one of the folder import runs in (where apply ran), not of --out.
    target = await openCloudTarget({ cloud: values['os-cloud'], env: io.env, cwd: io.cwd, projectDir: io.cwd, log: (line) => io.stderr.write(`${line}\n`) });
  } catch (error) {
    throw asCloudRefusal(error) ?? error;
  }
  let found: ProjectImport;
  try {
    found = await importProject(target.clients, { kinds, ...(name ? { name } : {}) });
  } catch (error) {
    throw asCloudRefusal(error) ?? error;
  } finally {
    await target.close();
  }
  const written: { file: string; kind: Kind; count: number }[] = [];
  const removed: string[] = [];
  for (const kind of asked) {
    const file = importFileName(kind);
    const path = join(outDir, file);
    const documents = found.described.get(kind) ?? [];
    if (documents.length === 0) {
      if (await writtenByImport(path)) {
        await rm(path);
        removed.push(file);
      }
      continue;
    }
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, renderImportFile(documents));
    await rename(temp, path);
    written.push({ file, kind, count: documents.length });
  }
  io.stdout.write(report(found, written, removed, shownOut, target.cloudName));
  return 0;
}
