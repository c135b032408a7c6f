// A live session driven over UDP at 120 BPM in 4/4 (2 s per bar) for 32 bars:
// latency from each /bar/end to the generated/close of the bar it scheduled
// (bar + 1 + lookahead), p50/p95/p99/max, and the bars that arrived after their
// own start ("late") or were skipped. Human tracks: PIANO and BRIDGE of
// examples/pop909-032.mid (bars 8-39), agent: a bass (GM 33); defaults
// lookahead_bars 1, buffer_bars 4, model_dim 8.
//
// Models: the embedded default model (int8) and the reference's small
// (512/6/8) and medium (768/12/12) shapes with random weights, fp32 and int8
// (silence/novelty checks off and density_hard_limit 12 for those: random
// weights write anything, and never end a bar on their own).
// Run: pnpm bench:realtime [default|small-fp32|small-int8|medium-fp32|medium-int8 ...]
// BAR_MS=2000 (time scale: a smaller value plays faster), BARS=32, THREADS=2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Score } from '@midigpt/core';
import { convertToOnnx } from '@midigpt/inference';
import { defaultModelPath } from '@midigpt/default-model';
import { createOscServer, decodeDatagram, encodeMessage } from '@midigpt/server';
import { randomCheckpoint, SHAPES } from '../../../bench/random-checkpoint.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BAR_MS = Number(process.env.BAR_MS ?? 2000);
const BARS = Number(process.env.BARS ?? 32);
const THREADS = Number(process.env.THREADS ?? 2);


const i = (value) => ({ type: 'i', value });
const f = (value) => ({ type: 'f', value });
const s = (value) => ({ type: 's', value });
const sleepUntil = (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())));
const percentile = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] : NaN);

function humanBars() {
  const json = Score.fromMidi(path.join(root, 'examples', 'pop909-032.mid')).toJSON();
  return Array.from({ length: BARS }, (_, k) => {
    const bar = 8 + (k % 40);
    return [
      [0, json.tracks[2]],
      [1, json.tracks[1]],
    ].flatMap(([track, t]) => {
      const b = t.bars[bar];
      const ticks = (b.ts[0] * 4 * json.resolution) / b.ts[1];
      return b.notes.map(([pitch, velocity, onset, duration]) => [track, pitch, velocity, Math.min(onset / ticks, 0.999), Math.min(Math.max(duration / ticks, 0.01), 4)]);
    });
  });
}

async function session(modelFile, randomWeights) {
  const server = await createOscServer({ model: modelFile, port: 0, threads: THREADS });
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const closes = new Map();
  const skipped = new Set();
  const errors = [];
  socket.on('message', (data) => {
    const now = performance.now();
    const messages = decodeDatagram(data);
    if (!Array.isArray(messages)) return;
    for (const m of messages) {
      if (m.address === '/midigpt/generated/close') closes.set(m.args[1], { at: now, inferenceMs: m.args[2] });
      if (m.address === '/midigpt/generated/skipped') skipped.add(m.args[0]);
      if (m.address === '/midigpt/error') errors.push(m.args[1]);
    }
  });
  const send = (address, ...args) => socket.send(encodeMessage(address, args), server.address.port, '127.0.0.1');
  send('/midigpt/session/init', s('bench'));
  send('/midigpt/track/create', i(0), i(0), i(10), i(0));
  send('/midigpt/track/create', i(1), i(0), i(10), i(0));
  send('/midigpt/track/create', i(2), i(33), i(10), i(1));
  if (randomWeights) {
    send('/midigpt/param/set', s('silence_check'), i(0));
    send('/midigpt/param/set', s('novelty_check'), i(0));
    // Random weights never choose to end a bar: at most 12 notes, about what a trained model writes.
    send('/midigpt/param/set', s('density_hard_limit'), i(12));
  }
  send('/midigpt/session/start');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const bars = humanBars();
  const t0 = performance.now();
  const barEnds = [];
  for (let bar = 0; bar < BARS; bar++) {
    await sleepUntil(t0 + (bar + 1) * BAR_MS);
    for (const [track, pitch, velocity, onset, duration] of bars[bar]) send('/midigpt/note', i(track), i(pitch), i(velocity), f(onset), f(duration), i(bar));
    send('/midigpt/bar/end', i(bar), i(4), i(4));
    barEnds[bar] = performance.now();
  }
  await sleepUntil(performance.now() + 3 * BAR_MS);
  socket.close();
  await server.close();
  // bar/end of bar b (playhead b + 1) schedules bar b + 2 (lookahead 1); bar T starts when bar T - 1 ends.
  const latencies = [];
  let late = 0;
  let missing = 0;
  const inference = [];
  for (let bar = 2; bar < BARS; bar++) {
    const target = bar + 2;
    const close = closes.get(target);
    if (!close) {
      missing++;
      continue;
    }
    latencies.push(close.at - barEnds[bar]);
    inference.push(close.inferenceMs);
    const start = t0 + target * BAR_MS;
    if (close.at > start) late++;
  }
  // `missing`: scheduled bars without a close (reported skipped, or never back).
  return { latencies, late, skipped: skipped.size, missing, errors, inference };
}

const CONFIGS = {
  default: { label: 'default (pop909-small), int8', file: () => defaultModelPath },
  'small-fp32': { label: 'small 512/6/8 random, fp32', shape: 'small' },
  'small-int8': { label: 'small 512/6/8 random, int8', shape: 'small', quantize: 'int8' },
  'medium-fp32': { label: 'medium 768/12/12 random, fp32', shape: 'medium' },
  'medium-int8': { label: 'medium 768/12/12 random, int8', shape: 'medium', quantize: 'int8' },
};

const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-bench-realtime-'));
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CONFIGS);
console.log(`${BARS} bars at ${(240_000 / BAR_MS).toFixed(0)} BPM 4/4 (${BAR_MS} ms per bar), lookahead 1, buffer 4, model_dim 8, ${THREADS} threads`);
console.log('| model | p50 ms | p95 ms | p99 ms | max ms | late | not generated | mean inference ms |');
console.log('|---|---|---|---|---|---|---|---|');
try {
  for (const name of names) {
    const config = CONFIGS[name];
    if (!config) throw new Error(`unknown configuration ${name} (${Object.keys(CONFIGS).join(', ')})`);
    let file;
    if (config.file) file = config.file();
    else {
      file = path.join(dir, `${name}.onnx`);
      writeFileSync(file, convertToOnnx(randomCheckpoint(SHAPES[config.shape]), config.quantize ? { quantize: config.quantize } : {}));
    }
    const r = await session(file, !config.file);
    const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
    const mean = r.inference.length ? r.inference.reduce((a, b) => a + b, 0) / r.inference.length : NaN;
    console.log(
      `| ${config.label} | ${fmt(percentile(r.latencies, 50))} | ${fmt(percentile(r.latencies, 95))} | ${fmt(percentile(r.latencies, 99))} | ${fmt(Math.max(...r.latencies))} | ${r.late} | ${r.missing} of ${BARS - 2} | ${fmt(mean)} |`,
    );
    if (r.errors.length) console.log(`  errors: ${[...new Set(r.errors)].slice(0, 3).join('; ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
