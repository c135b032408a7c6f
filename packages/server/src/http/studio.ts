// The studio (`midigpt serve --studio`): the built `@midigpt/studio` page at
// `/`, and `POST /studio/score`, which reads a MIDI file into our score JSON
// so the page can draw it (the page never parses MIDI itself). The page plays
// with the General MIDI SoundFont the server serves at `/studio/soundfont`
// (`GET /studio/config` says whether there is one), else with its built-in synth.
import { closeSync, createReadStream, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** The folder of the built studio (`studio/` of the npm package, else `packages/studio/dist`); throws `StudioMissingError` when it is not built. */
export function studioRoot(): string {
  // The npm package of the server carries the built page (scripts/pack-studio.mjs); the repository has the workspace package.
  const packaged = fileURLToPath(new URL('../../studio/', import.meta.url));
  if (existsSync(path.join(packaged, 'index.html'))) return packaged;
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

/** Where Debian's `fluid-soundfont-gm` puts its General MIDI SoundFont (MIT), and the `default-GM.sf2` alternative. */
export const DEFAULT_SOUNDFONTS: readonly string[] = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/default-GM.sf2'];

/** Why `file` cannot be served as a SoundFont (not readable, not a file, not SF2/SF3/DLS), or null when it can. */
export function soundFontProblem(file: string): string | null {
  let fd: number;
  try {
    if (!statSync(file).isFile()) return 'is not a file';
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : 'cannot be read';
  }
  try {
    const head = Buffer.alloc(12);
    const read = readSync(fd, head, 0, 12, 0);
    const form = head.toString('latin1', 8, 12);
    if (read < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || (form !== 'sfbk' && form !== 'DLS ')) return 'is not a SoundFont (an SF2, SF3 or DLS file)';
    return null;
  } catch {
    return 'cannot be read';
  } finally {
    closeSync(fd);
  }
}

/** The first of `candidates` (default: Debian's GM SoundFont) that can be served, or null. */
export function findSoundFont(candidates: readonly string[] = DEFAULT_SOUNDFONTS): string | null {
  return candidates.find((file) => soundFontProblem(file) === null) ?? null;
}

/** The name clients see for a SoundFont file (never its folder); a link's target's name. */
export function soundFontName(file: string): string {
  try {
    return path.basename(realpathSync(file));
  } catch {
    return path.basename(file);
  }
}

export interface StudioOptions {
  /** The built page's folder (default: `studioRoot()`). */
  root?: string;
  /** The SoundFont the page plays with: a file, null for none (the built-in synth), or `findSoundFont()` when not given. */
  soundfont?: string | null;
}

/** `Range: bytes=A-B` (one range) as offsets into a file of `size` bytes; null: the whole file; 'unsatisfiable': 416. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null; // absent, several ranges or another unit: the whole file
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

export const studioRoutes: FastifyPluginAsync<StudioOptions> = async (app, options) => {
  await app.register(fastifyStatic, { root: options.root ?? studioRoot(), index: 'index.html', wildcard: false, cacheControl: false });
  const soundfontFile = options.soundfont === undefined ? findSoundFont() : options.soundfont;
  if (soundfontFile !== null) {
    const problem = soundFontProblem(soundfontFile);
    if (problem) throw new Error(`the SoundFont ${soundfontFile} ${problem}`);
  }
  const soundfontName = soundfontFile === null ? null : soundFontName(soundfontFile);
  /** The file's size now, or null when there is none (or it went away). */
  const soundfontSize = async (): Promise<number | null> => {
    if (soundfontFile === null) return null;
    try {
      return (await stat(soundfontFile)).size;
    } catch {
      return null;
    }
  };

  app.get('/studio/config', { schema: { hide: true, summary: "what the studio page needs to know: the SoundFont's name and size (null: none)" } }, async () => {
    const size = await soundfontSize();
    return { soundfont: size === null ? null : { name: soundfontName, size } };
  });

  app.route<{ Headers: { range?: string } }>({
    method: ['GET', 'HEAD'],
    url: '/studio/soundfont',
    schema: { hide: true, summary: 'the General MIDI SoundFont the studio plays with (one byte range allowed)' },
    handler: async (request, reply) => {
      const size = await soundfontSize();
      if (soundfontFile === null || size === null) throw new HttpError(404, 'NO_SOUNDFONT', 'the server has no SoundFont (the studio plays with its built-in synth)');
      const range = byteRange(request.headers.range, size);
      reply.header('accept-ranges', 'bytes').type('audio/x-soundfont');
      if (range === 'unsatisfiable') throw new HttpError(416, 'RANGE_NOT_SATISFIABLE', `the range is outside the file (${size} bytes)`, [], { 'content-range': `bytes */${size}` });
      const { start, end } = range ?? { start: 0, end: size - 1 };
      if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
      reply.header('content-length', String(end - start + 1));
      if (request.method === 'HEAD' || size === 0) return reply.send();
      return reply.send(createReadStream(soundfontFile, { start, end }));
    },
  });

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
