// The OSC transport: UDP datagrams in, session calls; session events out, to
// each session's reply target. Sessions are keyed by the sender of
// `/session/init` (or by the name it carries); with a token, only the
// initialiser's address may drive its session.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { ErrorCode, LiveError } from '../live/errors.js';
import type { SessionEvent } from '../live/events.js';
import type { LiveSession } from '../live/session.js';
import { SessionManager, type SessionManagerOptions } from '../live/sessions.js';
import { toText } from '../live/values.js';
import { decodeDatagram, DEFAULT_DATAGRAM_LIMITS, encodeMessage, type DatagramLimits, type OscMessage } from './codec.js';
import { errorMessage, eventMessages, type OutMessage } from './replies.js';
import { checkCount, INIT_ADDRESS, ROUTES } from './routes.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface OscTransportOptions extends SessionManagerOptions {
  port: number;
  host: string;
  /** Replies go to this port on the sender's host instead of the sender's port. */
  replyPort?: number;
  datagramLimits?: DatagramLimits;
  /** Diagnostics (dropped datagrams, unexpected failures); never sent to clients. */
  log?: (line: string) => void;
}

export class OscTransport {
  readonly sessions: SessionManager;
  readonly #socket: Socket;
  readonly #options: OscTransportOptions;
  /** sender "ip:port" -> session key */
  readonly #peers = new Map<string, string>();
  #closed = false;

  private constructor(socket: Socket, options: OscTransportOptions) {
    this.#socket = socket;
    this.#options = options;
    this.sessions = new SessionManager(options);
    socket.on('message', (data, rinfo) => this.#onDatagram(data, rinfo));
    socket.on('error', (error) => options.log?.(`osc socket error: ${error.message}`));
  }

  static listen(options: OscTransportOptions): Promise<OscTransport> {
    const socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        resolve(new OscTransport(socket, options));
      });
    });
  }

  get address(): Endpoint {
    const { address, port } = this.#socket.address();
    return { address, port };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.sessions.closeAll();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #onDatagram(data: Buffer, rinfo: RemoteInfo): void {
    const decoded = decodeDatagram(data, this.#options.datagramLimits ?? DEFAULT_DATAGRAM_LIMITS);
    if (!Array.isArray(decoded)) return this.#options.log?.(`dropped a datagram from ${rinfo.address}:${rinfo.port} (${decoded.dropped})`);
    for (const message of decoded) this.#onMessage(message, rinfo);
  }

  #onMessage(message: OscMessage, rinfo: RemoteInfo): void {
    const sender = this.#replyTarget(rinfo);
    try {
      if (message.address === INIT_ADDRESS) return this.#init(message, rinfo);
      const route = ROUTES[message.address];
      if (!route) {
        // Other applications' traffic is none of ours: only our namespace gets an answer.
        if (message.address.startsWith('/midigpt/')) throw new LiveError(ErrorCode.invalidParam, `unknown address ${message.address}`);
        return;
      }
      checkCount(message.address, route, message.args.length);
      route.run(this.#sessionOf(rinfo), message.args);
    } catch (error) {
      if (error instanceof LiveError) return this.#send(sender, errorMessage(error.code, error.message));
      this.#options.log?.(`unexpected failure on ${message.address}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.#send(sender, errorMessage(ErrorCode.invalidParam, `${message.address} could not be handled`));
    }
  }

  #init(message: OscMessage, rinfo: RemoteInfo): void {
    checkCount(INIT_ADDRESS, { args: ['name', 'token'], optional: 2 }, message.args.length);
    const name = message.args.length > 0 ? toText(message.args[0], 'session name', 128) : 'unnamed';
    this.sessions.authorize(message.args.length > 1 ? toText(message.args[1], 'token') : undefined);
    const peer = `${rinfo.address}:${rinfo.port}`;
    const key = name === 'unnamed' ? `peer:${peer}` : `name:${name}`;
    const target = this.#replyTarget(rinfo);
    this.sessions.init(key, name, (event: SessionEvent) => {
      for (const out of eventMessages(event)) this.#send(target, out);
    });
    // The initialiser owns the session: other senders bound to it lose it, and bindings to sessions gone are dropped.
    for (const [other, bound] of this.#peers) if (bound === key || !this.sessions.get(bound)) this.#peers.delete(other);
    this.#peers.set(peer, key);
  }

  #sessionOf(rinfo: RemoteInfo): LiveSession {
    const key = this.#peers.get(`${rinfo.address}:${rinfo.port}`);
    const session = key === undefined ? undefined : this.sessions.get(key);
    if (session) return session;
    if (this.#options.token !== undefined)
      throw new LiveError(ErrorCode.unauthorized, 'this address did not initialise a session: send /midigpt/session/init name token first');
    // Without a token, a client that sends from another port still reaches the only session (as with the reference).
    const only = this.sessions.only();
    if (only) return only[1];
    throw new LiveError(ErrorCode.invalidState, 'no session for this address: send /midigpt/session/init first');
  }

  #replyTarget(rinfo: RemoteInfo): Endpoint {
    return { address: rinfo.address, port: this.#options.replyPort ?? rinfo.port };
  }

  #send(target: Endpoint, message: OutMessage): void {
    if (this.#closed) return;
    try {
      this.#socket.send(encodeMessage(message.address, message.args), target.port, target.address, (error) => {
        if (error) this.#options.log?.(`could not send ${message.address} to ${target.address}:${target.port}: ${error.message}`);
      });
    } catch (error) {
      this.#options.log?.(`could not send ${message.address}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
