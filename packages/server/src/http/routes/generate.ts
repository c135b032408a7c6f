// `POST /generate`: the reference's endpoint, with its body and response shapes
// (note objects, `timing`). Body problems answer 422 as FastAPI did, score
// problems 400, request problems 422 (with every problem listed), inference
// failures 500; all in our one error shape.
import type { FastifyPluginAsync } from 'fastify';
import { JobError } from '../../worker/client.js';
import { dropUnknownConfigKeys, fromCompatScore, toCompatScore, type CompatScore } from '../compat.js';
import { disconnectSignal } from '../connection.js';
import type { HttpContext } from '../context.js';
import { HttpError } from '../errors.js';
import { compatBody, compatResponse, errorResponses } from '../schemas.js';

interface CompatBody {
  score: CompatScore;
  request: Record<string, unknown>;
}

export const generateRoutes: FastifyPluginAsync<HttpContext> = async (app, { jobs }) => {
  app.post<{ Body: CompatBody }>(
    '/generate',
    {
      config: { compat: true },
      schema: {
        summary: "generate (the reference's midigpt-http shape)",
        description: 'The score is converted, validated and generated in the model worker; score tracks the request does not list are context.',
        tags: ['reference'],
        body: compatBody,
        response: { 200: compatResponse, ...errorResponses(400, 413, 415, 422, 429, 500, 503, 504) },
      },
    },
    async (request, reply) => {
      const signal = disconnectSignal(reply);
      const encodeStart = performance.now();
      const score = fromCompatScore(request.body.score);
      const encodeS = (performance.now() - encodeStart) / 1000;
      try {
        const { value } = await jobs.run({ score, request: dropUnknownConfigKeys(request.body.request), track: 0, want: { score: true } }, { signal });
        const decodeStart = performance.now();
        const variation = value.variations![0]!;
        const out = toCompatScore(variation.score!);
        return {
          score: out,
          timing: { model_forward_s: value.inferenceMs / 1000, encode_s: encodeS, decode_s: (performance.now() - decodeStart) / 1000, gen_count: variation.steps },
        };
      } catch (error) {
        if (error instanceof JobError && error.reason === 'cancelled') throw new HttpError(499, 'CLIENT_CLOSED', 'the client closed the connection');
        throw error;
      }
    },
  );
};
