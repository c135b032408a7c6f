// The studio (`midigpt serve --studio`): the built `@midigpt/studio` page at
// `/`, and `POST /studio/score`, which reads a MIDI file into our score JSON
// so the page can draw it (the page never parses MIDI itself).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { Score } from '@midigpt/core';
import { HttpError, scrub } from './errors.js';
import { errorResponses, scoreSchema } from './schemas.js';

/** `--studio` without a built page. */
export class StudioMissingError extends Error {
  override name = 'StudioMissingError';
}

const BUILD_HINT = 'build it with "pnpm --filter @midigpt/studio build" (or "pnpm run build" for everything)';

/** The folder of the built studio (`packages/studio/dist`); throws `StudioMissingError` when it is not built. */
export function studioRoot(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('@midigpt/studio/package.json');
  } catch {
    throw new StudioMissingError(`the studio package (@midigpt/studio) is not installed; run "pnpm install", then ${BUILD_HINT}`);
  }
  const root = path.join(path.dirname(packageJson), 'dist');
  if (!existsSync(path.join(root, 'index.html'))) throw new StudioMissingError(`the studio is not built (${path.join(root, 'index.html')} is missing): ${BUILD_HINT}`);
  return root;
}

export interface StudioOptions {
  /** The built page's folder (default: `studioRoot()`). */
  root?: string;
}

export const studioRoutes: FastifyPluginAsync<StudioOptions> = async (app, options) => {
  await app.register(fastifyStatic, { root: options.root ?? studioRoot(), index: 'index.html', wildcard: false, cacheControl: false });
  app.post<{ Body: Buffer }>(
    '/studio/score',
    {
      schema: {
        hide: true,
        summary: "the studio's MIDI reader: a MIDI file in, our score JSON out",
        body: { content: { 'audio/midi': { schema: { description: 'a Standard MIDI File' } } } },
        response: { 200: scoreSchema, ...errorResponses(400, 413, 415) },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the MIDI file itself as the body, with Content-Type: audio/midi');
      try {
        return Score.fromMidi(new Uint8Array(request.body)).toJSON();
      } catch (error) {
        throw new HttpError(400, 'INVALID_MIDI', `the file could not be read as MIDI: ${scrub(error instanceof Error ? error.message : String(error))}`);
      }
    },
  );
};
