// The model worker: jobs run in a worker thread one at a time, can be
// cancelled by id (queued or running), and the queue is bounded.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobError, WorkerModelClient } from '../../src/worker/client.js';
import type { GenerationJob } from '../../src/worker/protocol.js';
import { repoRoot } from '../support/processes.js';

const tiny = path.join(repoRoot, '..', 'shared', 'parity', 'model', 'tiny_gpt2_yellow.safetensors');
let client: WorkerModelClient;

beforeAll(async () => {
  client = await WorkerModelClient.start({ file: tiny, threads: 1, maxJobs: 3 });
}, 120_000);

afterAll(async () => {
  await client?.close();
});

/** Four bars of one melodic track and an agent continuing bars 2-3. */
function job(bars = 2): GenerationJob {
  const bar = (notes: Array<[number, number, number, number]>) => ({ ts: [4, 4] as [number, number], notes });
  return {
    score: {
      resolution: 12,
      tracks: [
        { instrument: 0, track_type: 'melodic', bars: [0, 1, 2, 3].map(() => bar([[60, 90, 0, 12], [64, 90, 12, 12]])) },
        { instrument: 33, track_type: 'melodic', bars: [0, 1, 2, 3].map(() => bar([])) },
      ],
    },
    request: {
      tracks: [
        { id: 0, mask_bars: [2, 3] },
        { id: 1, bars: Array.from({ length: bars }, (_, i) => 4 - bars + i), autoregressive: true },
      ],
      config: { model_dim: 4, seed: 1, silence_check: false, novelty_check: false, mask_mode: 'attention' },
    },
    track: 1,
  };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'done';
  } catch (error) {
    return error instanceof JobError ? error.reason : `unexpected: ${String(error)}`;
  }
}

describe('WorkerModelClient', () => {
  it('reports the model facts and runs a job', async () => {
    expect(client.info.resolution).toBe(12);
    expect(client.info.modelDims.length).toBeGreaterThan(0);
    const result = await client.submit(job()).result;
    expect(result.bars).toHaveLength(4);
    expect(result.inferenceMs).toBeGreaterThan(0);
  });

  it('cancels a running and a queued job; the next job still runs', async () => {
    const started: number[] = [];
    const first = client.submit(job(), { onStart: () => started.push(1) });
    const second = client.submit(job());
    client.cancel(second.id);
    client.cancel(first.id);
    const [a, b] = await Promise.all([reason(first.result), reason(second.result)]);
    expect(['cancelled', 'done']).toContain(a); // it may have finished before the cancel reached the worker
    expect(b).toBe('cancelled');
    expect(await reason(client.submit(job()).result)).toBe('done');
  });

  it('refuses jobs beyond its bound', async () => {
    const jobs = [0, 1, 2, 3].map(() => client.submit(job()));
    const reasons = await Promise.all(jobs.map((j) => reason(j.result)));
    expect(reasons.slice(0, 3)).toEqual(['done', 'done', 'done']);
    expect(reasons[3]).toBe('queue_full');
  });
});
