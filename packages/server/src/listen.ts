// The monitor (`midigpt listen`, the reference's midigpt-listen, realtime.md
// §2): prints one line per OSC message received; never replies.
import { createSocket } from 'node:dgram';
import type { ArgValue } from './live/values.js';
import { decodeDatagram } from './osc/codec.js';

export interface ListenOptions {
  port: number;
  host: string;
  /** Receives each line (default: standard output). */
  print?: (line: string) => void;
}

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

/** `address  arg arg ...`: strings quoted, numbers as they are, blobs by size. */
export function formatMessage(address: string, args: readonly ArgValue[]): string {
  const shown = args.map((a) => (typeof a === 'string' ? `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : a instanceof Uint8Array ? `<blob ${a.length} bytes>` : a === null ? 'nil' : String(a)));
  return shown.length > 0 ? `${address}  ${shown.join(' ')}` : address;
}

export function listen(options: ListenOptions): Promise<Listener> {
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (data) => {
    const decoded = decodeDatagram(data, { maxBytes: 65536, maxMessages: 4096, maxDepth: 8 });
    if (!Array.isArray(decoded)) return print(`(dropped a datagram of ${data.length} bytes: ${decoded.dropped})`);
    for (const m of decoded) print(formatMessage(m.address, m.args));
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve({ port: socket.address().port, close: () => new Promise<void>((done) => socket.close(() => done())) });
    });
  });
}
