// When to generate and what (realtime.md §1.7): the trigger rule, one job per
// `num_anticipated_bars` bars (§6 item 6), and the window a job covers.
import type { Params } from './params.js';

/** A generation the session decided on, built into a request when the model is free. */
export interface ScheduledJob {
  /** First bar to generate. */
  target: number;
  /** Bars to generate from `target` (`num_anticipated_bars`). */
  count: number;
  params: Params;
  attributes: Record<string, number>;
}

/**
 * The bar a `/bar/end` should start generating, or null. `playhead` is
 * `barsCompleted` after the bar end; `nextTarget` the first bar no job has
 * covered yet. With adapt_buffer the first job comes when `playhead + k ≥ B`,
 * without it when `playhead ≥ B`; target = playhead + k. A job generates
 * `j` bars, so the next one waits until its target passes them: every bar is
 * generated once.
 */
export function triggerTarget(params: Params, playhead: number, nextTarget: number): number | null {
  const k = params.lookahead_bars;
  const ready = params.adapt_buffer ? playhead + k >= params.buffer_bars : playhead >= params.buffer_bars;
  if (!ready) return null;
  const target = playhead + k;
  return target >= nextTarget ? target : null;
}

/** Why a scheduled bar was not generated (`/midigpt/generated/skipped bar reason`). */
export type SkipReason = 'queue_full' | 'late' | 'timeout' | 'failed';

/**
 * A job is late when the playhead has already passed its first bar by the
 * time the model could start on it: that bar can no longer be played.
 */
export function isLate(job: ScheduledJob, playhead: number): boolean {
  return playhead > job.target;
}

export interface JobWindow {
  /** First absolute bar of the score sent to the model. */
  offset: number;
  /** One past the last bar (`target + count`). */
  end: number;
  /** Bars the model generates for the agent. */
  generate: number[];
  /** Whether this is a bootstrap run (policies b/b_collapse with no agent history). */
  bootstrap: boolean;
}

/**
 * The score a job sends is one model window ending with the last generated
 * bar (shorter at the start of a piece; the engine pads it). The bootstrap
 * policies generate every agent bar of that window; the others only the
 * target bars. Policies `b` and `b_collapse` are the same here, as no job ever
 * sends more than one window.
 */
export function jobWindow(job: ScheduledJob, agentHasHistory: boolean): JobWindow {
  const end = job.target + job.count;
  const offset = Math.max(0, end - job.params.model_dim);
  const policy = job.params.warmup_policy;
  const bootstrap = (policy === 'b' || policy === 'b_collapse') && !agentHasHistory;
  const from = bootstrap ? offset : job.target;
  return { offset, end, generate: range(from, end), bootstrap };
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
