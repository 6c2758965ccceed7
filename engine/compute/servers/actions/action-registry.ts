import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, notFound } from '../../../http/api-error.ts';

/** What an action answers: a status, plus a body and headers when it has them. */
export interface ActionResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One server action, `POST /servers/{id}/action {"<name>": <args>}`.
 *
 * Contract:
 * - A handler MUST validate the body before it looks the server up: Nova's
 *   schema decorators run first, so a bad body on an unknown server is 400.
 * - It MUST look the server up with `findServerForRequest` (404 for other
 *   projects' servers), then check policy, then lock/host/state.
 */
export type ServerAction = (ctx: EngineContext, request: FastifyRequest, serverId: string, body: Record<string, unknown>) => Promise<ActionResult>;

const actions = new Map<string, ServerAction>();

/** Adds an action; other modules (e.g. shelve, createImage) may register their own. */
export function registerServerAction(name: string, action: ServerAction): void {
  if (actions.has(name)) throw new Error(`server action ${name} is registered twice`);
  actions.set(name, action);
}

export function registeredServerActions(): string[] {
  return [...actions.keys()];
}

/**
 * Nova's `action_peek` and its callers (api/openstack/wsgi.py): the body
 * MUST have exactly one key, the action name. Python's quirks are kept:
 * `len()` of a number or null raises TypeError and a one-element list or
 * string has no `keys()` (AttributeError), both of which Nova turns into 404;
 * any other wrong shape is 400 "Malformed request body".
 */
export function peekActionName(body: unknown): string {
  const malformed = badRequest('Malformed request body');
  if (body === undefined) throw malformed;
  if (typeof body === 'string' || Array.isArray(body)) {
    if (body.length !== 1) throw malformed;
    throw notFound();
  }
  if (body === null || typeof body !== 'object') throw notFound();
  const keys = Object.keys(body);
  if (keys.length !== 1) throw malformed;
  return keys[0]!;
}

/** Runs the action the body names; an unknown name is 400 "There is no such action: X". */
export async function runServerAction(ctx: EngineContext, request: FastifyRequest, serverId: string, body: unknown): Promise<ActionResult> {
  const name = peekActionName(body);
  const action = actions.get(name);
  if (!action) throw badRequest(`There is no such action: ${name}`);
  return action(ctx, request, serverId, body as Record<string, unknown>);
}

/** Writes an action's result: status, headers, and the body if there is one (else an empty body). */
export function sendActionResult(reply: FastifyReply, result: ActionResult): FastifyReply {
  if (result.headers) reply.headers(result.headers);
  reply.code(result.status);
  return result.body === undefined ? reply.send() : reply.send(result.body);
}
