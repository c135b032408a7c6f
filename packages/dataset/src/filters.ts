// Which pieces a dataset keeps (training.md §1.3): enough bars for the
// encoder's smallest window, enough tracks, at least one note, and only time
// signatures the encoder can write. Unlike the reference, a piece that fails
// to parse is rejected, not kept (B9).
import { Score, type Tokenizer } from '@midigpt/core';

export interface PieceFilters {
  /** Every track needs at least this many bars (default: the smallest window of the encoder). */
  minBars: number;
  /** At least this many tracks (default 1). */
  minTracks: number;
  /** Allowed `"num/den"` signatures, or null for any. */
  timeSignatures: string[] | null;
}

export type RejectReason = 'metadata' | 'parse-error' | 'no-notes' | 'too-few-tracks' | 'too-few-bars' | 'time-signature' | 'duplicate' | 'timeout' | 'crash';

export type Verdict =
  | { ok: true; bars: number; tracks: number; notes: number }
  | { ok: false; reason: RejectReason; message: string };

/** The reference's defaults for a dataset on `tokenizer`'s encoder. */
export function defaultFilters(tokenizer: Tokenizer, overrides: Partial<PieceFilters> = {}): PieceFilters {
  const windows = tokenizer.numBarsMap();
  const signatures = tokenizer.config().timeSignatures.map(([n, d]) => `${n}/${d}`);
  return {
    minBars: overrides.minBars ?? (windows && windows.length ? Math.min(...windows) : 4),
    minTracks: overrides.minTracks ?? 1,
    timeSignatures: overrides.timeSignatures !== undefined ? overrides.timeSignatures : signatures.length ? [...new Set(signatures)].sort() : null,
  };
}

/** Parses one MIDI file and decides whether it belongs in the dataset. Never throws. */
export function judgePiece(bytes: Uint8Array, filters: PieceFilters): Verdict {
  let score: Score;
  try {
    score = Score.fromMidi(bytes);
  } catch (error) {
    return { ok: false, reason: 'parse-error', message: error instanceof Error ? error.message : String(error) };
  }
  const { tracks } = score.toJSON();
  const notes = tracks.reduce((sum, t) => sum + t.bars.reduce((n, b) => n + b.notes.length, 0), 0);
  const bars = Math.min(...tracks.map((t) => t.bars.length));
  if (notes === 0) return { ok: false, reason: 'no-notes', message: 'the file has no notes' };
  if (tracks.length < filters.minTracks)
    return { ok: false, reason: 'too-few-tracks', message: `${tracks.length} tracks; at least ${filters.minTracks} needed` };
  if (bars < filters.minBars) return { ok: false, reason: 'too-few-bars', message: `${bars} bars; at least ${filters.minBars} needed` };
  if (filters.timeSignatures) {
    const allowed = new Set(filters.timeSignatures);
    for (const track of tracks)
      for (const bar of track.bars) {
        const ts = `${bar.ts[0]}/${bar.ts[1]}`;
        if (!allowed.has(ts)) return { ok: false, reason: 'time-signature', message: `time signature ${ts} is not one the encoder writes` };
      }
  }
  return { ok: true, bars, tracks: tracks.length, notes };
}
