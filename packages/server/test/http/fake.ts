// A model client whose jobs wait until the test finishes, fails or lets them
// time out: for queue, timeout and failure answers without timing.
import type { ScoreJSON } from '@midigpt/core';
import { JobError, type ModelClient, type Submission, type SubmitHooks } from '../../src/worker/client.js';
import type { GenerationJob, JobResult } from '../../src/worker/protocol.js';
import { FAKE_INFO } from '../support/fakes.js';

interface Held {
  id: number;
  job: GenerationJob;
  hooks: SubmitHooks;
  resolve(result: JobResult): void;
  reject(error: JobError): void;
}

export class ManualModel implements ModelClient {
  readonly info = FAKE_INFO;
  readonly held: Held[] = [];
  readonly cancelled: number[] = [];
  readonly #waiters = new Set<() => void>();
  #nextId = 1;

  submit(job: GenerationJob, hooks: SubmitHooks = {}): Submission {
    const id = this.#nextId++;
    const result = new Promise<JobResult>((resolve, reject) => this.held.push({ id, job, hooks, resolve, reject }));
    if (this.held.length === 1) hooks.onStart?.();
    this.#wake();
    return { id, result };
  }

  cancel(id: number): void {
    const index = this.held.findIndex((h) => h.id === id);
    if (index < 0) return;
    this.cancelled.push(id);
    this.held[index]!.reject(new JobError('cancelled', 'cancelled'));
    this.#remove(index);
  }

  async close(): Promise<void> {}

  /** Resolves when `count` jobs are held (submitted and not finished). */
  waitForJobs(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.held.length < count) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** Finishes the running job: its score comes back as it went in. */
  finish(): Held {
    const job = this.held[0]!;
    job.hooks.onProgress?.({ step: 0, steps: 1, tokens: 1, tokensPerSecond: 10 });
    const score = job.job.score as ScoreJSON;
    job.resolve({ resolution: score.resolution, bars: [], attributes: {}, inferenceMs: 1, variations: [{ score, logLikelihood: -1, warnings: [], steps: 1 }] });
    this.#remove(0);
    return job;
  }

  fail(message: string, details: { code?: string; problems?: string[] } = {}): void {
    this.held[0]!.reject(new JobError(message, 'failed', details));
    this.#remove(0);
  }

  #remove(index: number): void {
    this.held.splice(index, 1);
    if (index === 0) this.held[0]?.hooks.onStart?.();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
