import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitSourceError } from './git-source-error.ts';
import { redactGitUrl } from './redact-git-url.ts';

/**
 * The working directory a git source owns:
 *
 * ```
 * WORKDIR/novaform-git-source.json   the marker: {"version":1,"url":"https://***@host/infra.git"}
 * WORKDIR/checkout/                  the repository, checked out detached at the fetched commit
 * ```
 *
 * Rules:
 * - A directory that does not exist or is empty is claimed: the marker is
 *   written before anything else.
 * - A directory with a marker naming the same repository (compared
 *   redacted, so a rotated token is the same repository) is reused.
 * - Anything else is refused with one line: a marker naming another
 *   repository, or files without a marker (never deleted: they are not ours).
 * - The marker holds the redacted URL only: no credentials on disk. The
 *   checkout has no remote either; every fetch names the URL.
 */
export const MARKER_FILE = 'novaform-git-source.json';
export const CHECKOUT_DIR = 'checkout';

interface Marker {
  readonly version: 1;
  readonly url: string;
}

/**
 * Claims `workDir` for `url` and returns the checkout directory (absolute
 * when `workDir` is). `init` creates the repository when it is missing.
 *
 * @example
 * const checkout = await claimWorkDir('/var/lib/novaform/git', url, (dir) => runGit(['init', '--quiet', dir], ...));
 */
export async function claimWorkDir(workDir: string, url: string, init: (checkout: string) => Promise<unknown>): Promise<string> {
  const shown = redactGitUrl(url);
  const marker = join(workDir, MARKER_FILE);
  const checkout = join(workDir, CHECKOUT_DIR);
  const entries = await readdir(workDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new GitSourceError('work-dir', `cannot use work dir ${workDir}: ${error.code === 'ENOTDIR' ? 'not a directory' : error.message}`);
  });
  if (entries === undefined || entries.length === 0) {
    await mkdir(workDir, { recursive: true });
    await writeFile(marker, `${JSON.stringify({ version: 1, url: shown } satisfies Marker)}\n`, { mode: 0o644 });
  } else if (!entries.includes(MARKER_FILE)) {
    throw new GitSourceError('work-dir', `work dir ${workDir} holds files that are not a novaform git checkout; give an empty or new directory`);
  } else {
    const owner = await readMarker(marker, workDir);
    if (owner !== shown) throw new GitSourceError('work-dir', `work dir ${workDir} holds a checkout of ${owner}, not ${shown}; give another directory`);
  }
  const hasRepository = await stat(join(checkout, '.git')).then((info) => info.isDirectory(), () => false);
  if (!hasRepository) {
    await rm(checkout, { recursive: true, force: true }); // a half-made checkout of ours (a crash before init finished)
    await mkdir(checkout, { recursive: true });
    await init(checkout);
  }
  return checkout;
}

async function readMarker(marker: string, workDir: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(marker, 'utf8')) as Partial<Marker>;
    if (typeof parsed.url === 'string') return parsed.url;
  } catch { /* reported below */ }
  throw new GitSourceError('work-dir', `work dir ${workDir} has an unreadable ${MARKER_FILE}; remove the directory to start over`);
}
