// Pieces shorter than the model's window (a 2-bar sketch, `generate --empty 1`)
// cannot be encoded: every prompt is a whole window of bars. They are padded
// with empty bars for the run, and the padding is cut off the result, so the
// output keeps the input's length.
import { native } from '../native.js';
import { Score } from '../score.js';
import type { Tokenizer } from '../tokenizer.js';
import { isPlainObject } from './read.js';
import { defaultModelDim } from './request.js';

export interface PaddedRun {
  score: Score;
  request: unknown;
  /** The input's bar count, to cut the result back to. */
  bars: number;
}

/**
 * The score padded to the request's window (`config.model_dim`, else the encoder's smallest)
 * with empty bars shaped like its last bar; autoregressive prompts that run to the last bar run
 * on through the padding. Undefined when the piece is long enough (or the request is not
 * readable: validation reports it).
 */
export function padShortPiece(score: Score, input: unknown, tokenizer: Tokenizer): PaddedRun | undefined {
  const bars = Math.max(0, ...score.tracks.map((t) => t.bars.length));
  if (!isPlainObject(input) || !Array.isArray(input.tracks) || bars === 0) return undefined;
  const config = isPlainObject(input.config) ? input.config : {};
  const window = typeof config.model_dim === 'number' ? config.model_dim : defaultModelDim(tokenizer);
  if (!Number.isInteger(window) || bars >= window || window > 64) return undefined;
  const json = score.toJSON();
  for (const track of json.tracks) {
    const last = track.bars[track.bars.length - 1];
    while (last && track.bars.length < window) track.bars.push({ ts: last.ts, beat_length: last.beat_length, future: false, notes: [] });
  }
  const pad = Array.from({ length: window - bars }, (_, i) => bars + i);
  const tracks = input.tracks.map((t: unknown) => {
    if (!isPlainObject(t) || t.autoregressive !== true || !Array.isArray(t.bars) || !t.bars.includes(bars - 1)) return t;
    return { ...t, bars: [...t.bars, ...pad] };
  });
  return { score: Score.derived(score, native.NativeScore.fromJS(json)), request: { ...input, tracks }, bars };
}

/**
 * A result of a padded run cut back to the input's bars: generated cells in the padding are
 * dropped, and notes of the `generated` cells end at the new end of the piece.
 */
export function cutPadding(result: Score, bars: number, generated: Array<[track: number, bar: number]>): Score {
  const kept = generated.filter(([, bar]) => bar < bars);
  const cut = native.finishGeneratedBars(Score.handleOf(result).window(0, bars), kept);
  return Score.derived(result, cut, [], bars);
}
