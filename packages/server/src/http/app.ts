// `createHttpApp`: the fastify application of the HTTP API on a model client
// (tests drive it with `inject`), and `createHttpServer`: the same on a socket,
// opening the model the way the OSC server does.
import fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import { openModel, type ModelSource } from '../model.js';
import type { ModelClient } from '../worker/client.js';
import type { HttpContext, HttpSettings } from './context.js';
import { installErrorHandlers } from './errors.js';
import { JobRunner } from './jobs.js';
import { generateRoutes } from './routes/generate.js';
import { healthRoutes } from './routes/health.js';
import { infoRoutes } from './routes/info.js';
import { v1Routes } from './routes/v1.js';
import { liveTransportOf, registerLive, type LiveOptions, type LiveTransport } from '../ws/server.js';

export const DEFAULT_HTTP_PORT = 8000;
export const DEFAULT_HTTP_HOST = '127.0.0.1';
/** Largest request body (JSON, MIDI file or form), bytes. */
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
/** Requests that may wait for the model besides the running one. */
export const DEFAULT_MAX_QUEUE = 8;
/** A generation running longer is cancelled (504). */
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface HttpAppOptions {
  /** Origins allowed to call the API from a browser (`*` for any). Off when not given. */
  cors?: string | string[];
  bodyLimit?: number;
  /** Requests that wait for the model besides the running one; more get 429 with Retry-After. */
  maxQueue?: number;
  /** Cancels a generation that runs longer than this (ms; 0 = no limit). */
  timeoutMs?: number;
  /** The label `/info` reports as `checkpoint` (default: the model name, or "default"). */
  checkpoint?: string;
  /** SSE: a progress event every this many tokens (and at every new step); default 8. */
  progressEvery?: number;
  /** Receives internal errors (with their stacks, which clients never see) and start-up lines. */
  log?: (line: string) => void;
  /** Also serve the studio (the built `@midigpt/studio` page) at `/`; throws `StudioMissingError` when it is not built. */
  studio?: boolean;
  /** With `studio`: the SoundFont the page plays with (a file; null: none, the built-in synth); default: Debian's GM SoundFont when installed (`findSoundFont()`). */
  soundfont?: string | null;
  /** Live sessions over WebSocket at `GET /v1/live` (docs/server.md); on by default with `studio`. */
  live?: boolean | LiveOptions;
}

/** The HTTP API on a model client the caller owns (not closed with the app). */
export async function createHttpApp(client: ModelClient, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const settings: HttpSettings = {
    checkpoint: options.checkpoint ?? 'default',
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    progressEvery: Math.max(1, options.progressEvery ?? 8),
  };
  if (!Number.isInteger(settings.maxQueue) || settings.maxQueue < 0) throw new RangeError('maxQueue must be an integer >= 0');
  if (!Number.isInteger(settings.bodyLimit) || settings.bodyLimit < 1024) throw new RangeError('bodyLimit must be an integer >= 1024');
  if (!(settings.timeoutMs >= 0)) throw new RangeError('timeoutMs must be >= 0');
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const app = fastify({
    logger: false,
    bodyLimit: settings.bodyLimit,
    // Strict validation: no type coercion, unknown fields are errors (not silently removed), every problem listed.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: true, allowUnionTypes: true } },
    return503OnClosing: true,
  });
  // Response schemas document the API (OpenAPI); answers are serialized as they are.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandlers(app, log);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'midigpt HTTP API', version: '1', description: "The reference's midigpt-http endpoints (/health, /info, /generate) and ours (/v1/generate)." },
      tags: [
        { name: 'reference', description: "the reference's endpoints and shapes" },
        { name: 'v1', description: 'ours' },
      ],
    },
  });
  if (options.cors !== undefined) await app.register(cors, { origin: options.cors === '*' ? '*' : typeof options.cors === 'string' ? [options.cors] : options.cors, methods: ['GET', 'POST'] });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: settings.bodyLimit, files: 1, fields: 4, parts: 5, fieldSize: 256 * 1024 },
  });
  // Bodies are JSON, a form or a MIDI file; plain text is refused (415) rather than read.
  app.removeContentTypeParser('text/plain');
  for (const type of ['audio/midi', 'audio/x-midi'])
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: settings.bodyLimit }, (_request, body, done) => done(null, body));

  const context: HttpContext = { client, jobs: new JobRunner(client, { maxQueue: settings.maxQueue, timeoutMs: settings.timeoutMs }), settings };
  await app.register(healthRoutes, context);
  await app.register(infoRoutes, context);
  await app.register(generateRoutes, context);
  await app.register(v1Routes, context);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (options.studio) {
    const { studioRoutes } = await import('./studio.js');
    await app.register(studioRoutes, options.soundfont !== undefined ? { soundfont: options.soundfont } : {});
  }
  const live = options.live ?? options.studio;
  if (live) await registerLive(app, { ...(typeof live === 'object' ? live : {}), model: client, log, ...(options.cors !== undefined ? { cors: options.cors } : {}) });
  await app.ready();
  return app;
}

export interface HttpServerOptions extends ModelSource, HttpAppOptions {
  /** A model client to share (with the OSC server): same as `modelClient`. Not closed by the server. */
  client?: ModelClient;
  /** Bind address (default 127.0.0.1: this machine only). */
  host?: string;
  /** TCP port (default 8000; 0 picks a free one). */
  port?: number;
}

export interface HttpServer {
  readonly address: { host: string; port: number };
  /** `http://host:port` */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly model: ModelClient;
  /** The live sessions over WebSocket (null without `live`/`studio`). */
  readonly live: LiveTransport | null;
  /** Stops accepting requests, cancels running ones, and stops the model worker if the server opened it. */
  close(): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions = {}): Promise<HttpServer> {
  const { client, owned } = await openModel(options.client ? { modelClient: options.client } : options);
  let app: FastifyInstance;
  try {
    app = await createHttpApp(client, { ...options, checkpoint: options.checkpoint ?? options.model ?? 'default' });
    await app.listen({ host: options.host ?? DEFAULT_HTTP_HOST, port: options.port ?? DEFAULT_HTTP_PORT });
  } catch (error) {
    if (owned) await client.close();
    throw error;
  }
  const bound = app.server.address();
  const address = typeof bound === 'object' && bound ? { host: bound.address, port: bound.port } : { host: options.host ?? DEFAULT_HTTP_HOST, port: options.port ?? DEFAULT_HTTP_PORT };
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  let closing: Promise<void> | null = null;
  return {
    address,
    url: `http://${host}:${address.port}`,
    app,
    model: client,
    live: liveTransportOf(app),
    close() {
      closing ??= (async () => {
        // Open connections (event streams, waiting requests) are ended; their jobs are cancelled by the disconnect.
        app.server.closeAllConnections();
        await app.close();
        if (owned) await client.close();
      })();
      return closing;
    },
  };
}
