// `POST /v1/generate`: our score JSON or a MIDI file in (`application/json`,
// `multipart/form-data`, `audio/midi`), JSON, MIDI or an event stream out (by
// Accept), several variations, cancellation when the client goes away.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { NewTrack, ScoreInput } from '@midigpt/core';
import { JobError } from '../../worker/client.js';
import type { GenerationJob, JobProgress, JobResult } from '../../worker/protocol.js';
import { negotiate } from '../accept.js';
import { disconnectSignal, openEventStream } from '../connection.js';
import type { HttpContext } from '../context.js';
import { HttpError, toHttpError } from '../errors.js';
import type { Timed } from '../jobs.js';
import { addTracksSchema, errorResponses, MAX_VARIATIONS, requestSchema, v1JsonBody, v1MidiBody, v1MultipartBody, v1Query, v1Response } from '../schemas.js';

const JSON_TYPE = 'application/json';
const MIDI_TYPE = 'audio/midi';
const SSE_TYPE = 'text/event-stream';
const OFFERED = [JSON_TYPE, MIDI_TYPE, 'audio/x-midi', SSE_TYPE] as const;

interface JsonBody {
  score: ScoreInput;
  request: Record<string, unknown>;
  add_tracks?: NewTrack[];
  variations?: number;
}

interface MultipartBody {
  file: unknown;
  request: unknown;
  add_tracks?: string;
  variations?: string;
}

interface Query {
  request?: string;
  add_tracks?: string;
  variations?: string;
}

/** What the request asks for, read from whichever body it came in. */
interface Input {
  job: GenerationJob;
  fromMidi: boolean;
}

/** Milliseconds to a tenth. */
const ms = (value: number): number => Math.round(value * 10) / 10;

const EMPTY_SCORE: ScoreInput = { resolution: 480, tracks: [] };

function isMidi(bytes: Uint8Array): boolean {
  return bytes.length >= 14 && bytes[0] === 0x4d && bytes[1] === 0x54 && bytes[2] === 0x68 && bytes[3] === 0x64;
}

function parseVariations(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_VARIATIONS) throw new HttpError(400, 'INVALID_BODY', `variations must be from 1 to ${MAX_VARIATIONS}`, [`variations: ${JSON.stringify(text)}`]);
  return n;
}

