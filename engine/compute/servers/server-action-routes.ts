import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';

export function serverActionRoutes(ctx: EngineContext) {
  void ctx;
  return async (app: FastifyInstance) => {
    void app;
  };
}
