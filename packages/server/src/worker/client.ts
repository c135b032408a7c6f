// The main-thread handle on the model: submit a job, get a promise; cancel by
// id; a bounded queue in front of the one job that runs. `WorkerModelClient`
// runs the model in a worker thread (what the servers use);
// `InProcessModelClient` wraps an engine the caller already has.
import { Worker } from 'node:worker_threads';
import { Score } from '@midigpt/core';
import type { InferenceEngine } from '@midigpt/inference';
import { modelInfo } from './model-info.js';
import type { FromWorker, GenerationJob, JobProgress, JobResult, ModelInfo, WorkerOptions } from './protocol.js';
import { describeFailure, isFullJob, runFullJob } from './run-job.js';

/** A job that did not produce a result: failed, cancelled, or refused because the queue was full. */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    message: string,
    readonly reason: 'failed' | 'cancelled' | 'queue_full' | 'closed',
    /** For a failed job: the core's error code (`INVALID_REQUEST`, `INVALID_SCORE`, `MIDI_FORMAT`, ...) and problem list. */
    readonly details: { code?: string; problems?: string[] } = {},
  ) {
    super(message);
  }
}

export interface SubmitHooks {
  /** The job left the queue and the model started on it. */
  onStart?: () => void;
  /** After each token, for jobs that ask for `progress`. */
  onProgress?: (progress: JobProgress) => void;
}

export interface Submission {
  id: number;
  /** Rejects with a `JobError`. */
  result: Promise<JobResult>;
}

/** What the live engine needs from a model: facts about it, and jobs run one at a time. */
export interface ModelClient {
  readonly info: ModelInfo;
  submit(job: GenerationJob, hooks?: SubmitHooks): Submission;
  /** Stops a queued or running job; its promise rejects with reason `cancelled`. */
  cancel(id: number): void;
  close(): Promise<void>;
}

interface Pending {
  resolve(result: JobResult): void;
  reject(error: JobError): void;
  hooks: SubmitHooks;
}

/** Jobs the client holds at most (queued + running); more are refused with `queue_full`. */
export const DEFAULT_MAX_JOBS = 16;

const workerUrl = new URL(import.meta.url.endsWith('.ts') ? '../../dist/worker/model-worker.js' : './model-worker.js', import.meta.url);

