// A WebSocket test client for `/v1/live`: sends messages, keeps every event
// it receives, and waits for events (no timing: a generous limit only).
import WebSocket from 'ws';

export interface LiveEvent {
  event: string;
  [field: string]: unknown;
}

const WAIT_MS = 60_000;

export class LiveClient {
  readonly received: LiveEvent[] = [];
  /** The close code and reason, once closed. */
  closed: { code: number; reason: string } | null = null;
  readonly #socket: WebSocket;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as LiveEvent);
      this.#wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.#wake();
    });
  }

  /** Connects to `url` (`ws://host:port/v1/live`); rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, options: { origin?: string } = {}): Promise<LiveClient> {
    const socket = new WebSocket(url, options.origin !== undefined ? { origin: options.origin } : {});
    return new Promise((resolve, reject) => {
      // Created before `open`, so nothing the server sends right away is missed.
      const client = new LiveClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        reject(new RefusedError(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });
  }

  get socket(): WebSocket {
    return this.#socket;
  }

  /** One message `{address, args}`, or several in one frame. */
  send(address: string, ...args: unknown[]): void {
    this.#socket.send(JSON.stringify({ address, args }));
  }

  sendRaw(text: string | object): void {
    this.#socket.send(typeof text === 'string' ? text : JSON.stringify(text));
  }

  all(event: string): LiveEvent[] {
    return this.received.filter((e) => e.event === event);
  }

  clear(): void {
    this.received.splice(0);
  }

  waitFor(test: (received: LiveEvent[]) => boolean, what: string, ms = WAIT_MS): Promise<void> {
    if (test(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no ${what} within ${ms} ms; received: ${JSON.stringify(this.received.slice(-8))}`));
      }, ms);
      const check = (): void => {
        if (!test(this.received)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  waitForCount(event: string, count: number, ms?: number): Promise<void> {
    return this.waitFor((r) => r.filter((e) => e.event === event).length >= count, `${count} × ${event}`, ms);
  }

  /** Sends a message and returns the next event that arrives after it. */
  async request(address: string, ...args: unknown[]): Promise<LiveEvent> {
    const before = this.received.length;
    this.send(address, ...args);
    await this.waitFor((r) => r.length > before, `an answer to ${address}`);
    return this.received[before]!;
  }

  waitClosed(ms?: number): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.closed !== null, 'close', ms).then(() => this.closed!);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.#socket.close(1000);
    return this.waitClosed().then(() => undefined);
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

export class RefusedError extends Error {
  constructor(readonly status: number) {
    super(`the server refused the upgrade with ${status}`);
  }
}
