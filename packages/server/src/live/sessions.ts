// Several live sessions on one model (ours; the reference had one): keyed by
// the transport (the sender of `/session/init`, or a session name), with an
// optional shared secret that `init` must carry.
import type { ModelClient } from '../worker/client.js';
import { ErrorCode, LiveError } from './errors.js';
import type { SessionEvent } from './events.js';
import type { ParamName } from './params.js';
import type { PieceLimits } from './piece.js';
import { LiveSession, type Clock } from './session.js';
import type { ArgValue } from './values.js';

export interface SessionManagerOptions {
  model: ModelClient;
  /** When set, `init` must carry it. */
  token?: string;
  /** Sessions at once (default 8); a new one replaces the oldest stopped one, else is refused. */
  maxSessions?: number;
  startup?: Partial<Record<ParamName, ArgValue>>;
  clock?: Clock;
  limits?: PieceLimits;
}

export class SessionManager {
  readonly #sessions = new Map<string, LiveSession>();
  readonly #options: SessionManagerOptions;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(key: string): LiveSession | undefined {
    return this.#sessions.get(key);
  }

  /** The only session, when there is exactly one. */
  only(): [string, LiveSession] | undefined {
    return this.#sessions.size === 1 ? [...this.#sessions.entries()][0] : undefined;
  }

  /** Checks the shared secret: refused with code 9 when a token is set and `token` differs. */
  authorize(token: string | undefined): void {
    const expected = this.#options.token;
    if (expected !== undefined && token !== expected) throw new LiveError(ErrorCode.unauthorized, 'session/init needs the server token as its second argument');
  }

  /**
   * Creates session `key` (or re-initialises it) with events going to `emit`;
   * the caller has checked the token.
   */
  init(key: string, name: string, emit: (event: SessionEvent) => void): LiveSession {
    let session = this.#sessions.get(key);
    if (!session) {
      this.#makeRoom();
      session = new LiveSession({
        model: this.#options.model,
        emit,
        ...(this.#options.startup ? { startup: this.#options.startup } : {}),
        ...(this.#options.clock ? { clock: this.#options.clock } : {}),
        ...(this.#options.limits ? { limits: this.#options.limits } : {}),
      });
      this.#sessions.set(key, session);
    } else session.setEmitter(emit);
    session.init(name);
    return session;
  }

  remove(key: string): void {
    this.#sessions.get(key)?.close();
    this.#sessions.delete(key);
  }

  closeAll(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
  }

  #makeRoom(): void {
    const max = this.#options.maxSessions ?? 8;
    if (this.#sessions.size < max) return;
    for (const [key, session] of this.#sessions)
      if (session.state === 'STOPPED' || session.state === 'UNINITIALIZED') return this.remove(key);
    throw new LiveError(ErrorCode.invalidState, `the server has ${max} sessions running; stop one first`);
  }
}