export class WorkerModelClient implements ModelClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #maxJobs: number;
  #nextId = 1;
  #closed = false;

  private constructor(
    worker: Worker,
    readonly info: ModelInfo,
    maxJobs: number,
  ) {
    this.#worker = worker;
    this.#maxJobs = maxJobs;
    worker.on('message', (message: FromWorker) => this.#onMessage(message));
    worker.on('error', (error) => this.#failAll(`the model worker failed: ${error.message}`));
    worker.on('exit', () => this.#failAll('the model worker exited'));
  }

  /** Starts a worker on a model file and waits until the model is loaded. */
  static start(options: WorkerOptions & { maxJobs?: number }): Promise<WorkerModelClient> {
    const worker = new Worker(workerUrl, { workerData: { file: options.file, ...(options.threads ? { threads: options.threads } : {}) } satisfies WorkerOptions });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        worker.off('error', onError);
        worker.off('message', onMessage);
        if (message.type === 'ready') resolve(new WorkerModelClient(worker, message.info, options.maxJobs ?? DEFAULT_MAX_JOBS));
        else {
          void worker.terminate();
          reject(new Error(message.type === 'fatal' ? message.message : `unexpected message ${message.type} from the model worker`));
        }
      };
      const onError = (error: Error): void => reject(error);
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
  }

  submit(job: GenerationJob, hooks: SubmitHooks = {}): Submission {
    const id = this.#nextId++;
    if (this.#closed) return { id, result: Promise.reject(new JobError('the server is closing', 'closed')) };
    if (this.#pending.size >= this.#maxJobs) return { id, result: Promise.reject(new JobError('the model queue is full', 'queue_full')) };
    const result = new Promise<JobResult>((resolve, reject) => this.#pending.set(id, { resolve, reject, hooks }));
    this.#worker.postMessage({ type: 'job', id, job });
    return { id, result };
  }

  cancel(id: number): void {
    if (this.#pending.has(id)) this.#worker.postMessage({ type: 'cancel', id });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.#worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  #onMessage(message: FromWorker): void {
    if (message.type === 'ready' || message.type === 'fatal') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'started') return pending.hooks.onStart?.();
    if (message.type === 'progress') return pending.hooks.onProgress?.(message.progress);
    this.#pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message.result);
    else
      pending.reject(
        new JobError(message.message, message.cancelled ? 'cancelled' : 'failed', {
          ...(message.code ? { code: message.code } : {}),
          ...(message.problems ? { problems: message.problems } : {}),
        }),
      );
  }

  #failAll(message: string): void {
    for (const pending of this.#pending.values()) pending.reject(new JobError(message, 'closed'));
    this.#pending.clear();
  }
}

/**
 * Runs jobs on an engine in this thread, one at a time. The event loop stays
 * responsive between tokens, but each model call blocks it briefly: for
 * libraries and tests; the servers use `WorkerModelClient`.
 */
export class InProcessModelClient implements ModelClient {
  readonly info: ModelInfo;
  readonly #queue: Array<{ id: number; job: GenerationJob; pending: Pending }> = [];
  readonly #maxJobs: number;
  #current: { id: number; controller: AbortController } | null = null;
  #nextId = 1;
  #closed = false;

  constructor(
    readonly engine: InferenceEngine,
    options: { maxJobs?: number } = {},
  ) {
    this.info = modelInfo(engine);
    this.#maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
  }

  submit(job: GenerationJob, hooks: SubmitHooks = {}): Submission {
    const id = this.#nextId++;
    if (this.#closed) return { id, result: Promise.reject(new JobError('the server is closing', 'closed')) };
    if (this.#queue.length + (this.#current ? 1 : 0) >= this.#maxJobs)
      return { id, result: Promise.reject(new JobError('the model queue is full', 'queue_full')) };
    const result = new Promise<JobResult>((resolve, reject) => this.#queue.push({ id, job, pending: { resolve, reject, hooks } }));
    queueMicrotask(() => void this.#drain());
    return { id, result };
  }

  cancel(id: number): void {
    if (this.#current?.id === id) return this.#current.controller.abort(new Error('cancelled'));
    const index = this.#queue.findIndex((q) => q.id === id);
    if (index >= 0) this.#queue.splice(index, 1)[0]!.pending.reject(new JobError('cancelled', 'cancelled'));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#current?.controller.abort(new Error('closing'));
    for (const q of this.#queue.splice(0)) q.pending.reject(new JobError('the server is closing', 'closed'));
  }

  async #drain(): Promise<void> {
    while (this.#current === null && this.#queue.length > 0) {
      const { id, job, pending } = this.#queue.shift()!;
      const controller = new AbortController();
      this.#current = { id, controller };
      pending.hooks.onStart?.();
      const start = performance.now();
      try {
        if (isFullJob(job)) {
          pending.resolve(await runFullJob(this.engine, job, controller.signal, pending.hooks.onProgress));
          continue;
        }
        const result = await this.engine.generate(Score.fromJSON(job.score), job.request, { signal: controller.signal });
        const track = result.score.toJSON().tracks[job.track];
        pending.resolve({ resolution: result.score.resolution, bars: track?.bars ?? [], attributes: track?.attributes ?? {}, inferenceMs: performance.now() - start });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const { code, problems } = describeFailure(error);
        pending.reject(new JobError(message, controller.signal.aborted ? 'cancelled' : 'failed', { ...(code ? { code } : {}), ...(problems ? { problems } : {}) }));
      } finally {
        this.#current = null;
      }
    }
  }
}