export const v1Routes: FastifyPluginAsync<HttpContext> = async (app, { jobs, settings }) => {
  /** JSON given as text (multipart field, query parameter): parsed and checked against `schema`. */
  function readJson(request: FastifyRequest, raw: unknown, where: string, schema: object): unknown {
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new HttpError(400, 'INVALID_JSON', `${where} is not valid JSON`);
      }
    }
    const validate = request.compileValidationSchema(schema);
    if (!validate(value)) {
      const problems = (validate.errors ?? []).map((e) => {
        const extra = e.keyword === 'additionalProperties' ? `: unknown field ${JSON.stringify((e.params as Record<string, unknown>)['additionalProperty'])}` : ` ${e.message ?? 'is invalid'}`;
        return `${where}${e.instancePath}${extra}`;
      });
      throw new HttpError(400, 'INVALID_BODY', `${where} does not match the schema`, problems);
    }
    return value;
  }

  interface TextFields {
    request: unknown;
    addTracks: string | undefined;
    /** Where the fields came from, for messages: "the form field" or "the query parameter". */
    kind: string;
  }

  function midiInput(request: FastifyRequest, bytes: Uint8Array, fields: TextFields, variations: number): Input {
    if (!isMidi(bytes)) throw new HttpError(400, 'INVALID_MIDI', 'the file is not a Standard MIDI File (it does not start with "MThd")');
    const job: GenerationJob = {
      score: EMPTY_SCORE,
      midi: new Uint8Array(bytes),
      request: readJson(request, fields.request, `${fields.kind} "request"`, requestSchema) as Record<string, unknown>,
      track: 0,
      variations,
    };
    if (fields.addTracks !== undefined) job.addTracks = readJson(request, fields.addTracks, `${fields.kind} "add_tracks"`, addTracksSchema) as NewTrack[];
    return { job, fromMidi: true };
  }

  function readInput(request: FastifyRequest<{ Body: unknown; Querystring: Query }>): Input {
    const type = request.mediaType;
    if (type === 'multipart/form-data') {
      const body = request.body as MultipartBody;
      if (!Buffer.isBuffer(body.file)) throw new HttpError(400, 'INVALID_BODY', 'the form field "file" must be a file (the MIDI file)');
      return midiInput(request, body.file, { request: body.request, addTracks: body.add_tracks, kind: 'the form field' }, parseVariations(body.variations));
    }
    if (type === MIDI_TYPE || type === 'audio/x-midi') {
      if (request.query.request === undefined) throw new HttpError(400, 'MISSING_REQUEST', 'with a MIDI body, give the generation request as JSON in the "request" query parameter');
      const { query } = request;
      return midiInput(request, request.body as Buffer, { request: query.request, addTracks: query.add_tracks, kind: 'the query parameter' }, parseVariations(query.variations));
    }
    if (request.query.request !== undefined || request.query.variations !== undefined || request.query.add_tracks !== undefined)
      throw new HttpError(400, 'INVALID_BODY', 'the query parameters "request", "add_tracks" and "variations" go with a MIDI body; with JSON, put them in the body');
    const body = request.body as JsonBody;
    const job: GenerationJob = { score: body.score, request: body.request, track: 0, variations: body.variations ?? 1 };
    if (body.add_tracks) job.addTracks = body.add_tracks;
    return { job, fromMidi: false };
  }

  function resultBody(timed: Timed<JobResult>, fromMidi: boolean, received: number) {
    return {
      variations: timed.value.variations!.map((v) => ({
        score: v.score,
        ...(fromMidi && v.midi ? { midi: Buffer.from(v.midi).toString('base64') } : {}),
        log_likelihood: v.logLikelihood,
        warnings: v.warnings,
        steps: v.steps,
      })),
      timing: { queued_ms: ms(timed.queuedMs), inference_ms: ms(timed.value.inferenceMs), total_ms: ms(performance.now() - received) },
    };
  }

  async function stream(reply: FastifyReply, job: GenerationJob, fromMidi: boolean, received: number, signal: AbortSignal): Promise<void> {
    jobs.checkCapacity(); // a full queue is a plain 429, before the stream opens
    const events = openEventStream(reply);
    events.send('queued', { ahead: jobs.ahead });
    let lastStep = -1;
    const onProgress = (p: JobProgress): void => {
      if (p.step === lastStep && p.tokens % settings.progressEvery !== 0) return;
      lastStep = p.step;
      events.send('progress', { step: p.step, steps: p.steps, tokens: p.tokens, tokens_per_second: Math.round(p.tokensPerSecond * 10) / 10 });
    };
    try {
      const timed = await jobs.run({ ...job, progress: true }, { signal, onStart: () => events.send('started', {}), onProgress });
      events.send('result', resultBody(timed, fromMidi, received));
    } catch (error) {
      if (error instanceof JobError && error.reason === 'cancelled') return; // the client is gone
      const http = toHttpError(error);
      events.send('error', { status: http.statusCode, ...http.body() });
    } finally {
      events.end();
    }
  }

  app.post<{ Body: unknown; Querystring: Query }>(
    '/v1/generate',
    {
      schema: {
        summary: 'generate from our score JSON or a MIDI file; JSON, MIDI or Server-Sent Events out',
        description:
          'Accept: application/json (default), audio/midi (one variation), or text/event-stream (events queued, started, progress, then result or error).',
        tags: ['v1'],
        querystring: v1Query,
        body: {
          content: {
            [JSON_TYPE]: { schema: v1JsonBody },
            'multipart/form-data': { schema: v1MultipartBody },
            [MIDI_TYPE]: { schema: v1MidiBody },
          },
        },
        response: {
          200: {
            description: 'the results',
            content: {
              [JSON_TYPE]: { schema: v1Response },
              [MIDI_TYPE]: { schema: { type: 'string', format: 'binary' } },
              [SSE_TYPE]: { schema: { type: 'string', description: 'event: queued|started|progress|result|error, data: JSON' } },
            },
          },
          ...errorResponses(400, 406, 413, 415, 422, 429, 500, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const received = performance.now();
      const wanted = negotiate(request.headers.accept, OFFERED);
      if (wanted === null) throw new HttpError(406, 'NOT_ACCEPTABLE', `this route answers ${JSON_TYPE}, ${MIDI_TYPE} or ${SSE_TYPE}`);
      const { job, fromMidi } = readInput(request);
      const asMidi = wanted === MIDI_TYPE || wanted === 'audio/x-midi';
      if (asMidi && (job.variations ?? 1) > 1)
        throw new HttpError(406, 'NOT_ACCEPTABLE', 'several variations come as JSON (application/json), each with its score (and its MIDI file in base64 for a MIDI input)');
      job.want = { score: !asMidi, midi: asMidi || fromMidi };
      const signal = disconnectSignal(reply);
      if (wanted === SSE_TYPE) return stream(reply, job, fromMidi, received, signal);
      try {
        const timed = await jobs.run(job, { signal });
        if (asMidi)
          return reply.type(MIDI_TYPE).header('content-disposition', 'attachment; filename="generated.mid"').send(Buffer.from(timed.value.variations![0]!.midi!));
        return resultBody(timed, fromMidi, received);
      } catch (error) {
        if (error instanceof JobError && error.reason === 'cancelled') throw new HttpError(499, 'CLIENT_CLOSED', 'the client closed the connection');
        throw error;
      }
    },
  );
};
