import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ManifestFileField } from '../../provider/resources/manifest-checks.ts';
import type { Locator } from './convert-sizes.ts';
import { diagnostic, type DiagnosticCode, type ManifestDiagnostic } from './diagnostics.ts';
import { formatPath } from './json-path.ts';
import type { LoadLimits } from './limits.ts';
import { firstInvalidUtf8 } from './utf8.ts';

/**
 * The local files a manifest names (a keypair's `publicKeyFile`, declared
 * by its kind module's `manifestFiles`): read relative to the manifest's
 * directory, bounded by `maxPublicKeyFileBytes`, checked to be UTF-8, then
 * checked and stored by the kind's field rule. The file's content is never
 * echoed: it may be a secret written by mistake.
 */

export interface ManifestFilesResult {
  /** The spec with each file's value in its field; unchanged where a file failed. */
  readonly spec: Record<string, unknown>;
  readonly diagnostics: ManifestDiagnostic[];
}

/**
 * Reads every file field of a schema-valid spec.
 *
 * @example
 * await readManifestFiles(kindModule('Keypair').manifestFiles ?? [], { publicKeyFile: 'ops.pub' }, '/repo/manifests', DEFAULT_LIMITS, locate)
 * // → { spec: { publicKeyFile: 'ops.pub', publicKey: 'ssh-ed25519 AAAA… ops' }, diagnostics: [] }
 */
export async function readManifestFiles(fields: readonly ManifestFileField[], spec: Record<string, unknown>, manifestDir: string, limits: LoadLimits, locate: Locator): Promise<ManifestFilesResult> {
  let out = spec;
  const diagnostics: ManifestDiagnostic[] = [];
  for (const field of fields) {
    const written = spec[field.field];
    if (typeof written !== 'string') continue;
    const path = ['spec', field.field];
    const fail = (message: string, hints: readonly string[] = []) =>
      diagnostics.push(diagnostic(locate(path), field.code as DiagnosticCode, formatPath(path), message, { hints }));
    if (written.startsWith('~')) {
      fail(`'${written}': '~' is not expanded`, ['write the path relative to the manifest, or absolute']);
      continue;
    }
    const absolute = isAbsolute(written) ? written : resolve(manifestDir, written);
    const read = await readSmallFile(absolute, limits.maxPublicKeyFileBytes, field);
    if ('error' in read) {
      fail(`cannot read '${written}' (${absolute}): ${read.error}`, read.hints);
      continue;
    }
    const checked = field.check(read.text, spec, written);
    if ('message' in checked) fail(`'${written}': ${checked.message}`, checked.hints);
    else out = { ...out, [field.into]: checked.value };
  }
  return { spec: out, diagnostics };
}

async function readSmallFile(path: string, maxBytes: number, field: ManifestFileField): Promise<{ text: string } | { error: string; hints: string[] }> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => error);
  if (!('read' in handle)) {
    const reasons: Record<string, [string, string[]]> = {
      ENOENT: ['no such file', ['the path is relative to the manifest\'s directory']],
      EACCES: ['permission denied', ['make the file readable by the user running novaform']],
      EISDIR: ['is a directory', []],
    };
    const [error, hints] = reasons[handle.code ?? ''] ?? [handle.message, []];
    return { error, hints };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { error: 'is a directory', hints: [] };
    if (info.size > maxBytes) return { error: `the file is ${info.size} bytes; ${field.noun} is at most ${maxBytes}`, hints: [] };
    const bytes = await handle.readFile();
    if (firstInvalidUtf8(bytes) >= 0) return { error: 'not UTF-8 text', hints: [`${field.noun} is text: ${field.holds}`] };
    return { text: bytes.toString('utf8') };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message, hints: [] };
  } finally {
    await handle.close();
  }
}
