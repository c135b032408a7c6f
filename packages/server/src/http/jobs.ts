// The HTTP side of the model queue: at most `maxQueue` requests wait behind the
// running one (more are refused with 429 and a Retry-After), a job that runs
// longer than `timeoutMs` is cancelled in the worker (504), and a job whose
// client went away is cancelled too. Counters feed `/health`.
import { JobError, type ModelClient } from '../worker/client.js';
import type { GenerationJob, JobProgress, JobResult } from '../worker/protocol.js';
import { HttpError, jobHttpError } from './errors.js';

export interface JobLimits {
  /** Requests that may wait for the model besides the one it runs. */
  maxQueue: number;
  /** A running generation is cancelled after this long (ms; 0 = never). */
  timeoutMs: number;
}

export interface RunHooks {
  /** Cancels the job (the client disconnected). The promise then rejects with reason `cancelled`. */
  signal?: AbortSignal;
  onStart?: () => void;
  onProgress?: (progress: JobProgress) => void;
}

export interface JobStats {
  /** A generation of this server's is running. */
  busy: boolean;
  running: number;
  /** Requests waiting for the model. */
  queued: number;
  queue_limit: number;
  completed: number;
  failed: number;
  cancelled: number;
  timed_out: number;
  rejected: number;
}

export interface Timed<T> {
  value: T;
  /** Time waiting for the model, ms. */
  queuedMs: number;
  /** Time the model worked on it, ms. */
  runMs: number;
}

export class JobRunner {
  readonly #client: ModelClient;
  readonly #limits: JobLimits;
  #running = 0;
  #queued = 0;
  /** Mean run time of recent jobs (ms), for Retry-After. */
  #meanMs = 0;
  readonly #counts = { completed: 0, failed: 0, cancelled: 0, timed_out: 0, rejected: 0 };

  constructor(client: ModelClient, limits: JobLimits) {
    this.#client = client;
    this.#limits = limits;
  }

  get limits(): JobLimits {
    return this.#limits;
  }

  stats(): JobStats {
    return { busy: this.#running > 0, running: this.#running, queued: this.#queued, queue_limit: this.#limits.maxQueue, ...this.#counts };
  }

  /** Throws the 429 a new job would get now (checked before an event stream starts). */
  checkCapacity(): void {
    if (this.#running + this.#queued >= this.#limits.maxQueue + 1) {
      this.#counts.rejected++;
      throw this.#queueFull();
    }
  }

  /** Jobs ahead of a new one. */
  get ahead(): number {
    return this.#running + this.#queued;
  }

  /** Runs a job; rejects with an `HttpError` (or a `JobError` with reason `cancelled` when the client went away). */
  async run(job: GenerationJob, hooks: RunHooks = {}): Promise<Timed<JobResult>> {
    this.checkCapacity();
    if (hooks.signal?.aborted) throw new JobError('cancelled', 'cancelled');
    const submitted = performance.now();
    let started: number | null = null;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    this.#queued++;
    const { id, result } = this.#client.submit(job, {
      onStart: () => {
        if (started !== null) return;
        started = performance.now();
        this.#queued--;
        this.#running++;
        if (this.#limits.timeoutMs > 0)
          timer = setTimeout(() => {
            timedOut = true;
            this.#client.cancel(id);
          }, this.#limits.timeoutMs);
        hooks.onStart?.();
      },
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    });
    const onAbort = (): void => this.#client.cancel(id);
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const value = await result;
      const end = performance.now();
      const runMs = end - (started ?? submitted);
      this.#meanMs = this.#meanMs === 0 ? runMs : 0.7 * this.#meanMs + 0.3 * runMs;
      this.#counts.completed++;
      return { value, queuedMs: (started ?? end) - submitted, runMs };
    } catch (error) {
      if (!(error instanceof JobError)) throw error;
      if (timedOut) {
        this.#counts.timed_out++;
        throw new HttpError(504, 'TIMEOUT', `the generation took longer than ${Math.round(this.#limits.timeoutMs / 1000)} s and was cancelled`);
      }
      if (error.reason === 'cancelled') {
        this.#counts.cancelled++;
        throw error;
      }
      if (error.reason === 'queue_full') {
        this.#counts.rejected++;
        throw this.#queueFull();
      }
      this.#counts.failed++;
      throw jobHttpError(error);
    } finally {
      clearTimeout(timer);
      hooks.signal?.removeEventListener('abort', onAbort);
      if (started === null) this.#queued--;
      else this.#running--;
    }
  }

  #queueFull(): HttpError {
    const seconds = Math.min(600, Math.max(1, Math.ceil((this.#meanMs * (this.#queued + 1)) / 1000)));
    return new HttpError(429, 'QUEUE_FULL', `${this.#limits.maxQueue} requests are already waiting for the model; try again later`, [], { 'retry-after': String(seconds) });
  }
}
