import type { FastifyInstance } from 'fastify';
import { FAULTS_SCHEMA, type FaultConfig } from '../config.ts';
import type { EngineContext } from '../engine-context.ts';
import { badRequest } from '../http/api-error.ts';
import { requireAdmin } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { assertLostResponseRules } from './lost-responses.ts';

/**
 * The engine's own admin API for its fault knobs (not OpenStack), so a test
 * can turn a fault on for one phase of a run:
 *
 * | method | path | body | answer |
 * |---|---|---|---|
 * | GET | /novaform/v1/faults | | 200 `{faults}` |
 * | PUT | /novaform/v1/faults | any fields of `faults` (config.ts `FaultConfig`) | 200 `{faults}`: the fields sent replace the current ones |
 *
 * Admin token required (401 without, 403 for members). `seed` may be read
 * but not changed here: the random source is seeded once, at start.
 */

const RULE = 'novaform:faults';

/**
 * Replaces the fault settings named in `changes` on a running engine; the
 * same as `PUT /novaform/v1/faults`. Lost-response rules start counting
 * afresh.
 *
 * @example
 * setFaults(engine.context, { lostResponses: [{ method: 'POST', path: '/servers', count: 1 }] });
 * setFaults(engine.context, { lostResponses: [] });   // off again
 */
export function setFaults(ctx: EngineContext, changes: Partial<Omit<FaultConfig, 'seed'>>): FaultConfig {
  if (changes.lostResponses) assertLostResponseRules(changes.lostResponses);
  Object.assign(ctx.config.faults, changes);
  return ctx.config.faults;
}

export function faultRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/novaform/v1/faults', async (request) => {
      requireAdmin(request, RULE);
      return { faults: ctx.config.faults };
    });

    app.put('/novaform/v1/faults', async (request) => {
      requireAdmin(request, RULE);
      const body = validateBody<Partial<FaultConfig>>(FAULTS_SCHEMA, request.body);
      const { seed, ...changes } = body;
      if (seed !== undefined && seed !== ctx.config.faults.seed) throw badRequest('faults.seed cannot change while the engine runs');
      try {
        return { faults: setFaults(ctx, changes) };
      } catch (error) {
        throw badRequest((error as Error).message);
      }
    });
  };
}
