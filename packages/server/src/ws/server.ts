// The WebSocket transport of live sessions (`GET /v1/live` on the HTTP
// server): JSON text frames in, session calls; session events out, as JSON.
// One connection is one session, closed with the socket. The address map and
// its argument checks are the OSC transport's (osc/routes.ts), so both accept
// and refuse the same messages. Browsers are let in from the server's own
// origin and the `--cors` ones only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import websocket, { type WebSocket } from '@fastify/websocket';
import { HttpError, scrub, sendError } from '../http/errors.js';
import { ErrorCode, invalidParam, LiveError } from '../live/errors.js';
import type { SessionEvent } from '../live/events.js';
import { ParamTable, type ParamName } from '../live/params.js';
import type { PieceLimits } from '../live/piece.js';
import type { Clock, LiveSession } from '../live/session.js';
import { SessionManager } from '../live/sessions.js';
import { toText, type ArgValue } from '../live/values.js';
import { checkCount, INIT_ADDRESS, ROUTES } from '../osc/routes.js';
import type { ModelClient } from '../worker/client.js';
import { errorJson, eventJson, type EventJson } from './replies.js';

export const LIVE_PATH = '/v1/live';
/** Largest inbound frame, bytes (a larger one closes the connection with 1009). */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Messages one frame (a JSON array) may hold. */
export const DEFAULT_MAX_BATCH = 4096;
/** Bytes waiting to be sent to a client before it counts as too slow (closed with 1008). */
export const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;
/** Connections (= sessions) at once. */
export const DEFAULT_MAX_LIVE_SESSIONS = 8;

/** What `live` of the HTTP app options takes (all optional). */
export interface LiveOptions {
  /** Shared secret `/midigpt/session/init name token` must carry. */
  token?: string;
  /** Connections (each one session) at once; default 8. A connection over it gets an error event and is closed. */
  maxSessions?: number;
  /** Start-up parameter values (the `--buffer`, `--model-dim`... flags): kept by `session/init`. */
  params?: Partial<Record<ParamName, ArgValue>>;
  maxPayload?: number;
  maxBatch?: number;
  maxBuffered?: number;
  limits?: PieceLimits;
  clock?: Clock;
}

export interface LiveTransportOptions extends LiveOptions {
  model: ModelClient;
  /** The HTTP server's `--cors` origins (`*`: any): pages there may connect too. */
  cors?: string | string[];
  /** Unexpected failures (with stacks); never sent to clients. */
  log: (line: string) => void;
}

const OPEN = 1;

/** The live sessions of one HTTP server. */
export class LiveTransport {
  readonly sessions: SessionManager;
  readonly #options: LiveTransportOptions;
  readonly #connections = new Set<LiveConnection>();
  #next = 1;

