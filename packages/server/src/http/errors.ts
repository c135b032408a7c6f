// One error body for every failed request, `{error: {code, message, problems}}`,
// and the error handler that maps fastify's, the multipart plugin's, the
// model's and our own errors onto it. Nothing thrown reaches a client as a
// stack trace or with a file path in it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JobError } from '../worker/client.js';

export interface ErrorBody {
  error: { code: string; message: string; problems: string[] };
}

/** An error with the status and body the client gets. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, problems: this.problems } };
  }
}

/** Absolute paths (and `file://` URLs) in a message become `<path>`: a client learns nothing about the machine. */
export function scrub(text: string): string {
  return text
    .replace(/file:\/\/\S+/g, '<path>')
    .replace(/(?:[A-Za-z]:\\|\\\\)[^\s'"`]+/g, '<path>')
    .replace(/(^|[\s'"`(=:])\/(?:[^\s'"`/]+\/)+[^\s'"`),;]*/g, '$1<path>')
    .split('\n')[0]!
    .slice(0, 500);
}

/** Per route (`config.compat`): the reference's routes answer body problems with 422, as FastAPI did. */
export interface RouteFlags {
  compat?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is one of the reference's: body problems answer 422. */
    compat?: boolean;
  }
}

function validationProblems(error: FastifyError): string[] {
  return (error.validation ?? []).map((v) => {
    const where = `${error.validationContext ?? 'body'}${v.instancePath ?? ''}`;
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') return `${where}: unknown field ${JSON.stringify(params['additionalProperty'])}`;
    if (v.keyword === 'enum') return `${where} ${v.message ?? 'is not allowed'} (${(params['allowedValues'] as unknown[]).map((x) => JSON.stringify(x)).join(', ')})`;
    return `${where} ${v.message ?? 'is invalid'}`;
  });
}

/** The error any thrown value becomes. */
export function toHttpError(error: unknown, compat = false): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof JobError) return jobHttpError(error);
  const e = error as Partial<FastifyError> & { code?: unknown };
  const bodyStatus = compat ? 422 : 400;
  if (e.validation) {
    const problems = validationProblems(e as FastifyError);
    return new HttpError(bodyStatus, 'INVALID_BODY', `the ${e.validationContext ?? 'body'} does not match the schema (${problems.length === 1 ? '1 problem' : `${problems.length} problems`})`, problems);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(bodyStatus, 'INVALID_JSON', 'the body is not valid JSON', [scrub(String(e.message ?? ''))]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(bodyStatus, 'INVALID_JSON', 'the body is empty; send a JSON object');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new HttpError(413, 'BODY_TOO_LARGE', 'the request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'this content type is not accepted here');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'BAD_REQUEST', 'the Content-Length does not match the body');
    default:
      break;
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = typeof e.code === 'string' && e.code.startsWith('FST_') ? 'BAD_REQUEST' : typeof e.code === 'string' ? e.code : 'BAD_REQUEST';
    return new HttpError(status === 406 ? 400 : status, code, scrub(String(e.message ?? 'bad request')));
  }
  return new HttpError(500, 'INTERNAL', 'internal server error');
}

/** A job that did not produce a result, as the client sees it. */
export function jobHttpError(error: JobError): HttpError {
  const problems = error.details.problems ?? [];
  switch (error.reason) {
    case 'queue_full':
      return new HttpError(429, 'QUEUE_FULL', 'the model queue is full; try again later', [], { 'retry-after': '5' });
    case 'closed':
      return new HttpError(503, 'UNAVAILABLE', 'the server is shutting down');
    case 'cancelled':
      return new HttpError(503, 'CANCELLED', 'the job was cancelled');
    default:
      break;
  }
  switch (error.details.code) {
    case 'INVALID_REQUEST':
    case 'ENCODE':
    case 'OUT_OF_RANGE':
    case 'CONTEXT_OVERFLOW':
      return new HttpError(422, error.details.code, problems.length ? 'invalid generation request' : scrub(error.message), problems);
    case 'INVALID_SCORE':
      return new HttpError(400, 'INVALID_SCORE', scrub(error.message), problems);
    case 'MIDI_FORMAT':
      return new HttpError(400, 'INVALID_MIDI', scrub(error.message), problems);
    case 'FILE_TOO_LARGE':
      return new HttpError(413, 'BODY_TOO_LARGE', 'the MIDI file is too large');
    default:
      return new HttpError(500, 'GENERATION_FAILED', `generation failed: ${scrub(error.message)}`);
  }
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.statusCode).headers(error.headers).type('application/json; charset=utf-8').send(error.body());
}

export function installErrorHandlers(app: FastifyInstance, log: (line: string) => void): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const compat = (request.routeOptions.config as RouteFlags | undefined)?.compat === true;
    const http = toHttpError(error, compat);
    if (http.statusCode >= 500 && !(error instanceof HttpError) && !(error instanceof JobError)) log(`internal error on ${request.method} ${request.url}: ${error.stack ?? String(error)}`);
    return sendError(reply, http);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new HttpError(404, 'NOT_FOUND', `no route ${request.method} ${scrub(request.url.split('?')[0]!)}`)));
}
