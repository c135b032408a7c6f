// Access to the reference's parity data in ../shared/parity (beside the checkout).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const parityDir = process.env.MIDIGPT_PARITY_DIR ?? path.resolve(repoRoot, '../shared/parity');

// Checked when a suite reads the data, not at import: suites that only need
// `repoRoot` run without it, and a parity suite says what is missing.
function requireParity(what: string): void {
  if (!existsSync(parityDir))
    throw new Error(
      `this test needs the reference's parity data (${what}), not found at ${parityDir}; set MIDIGPT_PARITY_DIR or check out shared/ beside the repository`,
    );
}

export function parityFile<T = unknown>(name: string): T {
  requireParity(name);
  const raw = readFileSync(path.join(parityDir, name));
  return JSON.parse((name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as T;
}

export function parityMidiFiles(): string[] {
  requireParity('midi/');
  return readdirSync(path.join(parityDir, 'midi'))
    .filter((f) => f.endsWith('.mid'))
    .sort();
}

export function parityMidiPath(name: string): string {
  requireParity(`midi/${name}`);
  return path.join(parityDir, 'midi', name);
}

/** One encoded window of the reference's encode_<config>.json.gz: how it was encoded and its token ids. */
export interface ReferenceWindow<Decoded = unknown> {
  W: number;
  start: number;
  variant: 'plain' | 'multi_fill' | 'piece_controls';
  multi_fill?: Array<[number, number]>;
  use_velocity?: number;
  use_microtiming?: number;
  genre?: number;
  tokens: number[];
  decoded: Decoded;
  decoded_raw: Decoded;
  error?: string;
}

/** The reference MidiReader's dump: a note pool plus per-bar note indices. */
export interface ReferenceReaderDump {
  resolution: number;
  tempo: number;
  notes: number[][];
  tracks: Array<{
    instrument: number;
    type: 'Melodic' | 'Drum';
    attributes: Record<string, number>;
    bars: Array<{ ts: [number, number]; beat_length: number; has_notes: boolean; future: boolean; note_indices: number[] }>;
  }>;
}

export interface ReferenceReaderFile {
  midigpt_reader_res480: ReferenceReaderDump;
  symusic_raw: {
    ticks_per_quarter: number;
    tempos: number[][];
    time_signatures: number[][];
    key_signatures: number[][];
    tracks: Array<{ name: string; program: number; is_drum: boolean; notes: number[][] }>;
  };
}

/** The reference dump in the score-dict shape, notes resolved from the pool. */
export function referenceScore(dump: ReferenceReaderDump) {
  return {
    resolution: dump.resolution,
    tempo: dump.tempo,
    tracks: dump.tracks.map((t) => ({
      instrument: t.instrument,
      track_type: t.type === 'Drum' ? 'drum' : 'melodic',
      attributes: t.attributes,
      bars: t.bars.map((b) => ({
        ts: b.ts,
        beat_length: b.beat_length,
        future: b.future,
        notes: b.note_indices.map((i) => dump.notes[i]),
      })),
    })),
  };
}

/** One run of tiny_model_greedy_sessions.json: the request, and each step's prompt and generated tokens. */
export interface GreedyRun<Score = unknown> {
  file: string;
  request: string;
  tracks: Array<{ id: number; bars: number[]; autoregressive?: boolean }>;
  mask_mode: string;
  inference_config: Record<string, unknown>;
  steps: Array<{ context_tokens: number[]; generated_tokens: number[] }>;
  input_score: Score;
}

/** Prints a small table after a parity suite; vitest shows it in the run's output. */
export function printParityReport(title: string, rows: Array<[string, number, number]>): void {
  const lines = rows.map(([what, ok, total]) => `  ${what.padEnd(40)} ${String(ok).padStart(4)} / ${total}${ok === total ? '' : '  MISMATCH'}`);
  console.log(`\n${title}\n${lines.join('\n')}\n`);
}
