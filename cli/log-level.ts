import { CliError } from './cli-error.ts';

/**
 * The log level every command reads: NOVAFORM_LOG (`--debug` sets it to
 * `debug`), or NOVAFORM_LOG_LEVEL, the controller's older name for the same
 * thing, which wins when both are set. At `debug` and `trace` every cloud
 * request and answer is logged to stderr with its secrets redacted
 * (provider/openstack/http-log.ts).
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The level the environment asks for; `info` when unset, a CliError for a word that is no level.
 *
 * @example
 * logLevel({ NOVAFORM_LOG: 'debug' }) // 'debug'
 */
export function logLevel(env: Record<string, string | undefined>): LogLevel {
  const name = env.NOVAFORM_LOG_LEVEL ? 'NOVAFORM_LOG_LEVEL' : 'NOVAFORM_LOG';
  const level = (env[name] || 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new CliError(`${name}: '${env[name]}' is not one of ${LOG_LEVELS.join(', ')}`, 1);
  return level as LogLevel;
}

/** True when the redacted request log is on. */
export function requestLogOn(env: Record<string, string | undefined>): boolean {
  const level = logLevel(env);
  return level === 'debug' || level === 'trace';
}
