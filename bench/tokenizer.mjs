// Tokenizer throughput over ../shared/parity/midi with the yellow encoder:
// every window of W=4 and W=8 bars (starts 0, W, 2W, ... inside the piece),
// as in ../shared/perf/reference.md. Medians of several rounds.
// Reference (35 files there, 28 here; compare rates, not totals):
//   user path (read MIDI + windows + attributes + encode): 280 k tok/s, 7.7 files/s
//   Tokenizer.encode only: 512 k tok/s;  MIDI read: 48.8 files/s
//   decode, user path: 3.06 M tok/s
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Score, Tokenizer } from '@midigpt/core';

const dir = process.env.MIDIGPT_PARITY_DIR ? path.join(process.env.MIDIGPT_PARITY_DIR, 'midi') : path.resolve('../shared/parity/midi');
const files = readdirSync(dir).filter((f) => f.endsWith('.mid')).map((f) => readFileSync(path.join(dir, f)));
const tokenizer = Tokenizer.load('yellow');
const rounds = Number(process.env.ROUNDS ?? 5);

function windowsOf(score) {
  const tracks = score.summary().tracks;
  const bars = tracks.length ? Math.min(...tracks.map((t) => t.bars)) : 0;
  const out = [];
  for (const W of [4, 8]) for (let start = 0; start + W <= bars; start += W) out.push([start, W]);
  return out;
}

function median(fn) {
  const times = [];
  let result;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(rounds / 2)], result };
}

const userPath = median(() => {
  let tokens = 0;
  for (const bytes of files) {
    const score = Score.fromMidi(bytes);
    for (const [start, W] of windowsOf(score)) tokens += tokenizer.encode(score.window(start, W), { windowBars: W }).tokens.length;
  }
  return tokens;
});
const read = median(() => files.map((b) => Score.fromMidi(b)));
const windows = read.result.flatMap((score) => windowsOf(score).map(([start, W]) => ({ window: score.window(start, W), W })));
const encodeOnly = median(() => windows.reduce((n, { window, W }) => n + tokenizer.encode(window, { windowBars: W }).tokens.length, 0));
const prepared = windows.map(({ window, W }) => ({ window: tokenizer.prepare(window), W }));
const bareEncode = median(() =>
  prepared.reduce((n, { window, W }) => n + tokenizer.encode(window, { windowBars: W, computeAttributes: false }).tokens.length, 0),
);
const sequences = prepared.map(({ window, W }) => tokenizer.encode(window, { windowBars: W, computeAttributes: false }).tokens);
const decode = median(() => sequences.reduce((n, t) => (tokenizer.decode(t), n + t.length), 0));
const decodeJson = median(() => sequences.reduce((n, t) => (tokenizer.decode(t).toJSON(), n + t.length), 0));

const rate = (count, ms) => `${((count / ms) * 1000 / 1e6).toFixed(2)} M tok/s`;
console.log(`${files.length} files, ${windows.length} windows, ${userPath.result} tokens (yellow), median of ${rounds}`);
console.log(`user path: read MIDI + windows + attributes + encode   ${rate(userPath.result, userPath.ms)}  ${(files.length / (userPath.ms / 1000)).toFixed(1)} files/s`);
console.log(`MIDI read (Score.fromMidi)                             ${(files.length / (read.ms / 1000)).toFixed(1)} files/s`);
console.log(`encode with attributes (Tokenizer.encode)               ${rate(encodeOnly.result, encodeOnly.ms)}`);
console.log(`encode of prepared windows (no attributes, via JS)     ${rate(bareEncode.result, bareEncode.ms)}`);
console.log(`decode (to a native Score)                             ${rate(decode.result, decode.ms)}`);
console.log(`decode + toJSON                                        ${rate(decodeJson.result, decodeJson.ms)}`);
