import type { FastifyRequest } from 'fastify';
import { badRequest } from '../../http/api-error.ts';
import { pageParams, type PageParams } from '../../http/paging.ts';
import { pyRepr } from '../../http/validate.ts';

/**
 * Query strings the way Nova's query schemas see them: every parameter is a
 * list (`multi_params`), each value is validated, and the handler then uses
 * the last value (webob's `params.get`).
 */

export type QueryValues = Record<string, string[]>;

export function queryValues(request: FastifyRequest): QueryValues {
  const out: QueryValues = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    out[key] = ([] as unknown[]).concat(value).map(String);
  }
  return out;
}

export function lastValue(values: QueryValues, name: string): string | undefined {
  const list = values[name];
  return list && list.length > 0 ? list[list.length - 1] : undefined;
}

/** The last value of each parameter. */
export function lastValues(values: QueryValues): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(values).map((k) => [k, lastValue(values, k)]));
}

/** 400 unless every value of `name` is one of `allowed` (jsonschema `enum` wording). */
export function assertQueryEnum(values: QueryValues, name: string, allowed: readonly string[]): void {
  for (const value of values[name] ?? []) {
    if (!allowed.includes(value)) {
      throw badRequest(`Invalid input for query parameters ${name}. Value: ${value}. ${pyRepr(value)} is not one of ${pyRepr([...allowed])}`);
    }
  }
}

/** From 2.75 most list APIs forbid unknown parameters (`additionalProperties: False` at the root). */
export function assertKnownQuery(values: QueryValues, known: readonly string[]): void {
  const extras = Object.keys(values).filter((k) => !known.includes(k)).sort();
  if (extras.length === 0) return;
  const verb = extras.length === 1 ? 'was' : 'were';
  throw badRequest(`Additional properties are not allowed (${extras.map(pyRepr).join(', ')} ${verb} unexpected)`);
}

/** `limit` (every value must be a non-negative integer) and `marker`, last values winning. */
export function queryPage(values: QueryValues): PageParams {
  for (const limit of values.limit ?? []) pageParams({ limit });
  return pageParams({ limit: lastValue(values, 'limit'), marker: lastValue(values, 'marker') });
}
