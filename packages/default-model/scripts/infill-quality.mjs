// Infill quality of a model on a dataset's held-out pieces: N seeded infills,
// each replacing 2 bars of one track inside an 8-bar window, measured against
// the real bars they replaced and the context around them.
//
//   node packages/default-model/scripts/infill-quality.mjs MODEL.onnx DATASET_DIR [--count 100] [--out FILE.json]
//
// Measures (per infill, then averaged):
// - pitch-class overlap: histogram intersection (0-1) of the infilled notes'
//   pitch classes with the context's (every other note in the window), beside
//   the same number of notes with random pitch classes;
// - in-key fraction: share of infilled notes whose pitch class is one of the
//   context's 7 most frequent (its scale);
// - density (notes per bar) and polyphony (notes sounding at each onset) of
//   infilled vs real bars, with their correlation across infills;
// - degenerate infills: bars left empty where the real ones had notes, or a
//   single pitch repeated (4 notes or more).
// The real bars get the same pitch measures, as the ceiling to compare with.
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Score } from '@midigpt/core';
import { readManifest, readPiece } from '@midigpt/dataset';
import { InferenceEngine } from '@midigpt/inference';
import { mean, pearson, random } from './stats.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { count: { type: 'string', default: '100' }, out: { type: 'string' }, threads: { type: 'string', default: '2' } },
});
if (positionals.length !== 2) {
  console.error('usage: infill-quality.mjs MODEL.onnx DATASET_DIR [--count N] [--out FILE.json]');
  process.exit(2);
}
const [modelPath, dataDir] = positionals;
const count = Number(values.count);
const WINDOW = 8;
const INFILL_BARS = 2;

function pitchClassHistogram(notes) {
  const h = new Array(12).fill(0);
  for (const n of notes) h[n[0] % 12] += 1;
  const total = notes.length || 1;
  return h.map((c) => c / total);
}
const overlap = (p, q) => p.reduce((s, v, i) => s + Math.min(v, q[i]), 0);
function scaleOf(histogram) {
  return new Set(histogram.map((v, pc) => [v, pc]).sort((a, b) => b[0] - a[0]).slice(0, 7).map(([, pc]) => pc));
}
/** The overlap the same number of notes with uniformly random pitch classes gets (mean of 20 draws): the floor. */
function randomOverlap(count, contextHistogram, rand) {
  let total = 0;
  for (let draw = 0; draw < 20; draw++) {
    const notes = Array.from({ length: count }, () => [Math.floor(rand() * 12)]);
    total += overlap(pitchClassHistogram(notes), contextHistogram);
  }
  return total / 20;
}
const inKey = (notes, scale) => (notes.length ? notes.filter((n) => scale.has(n[0] % 12)).length / notes.length : NaN);

/** Mean number of notes sounding at each distinct onset of one bar. */
function polyphony(notes) {
  const onsets = [...new Set(notes.map((n) => n[2]))];
  if (!onsets.length) return NaN;
  return mean(onsets.map((t) => notes.filter((n) => n[2] <= t && t < n[2] + Math.max(1, n[3])).length));
}

const manifest = readManifest(dataDir);
const heldOut = manifest.pieces.filter((p) => p.split === 'validation');
if (!heldOut.length) throw new Error(`${dataDir} has no validation pieces`);

