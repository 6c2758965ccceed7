import { atLeast } from '../../../http/microversion.ts';
import { requireAdmin } from '../../../http/request-context.ts';
import { validateBody } from '../../../http/validate.ts';
import { badRequest } from '../../../http/api-error.ts';
import { FQDN_SCHEMA } from '../../services/service-update.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertHostReady, assertServerState, assertUnlocked } from './action-guards.ts';
import { scheduleMove } from './move-support.ts';
import { recordAction } from './instance-actions.ts';
import { beginResizeMove } from './resize.ts';

/**
 * `migrate` (compute/migrate_server.py `_migrate`, compute/api.py `resize`
 * without a flavor): a cold migration is a resize to the same flavor on
 * another host. Admin only. The body is not validated before 2.56 (its
 * value is ignored); from 2.56 `{"migrate": null | {"host": ...}}` may name
 * the destination, which still goes through the scheduler filters.
 *
 * The source is never a candidate (the fake and libvirt drivers do not
 * report COMPUTE_SAME_HOST_COLD_MIGRATE), the server's requested AZ is
 * kept, and no quota is checked (the flavor does not change). Then it runs
 * as a resize does (resize.ts): RESIZE -> VERIFY_RESIZE on the new host,
 * migration type `migration`, waiting for confirmResize or revertResize;
 * with no valid host the API still answers 202 and the migration ends in
 * `error`.
 */

const HOST_SCHEMA = { ...FQDN_SCHEMA, type: ['string', 'null'] };
const MIGRATE_SCHEMA_V256 = {
  type: 'object',
  properties: {
    migrate: { type: ['object', 'null'], properties: { host: HOST_SCHEMA }, additionalProperties: false },
  },
  required: ['migrate'],
  additionalProperties: false,
};

export const migrateAction: ServerAction = async (ctx, request, serverId, body) => {
  let hostName: string | null = null;
  if (atLeast(request.microversion, 2, 56)) {
    const args = validateBody<{ migrate: { host?: string | null } | null }>(MIGRATE_SCHEMA_V256, body).migrate;
    hostName = args?.host ?? null;
  }
  const server = findServerForRequest(ctx, request, serverId);
  requireAdmin(request, 'os_compute_api:os-migrate-server:migrate');
  assertUnlocked(request, server);
  assertServerState(server, 'migrate', { vmStates: ['active', 'stopped'] });
  assertHostReady(ctx, server, true);
  if (hostName !== null) {
    if (hostName === server.host) throw badRequest('Cannot migrate to the host where the server exists.');
    if (!ctx.store.hosts.has(hostName)) throw badRequest(`Compute host ${hostName} could not be found.`);
  }

  const placement = scheduleMove(ctx, server, hostName !== null ? { requestedHost: hostName } : {});
  recordAction(server, request, 'migrate');
  await beginResizeMove(ctx, server, server.flavor, server.flavor, placement);
  return { status: 202 };
};
