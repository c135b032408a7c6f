// The reference's score dict (notes as objects, `ts_numerator`/`ts_denominator`)
// <-> our interchange format. Both count onsets from the start of the bar.
import { defaultInferenceConfig, type NoteTuple, type ScoreInput, type ScoreJSON } from '@midigpt/core';

export interface CompatNote {
  pitch: number;
  velocity: number;
  onset_ticks: number;
  duration_ticks: number;
  delta?: number;
}

export interface CompatScore {
  resolution?: number;
  tempo?: number;
  tracks?: Array<{
    instrument?: number;
    track_type?: 'melodic' | 'drum';
    bars?: Array<{ ts_numerator?: number; ts_denominator?: number; future?: boolean; notes?: CompatNote[] }>;
  }>;
}

export function fromCompatScore(score: CompatScore): ScoreInput {
  return {
    resolution: score.resolution ?? 480,
    tempo: score.tempo ?? 500000,
    tracks: (score.tracks ?? []).map((track) => ({
      instrument: track.instrument ?? 0,
      track_type: track.track_type ?? 'melodic',
      bars: (track.bars ?? []).map((bar) => ({
        ts: [bar.ts_numerator ?? 4, bar.ts_denominator ?? 4] as [number, number],
        future: bar.future ?? false,
        notes: (bar.notes ?? []).map((n): NoteTuple => [n.pitch, n.velocity, n.onset_ticks, n.duration_ticks, n.delta ?? 0]),
      })),
    })),
  };
}

export function toCompatScore(score: ScoreJSON): Required<CompatScore> {
  return {
    resolution: score.resolution,
    tempo: score.tempo,
    tracks: score.tracks.map((track) => ({
      instrument: track.instrument,
      track_type: track.track_type,
      bars: track.bars.map((bar) => ({
        ts_numerator: bar.ts[0],
        ts_denominator: bar.ts[1],
        future: bar.future,
        notes: bar.notes.map(([pitch, velocity, onset_ticks, duration_ticks, delta]) => ({ pitch, velocity, onset_ticks, duration_ticks, delta })),
      })),
    })),
  };
}

const CONFIG_KEYS = new Set(Object.keys(defaultInferenceConfig()));

/** The reference ignores config keys it does not know; our validator would list them as problems. */
export function dropUnknownConfigKeys(request: Record<string, unknown>): Record<string, unknown> {
  const config = request['config'];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return request;
  return { ...request, config: Object.fromEntries(Object.entries(config).filter(([k]) => CONFIG_KEYS.has(k))) };
}
