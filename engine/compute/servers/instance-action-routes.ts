import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { authOf } from '../../http/request-context.ts';
import type { InstanceAction, InstanceActionEvent, Server } from '../compute-model.ts';
import { dbTime } from '../migrations/migration-view.ts';
import { findServerForRequest } from './server-lookup.ts';

/**
 * `GET /servers/{id}/os-instance-actions[/{request_id}]`
 * (compute/instance_actions.py), owner or admin: the actions recorded on a
 * server (actions/instance-actions.ts: the moves and their confirm),
 * newest first, and one of them with its events. Events: admins always,
 * owners from 2.51 (without `traceback`); `host` (admin) and `hostId`
 * from 2.62; `details` from 2.84. `updated_at` from 2.58. Times as Nova's
 * database renders them (`.000000`, no zone). The engine keeps no
 * traceback: it is null, as for a successful event.
 */

function actionView(request: FastifyRequest, server: Server, a: InstanceAction): Record<string, unknown> {
  const view: Record<string, unknown> = {
    action: a.action, instance_uuid: server.id, message: a.message, project_id: a.projectId,
    request_id: a.requestId, start_time: dbTime(a.startTime), user_id: a.userId,
  };
  if (atLeast(request.microversion, 2, 58)) view.updated_at = dbTime(a.updatedAt ?? a.startTime);
  return view;
}

function eventView(request: FastifyRequest, server: Server, e: InstanceActionEvent, isAdmin: boolean): Record<string, unknown> {
  const v = request.microversion;
  const view: Record<string, unknown> = { event: e.event, start_time: dbTime(e.startTime), finish_time: dbTime(e.finishTime), result: e.result };
  if (isAdmin) view.traceback = null;
  if (atLeast(v, 2, 62)) {
    if (isAdmin) view.host = e.host ?? '';
    view.hostId = e.host ? createHash('sha224').update(`${server.projectId}${e.host}`).digest('hex') : '';
  }
  if (atLeast(v, 2, 84)) view.details = e.details;
  return view;
}

export function instanceActionRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>('/servers/:id/os-instance-actions', async (request) => {
      const server = findServerForRequest(ctx, request, request.params.id);
      const actions = [...(server.actions ?? [])].reverse();
      return { instanceActions: actions.map((a) => actionView(request, server, a)) };
    });

    app.get<{ Params: { id: string; requestId: string } }>('/servers/:id/os-instance-actions/:requestId', async (request) => {
      const { id, requestId } = request.params;
      const server = findServerForRequest(ctx, request, id);
      const action = (server.actions ?? []).find((a) => a.requestId === requestId);
      if (!action) throw notFound(`Action for request_id ${requestId} on instance ${id} not found`);
      const isAdmin = authOf(request).isAdmin;
      const view = actionView(request, server, action);
      if (isAdmin || atLeast(request.microversion, 2, 51)) {
        view.events = [...action.events].reverse().map((e) => eventView(request, server, e, isAdmin));
      }
      return { instanceAction: view };
    });
  };
}
