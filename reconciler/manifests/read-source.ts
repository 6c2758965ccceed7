import { open } from 'node:fs/promises';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import { formatBytes, type LoadLimits } from './limits.ts';
import { byteOffsetLocation, firstInvalidUtf8 } from './utf8.ts';

/**
 * Reads one manifest file as UTF-8 text within the size limits. The size
 * is checked on the open file before reading, so an oversized file is
 * never loaded into memory.
 */

export interface ReadBudget {
  /** Bytes read so far across all files. */
  usedBytes: number;
}

export type ReadOutcome =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostics: ManifestDiagnostic[]; /** True when the total budget is spent: read no further files. */ readonly stop: boolean };

const start = (file: string) => ({ file, line: 1, column: 1 });

/**
 * Reads `path` (reported as `file`), charging its size to `budget`.
 *
 * @example
 * await readManifestText('/abs/a.yaml', 'a.yaml', DEFAULT_LIMITS, { usedBytes: 0 }) // { ok: true, text: '...' }
 */
export async function readManifestText(path: string, file: string, limits: LoadLimits, budget: ReadBudget): Promise<ReadOutcome> {
  let bytes: Buffer;
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => error);
  if (!('read' in handle)) {
    return { ok: false, stop: false, diagnostics: [diagnostic(start(file), 'file-unreadable', '', `cannot read the file: ${handle.code ?? handle.message}`)] };
  }
  try {
    const { size } = await handle.stat();
    if (size > limits.maxFileBytes) {
      const message = `the file is ${formatBytes(size)}; manifest files are limited to ${formatBytes(limits.maxFileBytes)}`;
      return { ok: false, stop: false, diagnostics: [diagnostic(start(file), 'file-too-large', '', message, { hints: ['split it into several files, or raise the limit with --max-file-size'] })] };
    }
    if (budget.usedBytes + size > limits.maxTotalBytes) {
      const message = `manifests add up to more than ${formatBytes(limits.maxTotalBytes)} with this file; no further files were read`;
      return { ok: false, stop: true, diagnostics: [diagnostic(start(file), 'total-too-large', '', message, { hints: ['validate fewer paths at once, or raise the limit with --max-total-size'] })] };
    }
    budget.usedBytes += size;
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  const problem = encodingProblem(file, bytes);
  if (problem) return { ok: false, stop: false, diagnostics: [problem] };
  const text = bytes.toString('utf8');
  return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

function encodingProblem(file: string, bytes: Buffer): ManifestDiagnostic | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return diagnostic(start(file), 'not-utf8', '', 'the file is UTF-16; manifests must be UTF-8', { hints: ['convert it, e.g. iconv -f UTF-16 -t UTF-8'] });
  }
  const offset = firstInvalidUtf8(bytes);
  if (offset < 0) return undefined;
  const byte = bytes[offset]!.toString(16).padStart(2, '0');
  return diagnostic(byteOffsetLocation(file, bytes, offset), 'not-utf8', '', `invalid UTF-8 (byte 0x${byte} at offset ${offset}); manifests must be UTF-8`, {
    hints: ['the file may be Latin-1 or binary: convert it, e.g. iconv -f LATIN1 -t UTF-8'],
  });
}
