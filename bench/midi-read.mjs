// MIDI reading throughput over ../shared/parity/midi (median of 9 rounds).
// Compare with ../shared/perf/reference.md: Score.from_midi 48.8 files/s,
// the reference's C++ reader alone 103 files/s. Run: pnpm bench
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMidiEvents, Score } from '@midigpt/core';

const dir = process.env.MIDIGPT_PARITY_DIR ? path.join(process.env.MIDIGPT_PARITY_DIR, 'midi') : path.resolve('../shared/parity/midi');
const files = readdirSync(dir).filter((f) => f.endsWith('.mid')).map((f) => readFileSync(path.join(dir, f)));

function median(fn, rounds = 9) {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (const bytes of files) fn(bytes);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

const rows = [
  ['SMF parse only (parseMidiEvents)', (b) => parseMidiEvents(b)],
  ['Score.fromMidi (480, native score)', (b) => Score.fromMidi(b)],
  ['Score.fromMidi + toJSON', (b) => Score.fromMidi(b).toJSON()],
];
console.log(`${files.length} files`);
for (const [label, fn] of rows) {
  const ms = median(fn);
  console.log(`${label.padEnd(40)} ${(files.length / (ms / 1000)).toFixed(0).padStart(6)} files/s  (${ms.toFixed(1)} ms per pass)`);
}
