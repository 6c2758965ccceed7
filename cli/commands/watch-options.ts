import { parseAutoApprove } from '../../controller/approval-policy.ts';
import { CliError } from '../cli-error.ts';
import { watchCommand } from '../commands.ts';
import { parseDuration } from '../duration.ts';
import { parseCommandLine } from '../parse-command-line.ts';

/** `novaform watch`'s flags and arguments, checked. */
export interface WatchOptions {
  readonly paths: string[];
  readonly git?: { url: string; branch: string; path: string; intervalMs: number };
  readonly resyncMs: number;
  readonly listen?: { host: string; port: number };
  readonly cloud?: string;
  readonly backend?: string;
  readonly stack?: string;
  readonly autoApprove: ReturnType<typeof parseAutoApprove>;
  readonly allowUiApprove: boolean;
  readonly prune: boolean;
  readonly dryRun: boolean;
  readonly maxRate: number;
  readonly lockWaitMs: number;
  /** Replicas: how long a stack's lease lasts without a renewal (heartbeats come every third of it). */
  readonly leaseMs: number;
}

const DEFAULT_LISTEN = '127.0.0.1:9477';
/** The default lease: a dead replica's stacks move within about 15 s + 5 s. */
export const DEFAULT_LEASE_MS = 15_000;

function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new CliError(`--${flag}: '${text}' is not a duration (e.g. 30s, 5m, 1h)`, 1);
  return ms;
}

function listenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*)\]?:)?(\d+)$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--listen: '${text}' is not HOST:PORT (e.g. 127.0.0.1:9477, or :0 for a free port)`, 1);
  return { host: match[1] || '127.0.0.1', port };
}

/**
 * @example
 * parseWatchOptions(['--resync', '30s', 'stacks']).resyncMs // 30000
 */
export function parseWatchOptions(argv: string[]): WatchOptions {
  const { values, positionals } = parseCommandLine(watchCommand, argv);
  if (values.git && positionals.length > 0) throw new CliError('give either PATH... or --git URL, not both', 1);
  if (!values.git && positionals.length === 0) throw new CliError('nothing to watch: give PATH... or --git URL; see: novaform watch --help', 1);
  if (!values.git && (values.branch || values.path || values.interval)) throw new CliError('--branch, --path and --interval go with --git', 1);
  let autoApprove;
  try {
    autoApprove = parseAutoApprove(values['auto-approve']);
  } catch (error) {
    throw new CliError((error as Error).message, 1);
  }
  const maxRate = values['max-rate'] === undefined ? 10 : Number(values['max-rate']);
  if (!(maxRate > 0) || !Number.isFinite(maxRate)) throw new CliError(`--max-rate: '${values['max-rate']}' is not a positive number of cloud calls per second`, 1);
  const leaseMs = duration('lease-duration', values['lease-duration'], DEFAULT_LEASE_MS);
  if (leaseMs < 1000) throw new CliError(`--lease-duration: '${values['lease-duration']}' is too short: at least 1s (heartbeats come every third of it)`, 1);
  return {
    paths: positionals,
    ...(values.git ? { git: { url: values.git, branch: values.branch ?? 'main', path: values.path ?? '.', intervalMs: duration('interval', values.interval, 60_000) } } : {}),
    resyncMs: duration('resync', values.resync, 5 * 60_000),
    ...(values['no-listen'] ? {} : { listen: listenAddress(values.listen ?? DEFAULT_LISTEN) }),
    ...(values['os-cloud'] ? { cloud: values['os-cloud'] } : {}),
    ...(values.backend ? { backend: values.backend } : {}),
    ...(values.stack ? { stack: values.stack } : {}),
    autoApprove,
    allowUiApprove: values['allow-ui-approve'] === true,
    prune: values['no-prune'] !== true,
    dryRun: values['dry-run'] === true,
    maxRate,
    // Waiting for the lease is the point of a second controller: by default, for ever.
    lockWaitMs: values['lock-wait'] === undefined ? Number.MAX_SAFE_INTEGER : duration('lock-wait', values['lock-wait'], 0),
    leaseMs,
  };
}
