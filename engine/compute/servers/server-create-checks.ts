import { isIPv4, isIPv6 } from 'node:net';
import type { ErrorObject } from 'ajv';
import { badRequest } from '../../http/api-error.ts';
import { atLeast, type Microversion } from '../../http/microversion.ts';
import { novaValidationMessage } from '../../http/validate.ts';
import { assertNameFormats } from '../validation/nova-formats.ts';

/**
 * The request checks Nova makes inside JSON-schema validation that the
 * shared validator has no format for, with Nova's wording. Run after
 * `validateBody` on the same body.
 */

function schemaError(body: unknown, instancePath: string, keyword: string, params: Record<string, unknown>): Error {
  const error = { keyword, instancePath, params, schemaPath: '', message: '' } as ErrorObject;
  return badRequest(novaValidationMessage([error], body));
}

const isIp = (value: string) => isIPv4(value) || isIPv6(value);

/** python-jsonschema's int() coercion for `minimum` on numeric strings (Nova's _SchemaValidator). */
function checkPositiveCount(body: Record<string, any>, field: 'min_count' | 'max_count'): void {
  const value = body.server[field];
  if (typeof value !== 'string' || value === '') return;
  const n = Number(value);
  if (n < 1) {
    const coerced = { server: { ...body.server, [field]: n } };
    throw schemaError(coerced, `/server/${field}`, 'minimum', { limit: 1 });
  }
}

/** Checks of a create body that passed `createServerSchema(v)`. */
export function checkCreateFormats(body: Record<string, any>, v: Microversion): void {
  const server = body.server as Record<string, any>;
  assertNameFormats(server.name, ['name']);
  if (server.accessIPv4 !== undefined && !isIPv4(server.accessIPv4)) throw schemaError(body, '/server/accessIPv4', 'format', { format: 'ipv4' });
  if (server.accessIPv6 !== undefined && !isIPv6(server.accessIPv6)) throw schemaError(body, '/server/accessIPv6', 'format', { format: 'ipv6' });
  if (Array.isArray(server.networks)) {
    server.networks.forEach((network: Record<string, unknown>, i: number) => {
      if (network.fixed_ip === undefined || isIp(String(network.fixed_ip))) return;
      // From 2.37 the list is one branch of a oneOf, so the failure surfaces on `networks`.
      throw atLeast(v, 2, 37)
        ? schemaError(body, '/server/networks', 'oneOf', {})
        : schemaError(body, `/server/networks/${i}/fixed_ip`, 'oneOf', {});
    });
  }
  assertNameFormats(server.availability_zone, ['name']);
  checkPositiveCount(body, 'min_count');
  checkPositiveCount(body, 'max_count');
  assertNameFormats(server.key_name, ['name']);
  for (const group of server.security_groups ?? []) assertNameFormats(group.name, ['name']);
}

/** Checks of an update body that passed `updateServerSchema(v)`. */
export function checkUpdateFormats(body: Record<string, any>): void {
  const server = body.server as Record<string, any>;
  assertNameFormats(server.name, ['name']);
  if (server.accessIPv4 !== undefined && !isIPv4(server.accessIPv4)) throw schemaError(body, '/server/accessIPv4', 'format', { format: 'ipv4' });
  if (server.accessIPv6 !== undefined && !isIPv6(server.accessIPv6)) throw schemaError(body, '/server/accessIPv6', 'format', { format: 'ipv6' });
}

const TRUE_STRINGS = new Set(['1', 't', 'true', 'on', 'y', 'yes']);

/** oslo strutils.bool_from_string (non-strict) for the schema's boolean values. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return value !== undefined && value !== null && TRUE_STRINGS.has(String(value).trim().toLowerCase());
}

/** A schema-validated positive_integer (int or numeric string) as a number. */
export function toCount(value: unknown, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}
