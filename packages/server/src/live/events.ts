// What a live session tells its client. Transports map these to their wire
// format (OSC: osc/replies.ts).
import type { BarFeatures } from './features.js';
import type { BarNote } from './piece.js';
import type { SkipReason } from './scheduler.js';

export type TrackParamName = 'temperature' | 'min_pitch' | 'max_pitch' | 'ignore';

export type SessionEvent =
  | { type: 'capabilities'; json: string }
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'stopped' }
  | { type: 'status'; status: 'generating' | 'ready' }
  | { type: 'prompt_state'; json: string }
  /** One generated bar: open, notes, close (with the run's inference time), then features when it has notes. */
  | { type: 'generated'; track: number; bar: number; notes: BarNote[]; features: BarFeatures | null; inferenceMs: number }
  | { type: 'sampled_attrs'; json: string }
  | { type: 'error'; code: number; message: string }
  /** A scheduled bar that will not be generated (ours). */
  | { type: 'skipped'; track: number; bar: number; reason: SkipReason }
  /** A bar end was accepted (ours). */
  | { type: 'bar_ack'; bar: number };
