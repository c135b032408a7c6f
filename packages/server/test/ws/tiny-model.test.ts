// A live session over WebSocket on the real (tiny) model in its worker
// thread: a melodic conditioning track and a bass agent, bar by bar; every
// scheduled agent bar comes back as a `generated` event with the right index,
// and closing the socket leaves no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/app.js';
import type { WorkerModelClient } from '../../src/worker/client.js';
import { tinyWorker } from '../http/support.js';
import { LiveClient } from './client.js';

let worker: WorkerModelClient;
let server: HttpServer;

beforeAll(async () => {
  worker = await tinyWorker();
  server = await createHttpServer({ client: worker, port: 0, live: true, log: () => {} });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await worker?.close();
});

const melody = [60, 64, 67, 72];

describe('live over WebSocket on the tiny model', () => {
  it('generates the agent bars just ahead of the bars sent', async () => {
    const client = await LiveClient.open(`${server.url.replace(/^http/, 'ws')}/v1/live`);
    client.sendRaw([
      { address: '/midigpt/session/init', args: ['tiny'] },
      { address: '/midigpt/track/create', args: [0, 0, 10, 0] },
      { address: '/midigpt/track/create', args: [1, 33, 10, 1] },
      { address: '/midigpt/param/set', args: ['model_dim', 4] },
      { address: '/midigpt/param/set', args: ['sampling_seed', 7] },
      // The tiny model is untrained: a silent or repeated bar is an answer here, not a reason to retry and fail.
      { address: '/midigpt/param/set', args: ['silence_check', false] },
      { address: '/midigpt/param/set', args: ['novelty_check', false] },
      { address: '/midigpt/session/start' },
    ]);
    await client.waitForCount('started', 1);
    const BARS = 8;
    for (let bar = 0; bar < BARS; bar++) {
      client.sendRaw([
        ...melody.map((pitch, k) => ({ address: '/midigpt/note', args: [0, pitch + (bar % 2) * 2, 80, k / 4, 0.25, bar] })),
        { address: '/midigpt/bar/end', args: [bar, 4, 4] },
      ]);
      await client.waitForCount('bar_ack', bar + 1);
      // From bar end 2 on, each bar end schedules bar + 2: wait for it (generated or skipped), so nothing here is timed.
      const target = bar + 2;
      if (bar >= 2)
        await client.waitFor((r) => r.some((e) => (e.event === 'generated' || e.event === 'skipped') && e['bar'] === target), `bar ${target}`, 120_000);
    }
    const generated = client.all('generated');
    expect(client.all('error')).toEqual([]);
    expect(client.all('skipped')).toEqual([]);
    expect(generated.map((e) => e['bar'])).toEqual([4, 5, 6, 7, 8, 9]);
    for (const e of generated) {
      expect(e['track']).toBe(1);
      expect(typeof e['inference_ms']).toBe('number');
      for (const n of e['notes'] as Array<{ pitch: number; velocity: number; onset: number; duration: number }>) {
        expect(n.pitch).toBeGreaterThanOrEqual(0);
        expect(n.pitch).toBeLessThanOrEqual(127);
        expect(n.velocity).toBeGreaterThan(0);
        expect(n.onset).toBeGreaterThanOrEqual(0);
        expect(n.onset).toBeLessThan(1);
        expect(n.duration).toBeGreaterThan(0);
      }
    }
    expect(generated.some((e) => (e['notes'] as unknown[]).length > 0)).toBe(true);
    client.send('/midigpt/session/stop');
    await client.waitForCount('stopped', 1);
    await client.close();
    await expect.poll(() => server.live!.sessions.size).toBe(0);
  }, 300_000);
});
