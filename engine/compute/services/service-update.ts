import type { EngineContext } from '../../engine-context.ts';
import { badRequest, notFound } from '../../http/api-error.ts';
import { isoSeconds } from '../../util/time.ts';
import type { ComputeHost } from '../compute-model.ts';
import { migrationExists } from '../../topology/topology.ts';
import { BOOLEAN_SCHEMA } from '../validation/parameter-types.ts';

/**
 * The write half of os-services (compute/services.py `update`): the
 * action-style updates of 2.1–2.52 (`PUT /os-services/{action}` with
 * `{host, binary}`) and the 2.53 `PUT /os-services/{uuid}` body. Only
 * nova-compute services can be changed; a change is saved on the compute
 * host, which the scheduler reads (disabled and forced-down hosts get no
 * new servers).
 */

/** parameter_types.fqdn */
export const FQDN_SCHEMA = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' };
const REASON_SCHEMA = { type: 'string', minLength: 1, maxLength: 255 };

export const SERVICE_UPDATE_SCHEMA = {
  type: 'object',
  properties: { host: FQDN_SCHEMA, binary: { type: 'string', minLength: 1, maxLength: 255 }, disabled_reason: REASON_SCHEMA },
  required: ['host', 'binary'],
  additionalProperties: false,
};

export const SERVICE_UPDATE_SCHEMA_V211 = {
  ...SERVICE_UPDATE_SCHEMA,
  properties: { ...SERVICE_UPDATE_SCHEMA.properties, forced_down: BOOLEAN_SCHEMA },
};

export const SERVICE_UPDATE_SCHEMA_V253 = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['enabled', 'disabled'] }, disabled_reason: REASON_SCHEMA, forced_down: BOOLEAN_SCHEMA },
  additionalProperties: false,
};

export interface LegacyUpdateBody {
  host: string;
  binary: string;
  disabled_reason?: string;
  forced_down?: boolean | string;
}

/** oslo `bool_from_string` for values the schema already allowed. */
export function parseBoolean(value: boolean | string): boolean {
  return value === true || ['true', '1', 'on', 'yes'].includes(String(value).toLowerCase());
}

function notComputeMessage(binary: string): string {
  return `Updating a ${binary} service is not supported. Only nova-compute services can be updated.`;
}

/**
 * `_check_for_evacuations`: a compute cannot be forced up while evacuations
 * away from it are `done` (its nova-compute has not started since and
 * cleaned them up to `completed`).
 */
export function assertNoDoneEvacuations(ctx: EngineContext, host: string): void {
  const done = ctx.store.migrations.find((m) => m.migrationType === 'evacuation' && m.sourceCompute === host && m.status === 'done' && migrationExists(ctx, m));
  if (done) {
    throw badRequest(`Unable to force up host ${host} as \`done\` evacuation migration records remain associated with the host. `
      + 'Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.');
  }
}

async function saveHost(ctx: EngineContext, host: ComputeHost): Promise<void> {
  host.updatedAt = isoSeconds();
  await ctx.store.hosts.put(host);
}

/** `_update`: only nova-compute (400), on a host with a compute service (404 as HostMappingNotFound). */
function computeHostFor(ctx: EngineContext, host: string, binary: string): ComputeHost {
  if (binary !== 'nova-compute') throw badRequest(notComputeMessage(binary));
  const compute = ctx.store.hosts.get(host);
  if (!compute) throw notFound(`Host '${host}' is not mapped to any cell`);
  return compute;
}

/**
 * One action of 2.1–2.52 (`enable`, `disable`, `disable-log-reason`,
 * `force-down` from 2.11); unknown actions are 404 "Unknown action".
 * Returns the `service` object of the response.
 */
export async function applyLegacyAction(ctx: EngineContext, action: string, body: LegacyUpdateBody, forceDownAllowed: boolean): Promise<Record<string, unknown>> {
  switch (action) {
    case 'enable':
    case 'disable':
    case 'disable-log-reason': {
      let reason: string | null = null;
      if (action === 'disable-log-reason') {
        if (body.disabled_reason === undefined) throw badRequest('Missing disabled reason field');
        reason = body.disabled_reason;
      }
      const enabled = action === 'enable';
      const compute = computeHostFor(ctx, body.host, body.binary);
      compute.enabled = enabled;
      compute.disabledReason = enabled ? null : reason;
      await saveHost(ctx, compute);
      return { host: body.host, binary: body.binary, status: enabled ? 'enabled' : 'disabled', ...(reason ? { disabled_reason: reason } : {}) };
    }
    case 'force-down': {
      if (!forceDownAllowed) break;
      if (body.forced_down === undefined) throw badRequest('Missing forced_down field');
      const forcedDown = parseBoolean(body.forced_down);
      if (body.binary === 'nova-compute' && !forcedDown) assertNoDoneEvacuations(ctx, body.host);
      const compute = computeHostFor(ctx, body.host, body.binary);
      compute.forcedDown = forcedDown;
      await saveHost(ctx, compute);
      return { host: body.host, binary: body.binary, forced_down: forcedDown };
    }
    default:
      break;
  }
  throw notFound('Unknown action');
}

export interface UpdateBodyV253 {
  status?: 'enabled' | 'disabled';
  disabled_reason?: string;
  forced_down?: boolean | string;
}

/**
 * The 2.53 update of one service (already found): status and/or
 * forced_down. Nova treats any field it sets as a change (even to the same
 * value), so only a body with neither is "No updates were requested".
 */
export async function applyUpdateV253(ctx: EngineContext, binary: string, compute: ComputeHost | undefined, body: UpdateBodyV253): Promise<void> {
  if (binary !== 'nova-compute' || !compute) throw badRequest(notComputeMessage(binary));
  // Work on a copy: the stored host is live, and a later check may still refuse the update.
  const next = { ...compute };
  let changed = false;
  if (body.status === 'enabled') {
    if (body.disabled_reason) throw badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
    Object.assign(next, { enabled: true, disabledReason: null });
    changed = true;
  } else if (body.status === 'disabled') {
    Object.assign(next, { enabled: false, disabledReason: body.disabled_reason ?? null });
    changed = true;
  }
  if (body.forced_down !== undefined) {
    next.forcedDown = parseBoolean(body.forced_down);
    if (!next.forcedDown) assertNoDoneEvacuations(ctx, compute.id);
    changed = true;
  }
  if (!changed) throw badRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.");
  Object.assign(compute, next);
  await saveHost(ctx, compute);
}
