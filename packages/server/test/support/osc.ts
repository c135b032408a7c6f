// A small OSC client over real UDP on 127.0.0.1 for the transport tests.
import { createSocket, type Socket } from 'node:dgram';
import { decodeDatagram, encodeMessage, type OscMessage, type OutArg } from '../../src/osc/codec.js';

export const int = (value: number): OutArg => ({ type: 'i', value });
export const float = (value: number): OutArg => ({ type: 'f', value });
export const str = (value: string): OutArg => ({ type: 's', value });

export class OscClient {
  readonly received: OscMessage[] = [];
  readonly #socket: Socket;
  readonly #waiters = new Set<() => void>();

  private constructor(
    socket: Socket,
    readonly serverPort: number,
  ) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const decoded = decodeDatagram(data, { maxBytes: 65536, maxMessages: 4096, maxDepth: 8 });
      if (Array.isArray(decoded)) this.received.push(...decoded);
      for (const wake of [...this.#waiters]) wake();
    });
  }

  static async open(serverPort: number): Promise<OscClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new OscClient(socket, serverPort);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(address: string, ...args: OutArg[]): void {
    this.raw(encodeMessage(address, args));
  }

  raw(data: Uint8Array): void {
    this.#socket.send(data, this.serverPort, '127.0.0.1');
  }

  /** Messages received with this address. */
  all(address: string): OscMessage[] {
    return this.received.filter((m) => m.address === address);
  }

  /** Waits until `predicate` holds on what was received (generous timeout: the machine may be busy). */
  waitFor(predicate: (received: OscMessage[]) => boolean, what = 'a reply', timeoutMs = 30_000): Promise<void> {
    if (predicate(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; received: ${this.received.map((m) => m.address).join(' ')}`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate(this.received)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** Waits for the `count`-th message with `address` (counting from the start). */
  waitForCount(address: string, count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((r) => r.filter((m) => m.address === address).length >= count, `${count}× ${address}`, timeoutMs);
  }

  /** Sends a message and waits until `count` more messages arrive (a reply, or the next probe's answer). */
  async request(address: string, ...args: OutArg[]): Promise<OscMessage> {
    const before = this.received.length;
    this.send(address, ...args);
    await this.waitFor((r) => r.length > before, `a reply to ${address}`);
    return this.received[before]!;
  }

  clear(): void {
    this.received.splice(0);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