const engine = await InferenceEngine.fromOnnx(modelPath, { threads: Number(values.threads) });
const records = [];
const started = performance.now();
for (let i = 0; i < count; i++) {
  const piece = heldOut[i % heldOut.length];
  const rand = random(1000 + i);
  const full = Score.fromMidi(readPiece(dataDir, piece));
  const start = Math.floor(rand() * Math.max(1, full.summary().bars - WINDOW));
  const window = full.window(start, WINDOW);
  const json = window.toJSON();
  // A track with notes in the bars to replace, so there is something real to compare with.
  const first = 1 + Math.floor(rand() * (WINDOW - INFILL_BARS - 1));
  const bars = Array.from({ length: INFILL_BARS }, (_, k) => first + k);
  const candidates = json.tracks.map((t, id) => id).filter((id) => bars.some((b) => json.tracks[id].bars[b].notes.length));
  if (!candidates.length) continue;
  const track = candidates[Math.floor(rand() * candidates.length)];
  const request = { tracks: json.tracks.map((_, id) => ({ id, bars: id === track ? bars : [] })), config: { model_dim: WINDOW, seed: i } };
  const result = await engine.generate(window, request);
  const out = result.score.toJSON();

  const real = bars.map((b) => json.tracks[track].bars[b].notes);
  const generated = bars.map((b) => out.tracks[track].bars[b].notes);
  const context = json.tracks.flatMap((t, id) => t.bars.flatMap((bar, b) => (id === track && bars.includes(b) ? [] : bar.notes)));
  const contextHistogram = pitchClassHistogram(context);
  const scale = scaleOf(contextHistogram);
  const gen = generated.flat(), ref = real.flat();
  const emptyBars = generated.filter((notes, k) => notes.length === 0 && real[k].length > 0).length;
  const onePitch = gen.length >= 4 && new Set(gen.map((n) => n[0])).size === 1;
  records.push({
    piece: path.basename(piece.source), start, track, bars,
    notes: { generated: gen.length, real: ref.length },
    pitchClassOverlap: { generated: gen.length ? overlap(pitchClassHistogram(gen), contextHistogram) : NaN, real: overlap(pitchClassHistogram(ref), contextHistogram) },
    randomOverlap: randomOverlap(Math.max(1, gen.length), contextHistogram, rand),
    inKey: { generated: inKey(gen, scale), real: inKey(ref, scale) },
    density: { generated: gen.length / INFILL_BARS, real: ref.length / INFILL_BARS },
    polyphony: { generated: mean(generated.map(polyphony).filter(Number.isFinite)), real: mean(real.map(polyphony).filter(Number.isFinite)) },
    emptyBars,
    degenerate: emptyBars === real.filter((n) => n.length).length || onePitch,
  });
  if (process.stderr.isTTY) process.stderr.write(`\rinfill ${i + 1}/${count}`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
await engine.release();

const finite = (xs) => xs.filter(Number.isFinite);
const side = (pick) => ({
  generated: mean(finite(records.map((r) => pick(r).generated))),
  real: mean(finite(records.map((r) => pick(r).real))),
});
const both = records.filter((r) => Number.isFinite(r.polyphony.generated) && Number.isFinite(r.polyphony.real));
const summary = {
  model: path.basename(modelPath),
  infills: records.length,
  bars_per_infill: INFILL_BARS,
  window_bars: WINDOW,
  held_out_pieces: new Set(records.map((r) => r.piece)).size,
  seconds: (performance.now() - started) / 1000,
  pitch_class_overlap: side((r) => r.pitchClassOverlap),
  // What as many notes of uniformly random pitch would score: the floor to compare with.
  random_pitch_class_overlap: mean(records.map((r) => r.randomOverlap)),
  uniform_in_key_fraction: 7 / 12,
  in_key_fraction: side((r) => r.inKey),
  notes_per_bar: side((r) => r.density),
  notes_per_bar_correlation: pearson(records.map((r) => r.density.generated), records.map((r) => r.density.real)),
  polyphony: side((r) => r.polyphony),
  polyphony_correlation: pearson(both.map((r) => r.polyphony.generated), both.map((r) => r.polyphony.real)),
  empty_bar_fraction: records.reduce((s, r) => s + r.emptyBars, 0) / (records.length * INFILL_BARS),
  degenerate_fraction: records.filter((r) => r.degenerate).length / records.length,
};
const report = JSON.stringify({ summary, records }, null, 1);
if (values.out) {
  writeFileSync(`${values.out}.tmp`, report);
  renameSync(`${values.out}.tmp`, values.out);
}
console.log(JSON.stringify(summary, null, 1));
