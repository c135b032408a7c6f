// A scheduled job as the model's input: the window of the piece as a score,
// the generation request (realtime.md §1.7 step 5) and the prompt-state
// snapshot clients draw (§1.11).
import type { ScoreInput } from '@midigpt/core';
import type { GenerationJob } from '../worker/protocol.js';
import type { Piece } from './piece.js';
import { range, type JobWindow, type ScheduledJob } from './scheduler.js';

export interface BuiltJob {
  job: GenerationJob;
  /** `/midigpt/prompt/state` JSON. */
  promptState: string;
}

const ATTENTION_MODES = new Set(['attention', 'attention_approx', 'attention_skip']);

export function buildJob(piece: Piece, scheduled: ScheduledJob, window: JobWindow, playhead: number): BuiltJob {
  const tracks = piece.tracks();
  const bars = range(window.offset, window.end);
  const rel = (bar: number): number => bar - window.offset;
  const score: ScoreInput = {
    resolution: piece.resolution,
    tracks: tracks.map((track) => ({
      instrument: track.instrument,
      track_type: track.drum ? 'drum' : 'melodic',
      bars: bars.map((bar) => ({
        ts: [...piece.timeSignature(bar)] as [number, number],
        notes: piece
          .notes(track.id, bar)
          .filter((n) => n.velocity > 0)
          .map((n): [number, number, number, number] => [n.pitch, n.velocity, n.onset, n.duration]),
      })),
    })),
  };
  const p = scheduled.params;
  const generate = new Set(window.generate);
  const masked = new Map<number, number[]>();
  const prompts = tracks.map((track, id) => {
    if (track.agent) {
      const mask =
        p.warmup_policy === 'a_masked' && !window.bootstrap
          ? bars.filter((bar) => bar < scheduled.target && !piece.generated.has(bar) && piece.notes(track.id, bar).length === 0)
          : [];
      masked.set(id, mask);
      // A narrowed pitch range is a mask on the model's pitches (docs/controls.md), not only a fold afterwards.
      const narrowed = track.minPitch > 0 || track.maxPitch < 127;
      return {
        id,
        bars: window.generate.map(rel),
        autoregressive: true,
        mask_bars: mask.map(rel),
        attributes: scheduled.attributes,
        ...(narrowed ? { controls: { pitch_range: [track.minPitch, track.maxPitch] } } : {}),
      };
    }
    // An ignored track cannot carry masks (§6 item 2); the others hide the bars not played yet.
    if (track.ignore) return { id, ignore: true };
    const mask = bars.filter((bar) => bar >= playhead);
    masked.set(id, mask);
    return { id, mask_bars: mask.map(rel) };
  });
  const agentIndex = tracks.findIndex((t) => t.agent);
  const agent = tracks[agentIndex]!;
  const request = {
    tracks: prompts,
    config: {
      temperature: agent.temperature ?? p.temperature,
      seed: p.sampling_seed,
      max_attempts: p.max_attempts,
      bars_per_step: Math.min(scheduled.count, p.model_dim),
      tracks_per_step: 1,
      model_dim: p.model_dim,
      mask_mode: p.mask_mode,
      top_p: p.top_p,
      top_k: p.top_k,
      mask_p: p.mask_p,
      mask_k: p.mask_k,
      temperature_escalation: p.temperature_escalation,
      novelty_check: p.novelty_check,
      silence_check: p.silence_check,
      polyphony_hard_limit: p.polyphony_hard_limit,
      density_hard_limit: p.density_hard_limit,
    },
  };
  const maskLetter = ATTENTION_MODES.has(p.mask_mode) ? 'A' : 'M';
  const promptState = {
    target_bar: scheduled.target,
    start_bar: window.offset,
    end_bar: window.end,
    tracks: tracks.map((track, id) => ({
      id,
      is_agent: track.agent,
      states: bars.map((bar) => (track.agent && generate.has(bar) ? 'T' : masked.get(id)?.includes(bar) ? maskLetter : 'C')),
    })),
  };
  return { job: { score, request, track: agentIndex }, promptState: JSON.stringify(promptState) };
}
