// The client went away before its answer: an AbortSignal that fires when the
// connection closes with the response unfinished (the job is then cancelled
// in the worker), and a Server-Sent Events writer.
import type { FastifyReply } from 'fastify';

export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const raw = reply.raw;
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort(new Error('the client disconnected'));
  });
  return controller.signal;
}

export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
}

/** Takes the response over from fastify (headers set so far, CORS included, are kept) and opens an event stream. */
export function openEventStream(reply: FastifyReply): EventStream {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = typeof value === 'number' ? String(value) : value;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
  return {
    send(event, data) {
      if (!raw.writableEnded && !raw.destroyed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!raw.writableEnded) raw.end();
    },
  };
}
