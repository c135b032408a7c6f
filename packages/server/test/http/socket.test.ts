// The HTTP API on a real socket with the tiny model in a worker thread:
// concurrent clients (every answer right, a full queue answered with 429,
// nothing hangs) and clients that go away (their jobs are cancelled in the
// worker, the next request is served).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/app.js';
import type { WorkerModelClient } from '../../src/worker/client.js';
import { compatScore, scoreJson, tinyWorker } from './support.js';

let worker: WorkerModelClient;
let server: HttpServer;

beforeAll(async () => {
  worker = await tinyWorker();
  server = await createHttpServer({ client: worker, port: 0, maxQueue: 2, log: () => {} });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await worker?.close();
});

const score = scoreJson();
type Kind = 'json' | 'midi' | 'compat';
/** A job long enough that a disconnect or the next requests reach the worker while it runs: 5 bars of a track, 4 variations (about 2 s alone). */
const long = { score, request: { tracks: [{ id: 0, bars: [2, 3, 4, 5, 6] }], config: { seed: 1 } }, variations: 4 };

async function send(kind: Kind, seed: number, signal?: AbortSignal): Promise<Response> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: kind === 'midi' ? 'audio/midi' : 'application/json' }, ...(signal ? { signal } : {}) };
  if (kind === 'compat')
    return fetch(`${server.url}/generate`, { ...init, body: JSON.stringify({ score: compatScore(), request: { tracks: [{ id: 0, bars: [1, 2] }], config: { seed } } }) });
  return fetch(`${server.url}/v1/generate`, { ...init, body: JSON.stringify({ score, request: { tracks: [{ id: 0, bars: [2, 3] }], config: { seed } } }) });
}

/** What a request's answer is compared by: the generated notes (timing differs from run to run). */
async function answer(kind: Kind, r: Response): Promise<unknown> {
  if (kind === 'midi') return Buffer.from(await r.arrayBuffer()).toString('base64');
  const body = (await r.json()) as { score?: unknown; variations?: Array<{ score: unknown }> };
  return kind === 'compat' ? body.score : body.variations![0]!.score;
}

async function health(): Promise<Record<string, number | boolean | string>> {
  return (await (await fetch(`${server.url}/health`)).json()) as Record<string, number | boolean | string>;
}

/** Polls /health until `predicate` holds (the machine may be busy: generous). */
async function healthUntil(predicate: (h: Record<string, number | boolean | string>) => boolean, what: string): Promise<Record<string, number | boolean | string>> {
  for (let i = 0; i < 1200; i++) {
    const h = await health();
    if (predicate(h)) return h;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`/health never showed ${what}: ${JSON.stringify(await health())}`);
}

describe('concurrent clients', () => {
  it('8 clients x 5 requests: every answer is the one the request gets alone; a full queue answers 429', async () => {
    const kinds: Kind[] = ['json', 'midi', 'compat'];
    const seeds = [1, 2, 3, 4, 5];
    // What each request gets when it is alone on the server.
    const expected = new Map<string, unknown>();
    for (const kind of kinds)
      for (const seed of seeds) {
        const r = await send(kind, seed);
        expect(r.status).toBe(200);
        expected.set(`${kind}:${seed}`, await answer(kind, r));
      }
    const before = await health();
    // A long job holds the model while the first wave arrives: 2 of the 8 first requests wait, 6 are refused.
    const blocker = fetch(`${server.url}/v1/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(long) });
    await healthUntil((h) => h['running'] === 1, 'the long job running');

    let refused = 0;
    let served = 0;
    const client = async (c: number): Promise<void> => {
      for (const seed of seeds) {
        const kind = kinds[(c + seed) % kinds.length]!;
        for (;;) {
          const r = await send(kind, seed);
          if (r.status === 429) {
            refused++;
            expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
            expect(((await r.json()) as { error: { code: string } }).error.code).toBe('QUEUE_FULL');
            await new Promise((resolve) => setTimeout(resolve, 20 + 10 * c)); // back off (shorter than Retry-After: the test has no time to lose)
            continue;
          }
          expect(r.status).toBe(200);
          expect(await answer(kind, r)).toEqual(expected.get(`${kind}:${seed}`));
          served++;
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    expect((await blocker).status).toBe(200);
    expect(served).toBe(40);
    expect(refused).toBeGreaterThan(0);
    const after = await health();
    expect(after).toMatchObject({ busy: false, running: 0, queued: 0 });
    expect(Number(after['completed']) - Number(before['completed'])).toBe(41);
    expect(Number(after['rejected']) - Number(before['rejected'])).toBe(refused);
  }, 600_000);
});

describe('a client that goes away', () => {

  it('an event stream closed mid-generation cancels the job in the worker; the next request is served', async () => {
    const before = await health();
    const controller = new AbortController();
    const r = await fetch(`${server.url}/v1/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(long),
      signal: controller.signal,
    });
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    let text = '';
    while (!text.includes('event: progress')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${text}`);
      text += Buffer.from(value).toString();
    }
    controller.abort();
    const after = await healthUntil((h) => Number(h['cancelled']) === Number(before['cancelled']) + 1 && h['busy'] === false, 'the job cancelled');
    expect(after['completed']).toBe(before['completed']);
    const next = await send('json', 1);
    expect(next.status).toBe(200);
  }, 300_000);

  it('a JSON request dropped while its job runs, and one dropped while queued, are both cancelled', async () => {
    const before = await health();
    const running = new AbortController();
    const queued = new AbortController();
    const body = JSON.stringify(long);
    const first = fetch(`${server.url}/v1/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: running.signal }).catch((e: Error) => e);
    await healthUntil((h) => h['running'] === 1, 'the first job running');
    const second = fetch(`${server.url}/v1/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: queued.signal }).catch((e: Error) => e);
    await healthUntil((h) => h['queued'] === 1, 'the second job queued');
    queued.abort();
    running.abort();
    expect(await first).toBeInstanceOf(Error);
    expect(await second).toBeInstanceOf(Error);
    const after = await healthUntil((h) => Number(h['cancelled']) === Number(before['cancelled']) + 2 && h['busy'] === false && h['queued'] === 0, 'both jobs cancelled');
    expect(after['completed']).toBe(before['completed']);
    const next = await send('compat', 2);
    expect(next.status).toBe(200);
  }, 300_000);
});

describe('closing the server', () => {
  it('ends waiting and running requests (their jobs are cancelled) and stops listening; the model stays with its owner', async () => {
    const own = await createHttpServer({ client: worker, port: 0, log: () => {} });
    const body = JSON.stringify(long);
    const pending = fetch(`${own.url}/v1/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
      (r) => r.status,
      (e: Error) => e,
    );
    for (let i = 0; i < 1200 && !((await (await fetch(`${own.url}/health`)).json()) as { busy: boolean }).busy; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await own.close();
    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(`${own.url}/health`)).rejects.toThrow();
    // The shared worker still serves the other server.
    expect((await send('json', 3)).status).toBe(200);
  }, 300_000);
});
