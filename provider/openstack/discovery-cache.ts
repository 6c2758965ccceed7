import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { formatMicroversion, parseMicroversion, type VersionRange } from './microversion.ts';

/**
 * Version discovery cached across processes: the microversion range each
 * version-document URL advertised, so a CLI run that only reads (plan,
 * drift, a no-op apply) spends its calls on listings, not on `GET /v2.1/`
 * and `GET /volume/v3/` every time.
 *
 * Contract:
 * - What is cached is the cloud's RANGE (min, max) per version-document URL,
 *   never the negotiated version: negotiation runs on it exactly as on a
 *   fresh answer, so while the cloud is unchanged the version used is the
 *   one fresh discovery would give.
 * - The file MUST hold no secret: endpoint URLs without the project id
 *   (version-discovery.ts strips it), two versions and a time. Never a token.
 * - Reading MUST NOT fail: a missing, unreadable, corrupt or foreign file,
 *   an entry of the wrong shape or one past its TTL is a miss (rediscover).
 * - Writing MUST NOT fail either: a directory that cannot be created or
 *   written (a read-only home, tests' `/nonexistent`) is skipped silently.
 *   It is atomic (a temp file in the same directory, then rename), the file
 *   mode 0600 and the directory 0700. Concurrent writers may lose each
 *   other's entry (the last rename wins); that costs a rediscovery.
 * - A cloud downgraded within the TTL answers 406 to the cached version:
 *   the entry is dropped (`forget`) and openstack-client.ts says so.
 */

/** One hour; why, in this folder's README ("Discovery cache"). */
export const DISCOVERY_CACHE_TTL_MS = 60 * 60_000;

/** The variable that turns the cache off (any non-empty value), like NO_COLOR. */
export const NO_CACHE_ENV = 'NOVAFORM_NO_CACHE';

const FILE_NAME = 'discovery.json';
const FORMAT = 1;

interface Entry {
  min: string;
  max: string;
  /** When it was discovered, epoch ms. */
  at: number;
}

interface CacheFile {
  format: number;
  entries: Record<string, Entry>;
}

export interface DiscoveryCacheOptions {
  /** Where XDG_CACHE_HOME and NOVAFORM_NO_CACHE are read; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default `os.homedir()`. */
  homeDir?: string;
  ttlMs?: number;
  now?: () => number;
}

/**
 * The cache directory: `$XDG_CACHE_HOME/novaform` when that is absolute
 * (the XDG spec says to ignore a relative one), else `~/.cache/novaform`.
 *
 * @example
 * discoveryCacheDir({ env: { XDG_CACHE_HOME: '/tmp/c' } })  // '/tmp/c/novaform'
 */
export function discoveryCacheDir(options: DiscoveryCacheOptions = {}): string {
  const env = options.env ?? process.env;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'novaform');
  return join(options.homeDir ?? homedir(), '.cache', 'novaform');
}

/** The key of one range: the version-document URL and the API's major version. */
function keyOf(url: string, major: number): string {
  return `${url} v${major}`;
}

function isEntry(value: unknown): value is Entry {
  const e = value as Entry | undefined;
  return typeof e === 'object' && e !== null && typeof e.min === 'string' && typeof e.max === 'string' && Number.isFinite(e.at);
}

/**
 * The on-disk discovery cache of one process.
 *
 * @example
 * const cache = DiscoveryCache.open({ env: process.env });
 * const range = await cache?.get('http://c/v2.1/', 2) ?? await discoverVersionRange(...);
 * await cache?.put('http://c/v2.1/', 2, range);
 */
export class DiscoveryCache {
  readonly path: string;
  private readonly dir: string;
  private readonly ttlMs: number;
  private readonly now: () => number;

  private constructor(dir: string, options: DiscoveryCacheOptions) {
    this.dir = dir;
    this.path = join(dir, FILE_NAME);
    this.ttlMs = options.ttlMs ?? DISCOVERY_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The cache, or undefined when NOVAFORM_NO_CACHE is set (non-empty). */
  static open(options: DiscoveryCacheOptions = {}): DiscoveryCache | undefined {
    const env = options.env ?? process.env;
    if (env[NO_CACHE_ENV]) return undefined;
    return new DiscoveryCache(discoveryCacheDir(options), options);
  }

  private async read(): Promise<Record<string, Entry>> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as CacheFile;
      if (parsed?.format !== FORMAT || typeof parsed.entries !== 'object' || parsed.entries === null) return {};
      return Object.fromEntries(Object.entries(parsed.entries).filter(([, entry]) => isEntry(entry)));
    } catch {
      return {};
    }
  }

  private fresh(entry: Entry): boolean {
    const age = this.now() - entry.at;
    return age >= 0 && age < this.ttlMs;
  }

  /** The cached range of `url` for API `major`, or undefined (none, expired, unreadable). */
  async get(url: string, major: number): Promise<VersionRange | undefined> {
    const entry = (await this.read())[keyOf(url, major)];
    if (!entry || !this.fresh(entry)) return undefined;
    try {
      return { min: parseMicroversion(entry.min), max: parseMicroversion(entry.max) };
    } catch {
      return undefined;
    }
  }

  /** Records `range` for `url`; expired entries of other URLs go at the same time. */
  async put(url: string, major: number, range: VersionRange): Promise<void> {
    await this.update((entries) => {
      entries[keyOf(url, major)] = { min: formatMicroversion(range.min), max: formatMicroversion(range.max), at: this.now() };
    });
  }

  /** Drops the entry of `url` (the cloud refused the version it led to). */
  async forget(url: string, major: number): Promise<void> {
    await this.update((entries) => {
      delete entries[keyOf(url, major)];
    });
  }

  private async update(change: (entries: Record<string, Entry>) => void): Promise<void> {
    const entries = Object.fromEntries(Object.entries(await this.read()).filter(([, entry]) => this.fresh(entry)));
    change(entries);
    const temp = join(this.dir, `.${FILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // mkdir's mode is only used when it creates the directory (and is masked by the umask).
      await chmod(this.dir, 0o700);
      await writeFile(temp, `${JSON.stringify({ format: FORMAT, entries } satisfies CacheFile)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(temp, this.path);
    } catch {
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}
