import { pino, stdSerializers, stdTimeFunctions, type Logger, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { redactMessage } from '../reconciler/state/state-redact.ts';

/**
 * The controller's logger (issue 10 "Seeing what it does"): JSON lines
 * (pino, ISO times) when the destination is not a terminal, so journald,
 * Loki or `jq` read them; one readable line per entry on a terminal.
 *
 * Contract:
 * - Keys that look secret (password, token, secret, credential(s),
 *   authorization, x-auth-token, and their usual spellings) MUST be
 *   censored at any depth a log call uses (pino's `redact`, generated down
 *   to MAX_DEPTH levels of objects and arrays).
 * - String arguments (the message and its format arguments) go through
 *   `redactMessage`, so a cloud error quoting a token is masked too.
 * - Pretty output is synchronous (a crash or `process.exit` loses no line)
 *   and has no colour when NO_COLOR is set.
 */

export interface LoggerOptions {
  /** Where lines go; default stderr (stdout stays free for command output). */
  readonly destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** pino level; default `info`. */
  readonly level?: LevelWithSilent;
  /** Readable lines instead of JSON; default: the destination is a terminal. */
  readonly pretty?: boolean;
  /** Read for NO_COLOR; default process.env. */
  readonly env?: Record<string, string | undefined>;
}

/** The keys censored, as they are written (pino's paths are case sensitive). */
export const SECRET_KEYS: readonly string[] = [
  'password', 'Password', 'PASSWORD', 'passwd', 'adminPass', 'admin_pass', 'OS_PASSWORD',
  'token', 'Token', 'TOKEN', 'authToken', 'auth_token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'OS_TOKEN',
  'secret', 'Secret', 'SECRET', 'clientSecret', 'client_secret', 'applicationCredentialSecret', 'application_credential_secret',
  'credential', 'credentials', 'Credential', 'Credentials',
  'authorization', 'Authorization', 'x-auth-token', 'X-Auth-Token', 'x-subject-token', 'X-Subject-Token',
  'privateKey', 'private_key', 'userData', 'user_data',
];

/** How deep below the log call's object a secret key is still censored. */
export const MAX_DEPTH = 8;

export const CENSOR = '[redacted]';

/** pino redact paths for every key of SECRET_KEYS at depth 0..MAX_DEPTH (`*` matches object keys and array items). */
export function redactPaths(keys: readonly string[] = SECRET_KEYS, depth = MAX_DEPTH): string[] {
  const paths: string[] = [];
  for (let level = 0; level <= depth; level++) {
    const prefix = '*.'.repeat(level);
    for (const key of keys) paths.push(/^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}${key}` : `${prefix.slice(0, -1)}["${key}"]`);
  }
  return paths;
}

/** pino's error serializer, with the message and stack masked like any message. */
function safeError(error: Error): ReturnType<typeof stdSerializers.err> {
  const serialized = stdSerializers.err(error);
  return { ...serialized, message: redactMessage(serialized.message ?? ''), stack: redactMessage(serialized.stack ?? '') };
}

/**
 * A pino logger for the controller.
 *
 * @example
 * const log = createLogger();                        // JSON under systemd, readable in a terminal
 * log.info({ key: 'Server/web-1', action: 'create' }, 'applied');
 * log.warn({ headers: { 'x-auth-token': 'gAAAA...' } }, 'retrying'); // the token is logged as [redacted]
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const env = options.env ?? process.env;
  const pretty = options.pretty ?? destination.isTTY === true;
  const settings = {
    level: options.level ?? 'info',
    base: { pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: CENSOR },
    serializers: { err: safeError },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactMessage(a) : a)));
      },
    },
  };
  if (!pretty) return pino(settings, destination);
  const format = prettyFactory({
    colorize: !env.NO_COLOR, singleLine: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    // One line per entry on a terminal: an error shows its type and message; the JSON form keeps the stack.
    ignore: 'pid,hostname,err.stack', errorLikeObjectKeys: [],
  });
  // pino writes each entry as one JSON line; formatting it here, in the same call, keeps the output synchronous.
  const stream = { write: (line: string) => { destination.write(format(line)); } };
  return pino(settings, stream);
}
