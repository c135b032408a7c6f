// `createOscServer`: the library entry point of the real-time OSC server.
import { LiveError } from './live/errors.js';
import { ParamTable, type ParamName } from './live/params.js';
import type { PieceLimits } from './live/piece.js';
import type { SessionManager } from './live/sessions.js';
import type { Clock } from './live/session.js';
import type { ArgValue } from './live/values.js';
import { openModel, type ModelSource } from './model.js';
import type { DatagramLimits } from './osc/codec.js';
import { OscTransport, type Endpoint } from './osc/server.js';
import type { ModelClient } from './worker/client.js';

export const DEFAULT_OSC_PORT = 7400;
export const DEFAULT_HOST = '127.0.0.1';

export interface OscServerOptions extends ModelSource {
  /** UDP port (default 7400; 0 picks a free one). */
  port?: number;
  /** Bind address (default 127.0.0.1: this machine only). */
  host?: string;
  /** Send every reply to this port on the sender's host. */
  replyPort?: number;
  /** Shared secret `/session/init` must carry. */
  token?: string;
  /** Start-up parameter values (buffer_bars, lookahead_bars, model_dim, gen_timeout, max_attempts, ...): survive `/session/init`. */
  params?: Partial<Record<ParamName, ArgValue>>;
  /** Sessions at once (default 8). */
  maxSessions?: number;
  datagramLimits?: DatagramLimits;
  pieceLimits?: PieceLimits;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface OscServer {
  /** Where the server listens. */
  readonly address: Endpoint;
  readonly model: ModelClient;
  readonly sessions: SessionManager;
  /** Stops listening, cancels every session's work and stops the model worker. */
  close(): Promise<void>;
}

export async function createOscServer(options: OscServerOptions = {}): Promise<OscServer> {
  const { client, owned } = await openModel(options);
  let transport: OscTransport;
  try {
    checkStartupParams(client, options.params);
    transport = await OscTransport.listen({
      model: client,
      port: options.port ?? DEFAULT_OSC_PORT,
      host: options.host ?? DEFAULT_HOST,
      ...(options.replyPort !== undefined ? { replyPort: options.replyPort } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.params ? { startup: options.params } : {}),
      ...(options.maxSessions ? { maxSessions: options.maxSessions } : {}),
      ...(options.datagramLimits ? { datagramLimits: options.datagramLimits } : {}),
      ...(options.pieceLimits ? { limits: options.pieceLimits } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (error) {
    if (owned) await client.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    address: transport.address,
    model: client,
    sessions: transport.sessions,
    close() {
      closing ??= (async () => {
        await transport.close();
        if (owned) await client.close();
      })();
      return closing;
    },
  };
}

/** Start-up values are checked against the model before the socket opens, not at the first `/session/init`. */
function checkStartupParams(client: ModelClient, params: OscServerOptions['params']): void {
  try {
    new ParamTable(client.info, params ?? {});
  } catch (error) {
    if (error instanceof LiveError) throw new Error(`start-up parameter: ${error.message}`);
    throw error;
  }
}
