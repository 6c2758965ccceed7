import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';

/** Cinder v3 under `/volume`. */
export function volumeApi(ctx: EngineContext) {
  void ctx;
  return async (app: FastifyInstance) => {
    void app;
  };
}
