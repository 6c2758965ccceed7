import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import type { AuthContext } from '../http/request-context.ts';
import { badRequest } from '../http/api-error.ts';
import { atLeast, type Microversion } from '../http/microversion.ts';
import { authOf, requireAdmin } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { naiveMicros } from '../util/time.ts';
import { invalidInput, invalidVolume } from './volume-errors.ts';
import { VOLUME_TASK, setVolumeStatus, volumeTasks } from './volume-lifecycle.ts';
import type { Volume } from './volume-model.ts';
import { assertVolumeQuota } from './volume-quota.ts';
import { CINDER_BOOLEAN, VOLUME_SIZE } from './volume-schemas.ts';
import { findVolume } from './volume-service.ts';

/** `{"<action>": {<props>}}` with the one argument object required (cinder/api/schemas/volume_actions.py). */
function actionSchema(action: string, properties: Record<string, unknown>, required: string[]): object {
  return {
    type: 'object',
    properties: { [action]: { type: 'object', properties, required, additionalProperties: false } },
    required: [action],
    additionalProperties: false,
  };
}

const EXTEND = actionSchema('os-extend', { new_size: VOLUME_SIZE }, ['new_size']);
const SET_BOOTABLE = actionSchema('os-set_bootable', { bootable: CINDER_BOOLEAN }, ['bootable']);
const READONLY = actionSchema('os-update_readonly_flag', { readonly: CINDER_BOOLEAN }, ['readonly']);
/** Statuses os-reset_status accepts (cinder/api/contrib/admin_actions.py `valid_status`). */
const RESETTABLE = ['creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', 'managing',
  'attaching', 'in-use', 'detaching', 'maintenance', 'reserved', 'error_extending', 'extending', 'downloading'];
const RESET_STATUS = actionSchema('os-reset_status', { status: { type: 'string' }, attach_status: { type: 'string' }, migration_status: { type: 'string' } }, []);

const asBool = (value: unknown) => value === true || (typeof value === 'string' && ['true', '1', 'on', 'yes', 'y', 't'].includes(value.toLowerCase()));

interface ActionArgs {
  ctx: EngineContext;
  auth: AuthContext;
  version: Microversion;
  volume: Volume;
  body: Record<string, Record<string, unknown>>;
}

/**
 * os-extend: the new size MUST be larger; an available volume goes
 * extending -> available, an in-use one (only from 3.42) extending -> in-use.
 */
async function extend({ ctx, version, volume, body }: ActionArgs): Promise<number> {
  const newSize = Number(body['os-extend']!.new_size);
  const attached = atLeast(version, 3, 42) && volume.status === 'in-use';
  const expected = attached ? 'in-use' : 'available';
  if (newSize - volume.size <= 0) {
    throw invalidInput(`New size for extend must be greater than current size. (current: ${volume.size}, extended: ${newSize}).`);
  }
  if (volume.status !== expected) {
    throw invalidVolume(`Volume ${volume.id} status must be '{'status': '${expected}'}' to extend, currently ${volume.status}.`);
  }
  assertVolumeQuota(ctx, volume.projectId, volume.volumeType, { volumes: 0, gigabytes: newSize - volume.size, newSize });
  setVolumeStatus(volume, 'extending');
  await volumeTasks.start(ctx, volume, VOLUME_TASK.extend, { args: { newSize, previousStatus: expected } });
  return 202;
}

async function setBootable({ ctx, volume, body }: ActionArgs): Promise<number> {
  if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.');
  volume.bootable = asBool(body['os-set_bootable']!.bootable);
  volume.updatedAt = naiveMicros();
  await ctx.store.volumes.put(volume);
  return 200;
}

async function updateReadonly({ ctx, volume, body }: ActionArgs): Promise<number> {
  if (volume.status !== 'available') {
    throw invalidVolume(`Volume ${volume.id} status must be available to update readonly flag, but current status is: ${volume.status}.`);
  }
  volume.readonly = asBool(body['os-update_readonly_flag']!.readonly);
  await ctx.store.volumes.put(volume);
  return 202;
}

/** Admin only; sets the status as asked and cancels whatever transition was in progress. */
async function resetStatus({ ctx, volume, body }: ActionArgs): Promise<number> {
  const status = body['os-reset_status']!.status;
  if (status !== undefined) {
    if (!RESETTABLE.includes(String(status))) throw badRequest('Must specify a valid status');
    volume.pending = null;
    setVolumeStatus(volume, String(status));
    await ctx.store.volumes.put(volume);
  }
  return 202;
}

const ACTIONS: Record<string, { schema: object; run: (args: ActionArgs) => Promise<number>; adminRule?: string }> = {
  'os-extend': { schema: EXTEND, run: extend },
  'os-set_bootable': { schema: SET_BOOTABLE, run: setBootable },
  'os-update_readonly_flag': { schema: READONLY, run: updateReadonly },
  'os-reset_status': { schema: RESET_STATUS, run: resetStatus, adminRule: 'volume_extension:volume_admin_actions:reset_status' },
};

/**
 * `POST /volumes/{id}/action`: one action per body, dispatched by its key
 * as Cinder's wsgi does (an unknown key is "There is no such action").
 * Attach and detach are not here: they belong to the compute side.
 */
export function volumeActionRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: { id: string } }>('/volumes/:id/action', async (request, reply: FastifyReply) => {
      const raw = request.body;
      if (!raw || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length !== 1) throw badRequest('Malformed request body');
      const name = Object.keys(raw)[0]!;
      const action = ACTIONS[name];
      if (!action) throw badRequest(`There is no such action: ${name}. Verify the request body and Content-Type header and try again.`);
      const body = validateBody<Record<string, Record<string, unknown>>>(action.schema, raw);
      if (action.adminRule) requireAdmin(request, action.adminRule);
      const auth = authOf(request);
      const volume = findVolume(ctx, auth, request.params.id);
      const status = await action.run({ ctx, auth, version: request.microversion, volume, body });
      return reply.code(status).send();
    });
  };
}
