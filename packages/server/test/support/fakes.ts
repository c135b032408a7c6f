// A scripted model client and a manual clock for the live/ unit tests.
import type { BarJSON } from '@midigpt/core';
import { JobError, type ModelClient, type Submission, type SubmitHooks } from '../../src/worker/client.js';
import type { GenerationJob, JobResult, ModelInfo } from '../../src/worker/protocol.js';
import type { Clock } from '../../src/live/session.js';
import type { SessionEvent } from '../../src/live/events.js';

export const FAKE_INFO: ModelInfo = {
  resolution: 12,
  modelDims: [4, 8],
  defaultModelDim: 4,
  defaultMaskMode: 'attention',
  supportsMaskBar: false,
  timeSignatures: [
    [4, 4],
    [3, 4],
    [6, 8],
  ],
  attributes: [
    { name: 'note_density', tokenType: 'note_density', level: 'track', trackType: 'drum', size: 10, labels: [] },
    { name: 'min_polyphony', tokenType: 'min_polyphony', level: 'track', trackType: 'melodic', size: 10, labels: [] },
    { name: 'max_polyphony', tokenType: 'max_polyphony', level: 'track', trackType: 'melodic', size: 10, labels: [] },
    { name: 'min_note_duration', tokenType: 'min_note_duration', level: 'track', trackType: 'both', size: 6, labels: [] },
    { name: 'max_note_duration', tokenType: 'max_note_duration', level: 'track', trackType: 'both', size: 6, labels: [] },
    { name: 'tension', tokenType: 'tension', level: 'bar', trackType: 'melodic', size: 10, labels: [] },
  ],
};

export interface FakeJob {
  id: number;
  job: GenerationJob;
  hooks: SubmitHooks;
  started: boolean;
  cancelled: boolean;
  resolve(result: JobResult): void;
  reject(error: JobError): void;
}

/** Jobs wait until the test finishes them; one starts at a time, like the worker. */
export class FakeModel implements ModelClient {
  readonly info: ModelInfo;
  readonly jobs: FakeJob[] = [];
  #nextId = 1;

  constructor(info: ModelInfo = FAKE_INFO) {
    this.info = info;
  }

  submit(job: GenerationJob, hooks: SubmitHooks = {}): Submission {
    const id = this.#nextId++;
    let entry!: FakeJob;
    const result = new Promise<JobResult>((resolve, reject) => {
      entry = { id, job, hooks, started: false, cancelled: false, resolve, reject };
    });
    this.jobs.push(entry);
    this.#startNext();
    return { id, result };
  }

  cancel(id: number): void {
    const job = this.jobs.find((j) => j.id === id);
    if (!job || job.cancelled) return;
    job.cancelled = true;
    job.reject(new JobError('cancelled', 'cancelled'));
    this.#remove(job);
  }

  async close(): Promise<void> {}

  /** The job the model is working on. */
  get current(): FakeJob | undefined {
    return this.jobs.find((j) => j.started);
  }

  /** Finishes the running job with one note per generated bar (or `notes` per bar). */
  finish(notesPerBar = 1): FakeJob {
    const job = this.current;
    if (!job) throw new Error('no job is running');
    const bars: BarJSON[] = job.job.score.tracks[job.job.track]!.bars.map((bar) => ({
      ts: bar.ts ?? [4, 4],
      beat_length: 4,
      future: false,
      notes: Array.from({ length: notesPerBar }, (_, k) => [60 + k, 90, k * 480, 480, 0] as [number, number, number, number, number]),
    }));
    job.resolve({ resolution: 480, bars, attributes: { min_polyphony: 1, max_polyphony: 2 }, inferenceMs: 12.5 });
    this.#remove(job);
    return job;
  }

  fail(message = 'max attempts reached'): void {
    const job = this.current;
    if (!job) throw new Error('no job is running');
    job.reject(new JobError(message, 'failed'));
    this.#remove(job);
  }

  #remove(job: FakeJob): void {
    this.jobs.splice(this.jobs.indexOf(job), 1);
    this.#startNext();
  }

  #startNext(): void {
    if (this.jobs.some((j) => j.started)) return;
    const next = this.jobs[0];
    if (!next) return;
    next.started = true;
    next.hooks.onStart?.();
  }
}

/** Timers fire only when the test advances time. */
export class ManualClock implements Clock {
  #now = 0;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.#now += ms;
    for (const [id, timer] of [...this.#timers]) {
      if (timer.at > this.#now) continue;
      this.#timers.delete(id);
      timer.callback();
    }
  }
}

/** Lets promise callbacks (job results) run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function eventLog(): { events: SessionEvent[]; emit: (e: SessionEvent) => void; types(): string[]; clear(): void } {
  const events: SessionEvent[] = [];
  return {
    events,
    emit: (e) => void events.push(e),
    types: () => events.map((e) => (e.type === 'generated' ? `generated:${e.bar}` : e.type === 'skipped' ? `skipped:${e.bar}:${e.reason}` : e.type === 'error' ? `error:${e.code}` : e.type)),
    clear: () => void events.splice(0),
  };
}
