// The sample stream a trainer reads: every piece of a split once per epoch, in
// a seeded order, each turned into one training sample by the C++ core.
// Sample k of epoch e depends only on (seed, e, k), so a stream can be resumed
// or split across readers at any point and gives the same tokens again.
import { createHash } from 'node:crypto';
import { Score, Tokenizer, trainingSample, type SampleOptions, type TrainingSample } from '@midigpt/core';
import { readManifest, readPiece, type DatasetManifest, type DatasetPiece, type Split } from './build.js';

export interface SampleStreamOptions extends SampleOptions {
  /** Stream seed (a whole number from 0 to 2^32 - 1). */
  seed: number;
  /** Pieces to draw from (default train). */
  split?: Split | 'all';
  /** Passes over the split (default 1). */
  epochs?: number;
  /** First epoch, to resume a stream (default 0). */
  startEpoch?: number;
  /** Only positions `index % count == index` of each epoch: one reader's share when several train together (DDP ranks). */
  shard?: { index: number; count: number };
  /** Called for a piece no window of which encodes; the stream goes on without it (the reference draws a random replacement). */
  onSkip?: (piece: DatasetPiece, error: Error) => void;
}

export interface StreamedSample {
  epoch: number;
  /** Position in the epoch. */
  index: number;
  piece: DatasetPiece;
  sample: TrainingSample;
}

/** The seed of sample `index` of `epoch`: a hash, so no two positions of any stream share one. */
export function sampleSeed(seed: number, epoch: number, index: number): number {
  return Number(createHash('sha256').update(`${seed}:${epoch}:${index}`).digest().readBigUInt64LE(0) & ((1n << 53n) - 1n));
}

// mulberry32: a small seeded generator, enough to order pieces.
function orderOf(count: number, seed: number, epoch: number): number[] {
  let state = (seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One of the piece's genres the encoder knows (§2.5), picked by the sample's seed; -1 for none. */
function genreOf(piece: DatasetPiece, tokenizer: Tokenizer, seed: number): number {
  const known = (piece.genres ?? []).map((g) => tokenizer.genreId(g)).filter((id) => id >= 0);
  return known.length ? known[seed % known.length]! : -1;
}

/**
 * The parquet NOMML values stashed on the tracks as `_nomml_raw` (§1.1), matched by
 * position; -1 means unknown. The nomml attribute uses them instead of its fallback.
 */
function withNomml(score: Score, nomml: number[] | undefined): Score {
  if (!nomml?.some((v) => v >= 0)) return score;
  const json = score.toJSON();
  json.tracks.forEach((track, i) => {
    const value = nomml[i];
    if (value !== undefined && value >= 0) track.attributes = { ...track.attributes, _nomml_raw: value };
  });
  return Score.fromJSON(json);
}

function check(options: SampleStreamOptions): void {
  const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!whole(options.seed, 0, 2 ** 32 - 1)) throw new RangeError(`the seed must be a whole number from 0 to 2^32 - 1, not ${options.seed}`);
  if (options.epochs !== undefined && !whole(options.epochs, 1, 2 ** 20)) throw new RangeError('epochs must be a whole number from 1 to 2^20');
  if (options.startEpoch !== undefined && !whole(options.startEpoch, 0, 2 ** 20)) throw new RangeError('startEpoch must be a whole number from 0 to 2^20');
  if (options.shard && !(whole(options.shard.count, 1, 4096) && whole(options.shard.index, 0, options.shard.count - 1)))
    throw new RangeError('a shard is an index from 0 to count - 1 of a count from 1 to 4096');
}

/** Samples of a dataset folder, epoch by epoch. */
export function* sampleStream(dir: string, options: SampleStreamOptions): Generator<StreamedSample> {
  check(options);
  const manifest: DatasetManifest = readManifest(dir);
  const tokenizer = Tokenizer.load(manifest.encoder.name);
  const split = options.split ?? 'train';
  const pieces = manifest.pieces.filter((p) => split === 'all' || p.split === split);
  if (!pieces.length) throw new RangeError(`the dataset has no ${split} pieces`);
  const { seed: _seed, split: _split, epochs: _epochs, startEpoch: _start, onSkip: _onSkip, shard, ...samplingOptions } = options;
  const first = options.startEpoch ?? 0;
  for (let epoch = first; epoch < first + (options.epochs ?? 1); epoch++) {
    const order = orderOf(pieces.length, options.seed, epoch);
    for (let index = shard?.index ?? 0; index < order.length; index += shard?.count ?? 1) {
      const piece = pieces[order[index]!]!;
      let sample: TrainingSample;
      try {
        const seed = sampleSeed(options.seed, epoch, index);
        const genre = genreOf(piece, tokenizer, seed);
        sample = trainingSample(tokenizer, withNomml(Score.fromMidi(readPiece(dir, piece)), piece.nomml), genre >= 0 ? { ...samplingOptions, genre } : samplingOptions, seed);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENCODE') throw error; // bad options or a damaged dataset stop the stream
        options.onSkip?.(piece, error as Error);
        continue;
      }
      yield { epoch, index, piece, sample };
    }
  }
}

/** One sample framed for a pipe: a little-endian uint32 length, then that many uint16 token ids. */
export function frameSample(tokens: Int32Array, vocabSize: number): Uint8Array {
  if (vocabSize > 0x10000) throw new RangeError(`a vocabulary of ${vocabSize} does not fit uint16 token ids`);
  const out = new Uint8Array(4 + 2 * tokens.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, tokens.length, true);
  for (let i = 0; i < tokens.length; i++) view.setUint16(4 + 2 * i, tokens[i]!, true);
  return out;
}

/** Splits framed samples back into token arrays (the trainer's side, for tests and tools). */
export function* readFramedSamples(bytes: Uint8Array): Generator<Uint16Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new RangeError('a framed sample is cut short');
    const n = view.getUint32(at, true);
    if (at + 4 + 2 * n > bytes.length) throw new RangeError('a framed sample is cut short');
    const tokens = new Uint16Array(n);
    for (let i = 0; i < n; i++) tokens[i] = view.getUint16(at + 4 + 2 * i, true);
    yield tokens;
    at += 4 + 2 * n;
  }
}
