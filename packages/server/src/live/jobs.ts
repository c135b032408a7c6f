// A session's generation jobs (realtime.md §1.7): one runs, one waits at most,
// a newer one replaces the waiting one; late, failed and timed-out jobs are
// reported bar by bar; results of cancelled jobs never reach the client.
import type { JobError, ModelClient } from '../worker/client.js';
import type { JobResult } from '../worker/protocol.js';
import type { Clock } from './clock.js';
import { ErrorCode } from './errors.js';
import type { SessionEvent } from './events.js';
import { readGeneratedBar } from './features.js';
import type { Piece } from './piece.js';
import { buildJob } from './request.js';
import { isLate, jobWindow, type JobWindow, type ScheduledJob, type SkipReason } from './scheduler.js';

const SAMPLED_ATTRIBUTES = ['note_density', 'min_polyphony', 'max_polyphony', 'onset_polyphony', 'min_note_duration', 'max_note_duration'];

/** What the jobs need from their session. */
export interface JobHost {
  readonly model: ModelClient;
  readonly clock: Clock;
  piece(): Piece;
  emit(event: SessionEvent): void;
  /** A run ended (done, failed or timed out): one-shot parameters are spent. */
  onRunEnd(): void;
}

interface Running {
  id: number;
  job: ScheduledJob;
  window: JobWindow;
  timer: unknown;
  timedOut: boolean;
}

export class SessionJobs {
  readonly #host: JobHost;
  /** Bumped by `cancelAll`: results of older jobs are dropped. */
  #epoch = 0;
  #running: Running | null = null;
  #waiting: ScheduledJob | null = null;

  constructor(host: JobHost) {
    this.#host = host;
  }

  /** Whether a job is running or waiting. */
  get busy(): boolean {
    return this.#running !== null || this.#waiting !== null;
  }

  /** Runs the job when the model is free for this session; else it waits, replacing an older waiting one. */
  add(job: ScheduledJob): void {
    if (!this.#running) return this.#dispatch(job);
    // One job waits at most; a newer one replaces it, and the client hears about the dropped bars (§6 item 8).
    if (this.#waiting) this.#skip(this.#waiting, 'queue_full');
    this.#waiting = job;
  }

  /** Cancels the running and the waiting job; nothing of them is sent afterwards (§6 item 10). */
  cancelAll(): void {
    this.#epoch++;
    if (this.#running) {
      this.#host.clock.clearTimeout(this.#running.timer);
      this.#host.model.cancel(this.#running.id);
    }
    this.#running = null;
    this.#waiting = null;
  }

  #dispatch(job: ScheduledJob): void {
    const piece = this.#host.piece();
    const playhead = piece.barsCompleted;
    if (isLate(job, playhead)) {
      this.#skip(job, 'late');
      return this.#next();
    }
    const window = jobWindow(job, piece.agentHasHistory(job.target));
    const built = buildJob(piece, job, window, playhead);
    const epoch = this.#epoch;
    const running: Running = { id: 0, job, window, timer: undefined, timedOut: false };
    const onStart = (): void => {
      if (epoch !== this.#epoch) return;
      this.#host.emit({ type: 'status', status: 'generating' });
      this.#host.emit({ type: 'prompt_state', json: built.promptState });
      const seconds = job.params.gen_timeout;
      // A timeout cancels the run itself: two runs never share the model (§6 item 9).
      if (seconds > 0)
        running.timer = this.#host.clock.setTimeout(() => {
          running.timedOut = true;
          this.#host.model.cancel(running.id);
        }, seconds * 1000);
    };
    const submission = this.#host.model.submit(built.job, { onStart });
    running.id = submission.id;
    this.#running = running;
    submission.result.then(
      (result) => this.#finish(epoch, running, result),
      (error: JobError) => this.#fail(epoch, running, error),
    );
  }

  #finish(epoch: number, running: Running, result: JobResult): void {
    if (epoch !== this.#epoch) return;
    this.#host.clock.clearTimeout(running.timer);
    const piece = this.#host.piece();
    const agent = piece.agent()!;
    const { job, window } = running;
    const playhead = piece.barsCompleted;
    for (const bar of window.generate) {
      const json = result.bars[bar - window.offset] ?? { ts: [...piece.timeSignature(bar)] as [number, number], beat_length: 4, future: false, notes: [] };
      const generated = readGeneratedBar(json, result.resolution, piece.resolution, agent);
      piece.setGenerated(agent.id, bar, generated.stored);
      // A bootstrap run also fills bars already played: kept as history, not sent (§6 item 7).
      if (window.bootstrap && bar < playhead && bar < job.target) continue;
      this.#host.emit({ type: 'generated', track: agent.id, bar, notes: generated.notes, features: generated.features, inferenceMs: result.inferenceMs });
    }
    const attrs = Object.fromEntries(Object.entries(result.attributes).filter(([name]) => SAMPLED_ATTRIBUTES.includes(name)));
    if (Object.keys(attrs).length > 0) this.#host.emit({ type: 'sampled_attrs', json: JSON.stringify({ start_bar: job.target, end_bar: job.target + job.count, attrs }) });
    this.#done();
  }

  #fail(epoch: number, running: Running, error: JobError): void {
    if (epoch !== this.#epoch) return;
    this.#host.clock.clearTimeout(running.timer);
    const reason: SkipReason = running.timedOut ? 'timeout' : error.reason === 'queue_full' ? 'queue_full' : 'failed';
    const message = running.timedOut ? `generation timed out after ${running.job.params.gen_timeout} s` : `generation failed: ${error.message}`;
    this.#host.emit({ type: 'error', code: ErrorCode.generation, message });
    this.#skip(running.job, reason);
    this.#done();
  }

  #done(): void {
    this.#host.onRunEnd();
    this.#host.emit({ type: 'status', status: 'ready' });
    this.#running = null;
    this.#next();
  }

  #next(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) this.#dispatch(waiting);
  }

  #skip(job: ScheduledJob, reason: SkipReason): void {
    const track = this.#host.piece().agent()?.id ?? -1;
    for (let bar = job.target; bar < job.target + job.count; bar++) this.#host.emit({ type: 'skipped', track, bar, reason });
  }
}