  constructor(options: LiveTransportOptions) {
    this.#options = options;
    try {
      new ParamTable(options.model.info, options.params ?? {}); // start-up values are checked now, not at the first init
    } catch (error) {
      if (error instanceof LiveError) throw new Error(`start-up parameter: ${error.message}`);
      throw error;
    }
    this.sessions = new SessionManager({
      model: options.model,
      maxSessions: options.maxSessions ?? DEFAULT_MAX_LIVE_SESSIONS,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.params ? { startup: options.params } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Whether a page from `origin` may connect, for a request to `host` (its Host header). */
  allowsOrigin(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true; // not a browser
    const cors = this.#options.cors;
    if (cors === '*' || (Array.isArray(cors) && cors.includes('*'))) return true;
    if ((typeof cors === 'string' ? [cors] : (cors ?? [])).includes(origin)) return true;
    if (!host) return false;
    try {
      const from = new URL(origin);
      if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
      return from.host === new URL(`${from.protocol}//${host}`).host;
    } catch {
      return false;
    }
  }

  accept(socket: WebSocket): void {
    const max = this.#options.maxSessions ?? DEFAULT_MAX_LIVE_SESSIONS;
    if (this.#connections.size >= max) {
      socket.send(JSON.stringify(errorJson(ErrorCode.invalidState, `the server has ${max} live sessions open; close one first`)));
      socket.close(1013, 'too many sessions');
      return;
    }
    const connection = new LiveConnection(`ws:${this.#next++}`, socket, this.sessions, this.#options, () => this.#connections.delete(connection));
    this.#connections.add(connection);
  }

  /** Closes every connection and session (server shutdown). */
  closeAll(): void {
    for (const connection of [...this.#connections]) connection.close(1001, 'the server is shutting down');
    this.sessions.closeAll();
  }
}

/** A message as a frame carries it. */
interface InMessage {
  address: string;
  args: ArgValue[];
}

function readMessage(value: unknown): InMessage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidParam('a message must be a JSON object {"address": "/midigpt/...", "args": [...]}');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (key !== 'address' && key !== 'args') throw invalidParam(`unknown field ${JSON.stringify(key.slice(0, 40))} in a message (it has "address" and "args")`);
  const address = record['address'];
  if (typeof address !== 'string' || address.length === 0) throw invalidParam('a message needs an "address" string');
  if (address.length > 128) throw invalidParam('the address is longer than 128 characters');
  const args = record['args'] ?? [];
  if (!Array.isArray(args)) throw invalidParam(`${address}: "args" must be an array`);
  args.forEach((arg: unknown, i) => {
    if (arg !== null && typeof arg !== 'number' && typeof arg !== 'string' && typeof arg !== 'boolean')
      throw invalidParam(`${address}: argument ${i + 1} must be a number, a string, a boolean or null`);
  });
  return { address, args: args as ArgValue[] };
}

class LiveConnection {
  #session: LiveSession | null = null;
  #closed = false;

  constructor(
    readonly key: string,
    readonly socket: WebSocket,
    readonly sessions: SessionManager,
    readonly options: LiveTransportOptions,
    readonly onGone: () => void,
  ) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.#send(errorJson(ErrorCode.invalidParam, 'send JSON text frames, not binary ones'));
      this.#onText(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    });
    socket.on('close', () => this.#gone());
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#gone();
    this.socket.close(code, reason);
  }

  /** The session ends with the connection: its running and waiting jobs are cancelled. */
  #gone(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#session) this.sessions.remove(this.key);
    this.#session = null;
    this.onGone();
  }

  #onText(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.#send(errorJson(ErrorCode.invalidParam, 'the frame is not valid JSON'));
    }
    if (!Array.isArray(value)) return this.#onMessage(value);
    const max = this.options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (value.length > max) return this.#send(errorJson(ErrorCode.invalidParam, `a frame holds at most ${max} messages, this one has ${value.length}; none of them was run`));
    for (const message of value) {
      if (this.#closed) return;
      this.#onMessage(message);
    }
  }

  #onMessage(value: unknown): void {
    let address = 'the message';
    try {
      const message = readMessage(value);
      address = message.address;
      if (address === INIT_ADDRESS) return this.#init(message.args);
      const route = ROUTES[address];
      if (!route) throw invalidParam(`unknown address ${address}`);
      checkCount(address, route, message.args.length);
      route.run(this.#current(), message.args);
    } catch (error) {
      if (error instanceof LiveError) return this.#send(errorJson(error.code, error.message));
      this.options.log(`live: unexpected failure on ${address}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.#send(errorJson(ErrorCode.invalidParam, `${address} could not be handled`));
    }
  }

  #init(args: ArgValue[]): void {
    checkCount(INIT_ADDRESS, { args: ['name', 'token'], optional: 2 }, args.length);
    const name = args.length > 0 ? toText(args[0], 'session name', 128) : 'unnamed';
    this.sessions.authorize(args.length > 1 ? toText(args[1], 'token') : undefined);
    this.#session = this.sessions.init(this.key, name, (event: SessionEvent) => this.#send(eventJson(event)));
  }

  #current(): LiveSession {
    if (this.#session) return this.#session;
    if (this.options.token !== undefined) throw new LiveError(ErrorCode.unauthorized, 'send /midigpt/session/init with a name and the server token first');
    throw new LiveError(ErrorCode.invalidState, 'no session yet: send /midigpt/session/init first');
  }

  #send(message: EventJson): void {
    if (this.#closed || this.socket.readyState !== OPEN) return;
    if (message.event === 'error' && typeof message['message'] === 'string') message['message'] = scrub(message['message']);
    try {
      this.socket.send(JSON.stringify(message));
    } catch (error) {
      this.options.log(`live: could not send ${message.event}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const max = this.options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    if (this.socket.bufferedAmount > max) {
      this.options.log(`live: closed a client that does not read its events (${this.socket.bufferedAmount} bytes waiting)`);
      this.close(1008, 'the client does not read its events');
    }
  }
}

const transports = new WeakMap<FastifyInstance, LiveTransport>();

/** The live transport of an app made with `live` (or `studio`). */
export function liveTransportOf(app: FastifyInstance): LiveTransport | null {
  return transports.get(app) ?? null;
}

/** Registers `GET /v1/live` (the WebSocket upgrade) on the HTTP app. */
export async function registerLive(app: FastifyInstance, options: LiveTransportOptions): Promise<LiveTransport> {
  const transport = new LiveTransport(options);
  await app.register(websocket, {
    options: { maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD },
    errorHandler(error, socket) {
      options.log(`live: socket error: ${error.message}`);
      socket.terminate();
    },
  });
  app.route({
    method: 'GET',
    url: LIVE_PATH,
    schema: { hide: true },
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!transport.allowsOrigin(request.headers.origin, request.headers.host))
        return sendError(reply, new HttpError(403, 'FORBIDDEN_ORIGIN', 'pages from this origin may not open live sessions (see --cors)'));
    },
    handler: async (_request, reply) => sendError(reply, new HttpError(426, 'UPGRADE_REQUIRED', `${LIVE_PATH} is a WebSocket: connect with ws:// (docs/server.md, "Live mode over WebSocket")`)),
    wsHandler: (socket) => transport.accept(socket),
  });
  app.addHook('preClose', async () => transport.closeAll());
  transports.set(app, transport);
  return transport;
}
