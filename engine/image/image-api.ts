import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';

/** Glance v2 under `/image`. */
export function imageApi(ctx: EngineContext) {
  void ctx;
  return async (app: FastifyInstance) => {
    void app;
  };
}
