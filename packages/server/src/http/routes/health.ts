// `GET /health`: the reference's `{"status": "ok"}`, plus whether the model is busy and how many requests wait.
import type { FastifyPluginAsync } from 'fastify';
import type { HttpContext } from '../context.js';
import { healthSchema } from '../schemas.js';

export const healthRoutes: FastifyPluginAsync<HttpContext> = async (app, { jobs }) => {
  app.get(
    '/health',
    { schema: { summary: 'liveness, busy flag and queue depth', tags: ['reference'], response: { 200: healthSchema } } },
    async () => ({ status: 'ok', ...jobs.stats() }),
  );
};
