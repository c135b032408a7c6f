// `midigpt score FILE`: read a MIDI (or score JSON) file and print the score,
// as JSON or as a readable summary.
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_RESOLUTION, Score, type ScoreInput } from '@midigpt/core';
import { parseJsonFile } from '../errors.js';
import { formatSummary } from '../format.js';
import { parseResolution } from '../options.js';

// Standard input is read once, however many times a command loads it. It is
// read through the process.stdin stream: on Node 20 a synchronous read of
// fd 0 after the addon has loaded breaks later ESM resolution of symlinked
// packages (the model loader's dependencies fail to import).
let stdin: Promise<Buffer> | undefined;
const MAX_INPUT_BYTES = 256 << 20;

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw new Error(`standard input is over ${MAX_INPUT_BYTES >> 20} MiB; inputs that large are not accepted`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The bytes of an input file; `-` is standard input. */
async function readInput(file: string): Promise<Buffer> {
  if (file === '-') return (stdin ??= readStdin());
  const size = statSync(file).size;
  if (size > MAX_INPUT_BYTES) throw new Error(`${file} is ${size} bytes; inputs over ${MAX_INPUT_BYTES >> 20} MiB are not accepted`);
  return readFileSync(file);
}

// A score JSON by its name, or by its content ("{" where a MIDI file has "MThd").
function isScoreJson(file: string, bytes: Buffer): boolean {
  if (file.toLowerCase().endsWith('.json')) return true;
  if (bytes.subarray(0, 4).toString('latin1') === 'MThd') return false;
  return bytes.toString('latin1', 0, 64).trimStart().startsWith('{');
}

/**
 * Reads a MIDI file at `resolution` (default 480), or a score JSON, resampled only when asked.
 * `-` reads standard input; MIDI and JSON are told apart by content.
 */
export async function loadScore(file: string, resolution?: number): Promise<Score> {
  const bytes = await readInput(file);
  const name = file === '-' ? 'standard input' : file;
  if (isScoreJson(file, bytes)) {
    const score = Score.fromJSON(parseJsonFile(name, bytes.toString('utf8')) as ScoreInput);
    return resolution === undefined || score.resolution === resolution ? score : score.resample(resolution);
  }
  return Score.fromMidi(bytes, { resolution: resolution ?? DEFAULT_RESOLUTION });
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('read a MIDI file into the score model and print it')
    .argument('<file>', 'a .mid file, or a score .json; - reads standard input')
    .option('-r, --resolution <ticks>', `ticks per quarter note of the score grid (default ${DEFAULT_RESOLUTION} for MIDI)`, parseResolution)
    .option('--json', 'print the score as JSON (the interchange format) instead of a summary')
    .addHelpText(
      'after',
      `
Examples:
  midigpt score song.mid                   tracks, bars and notes at a glance
  midigpt score song.mid --json > s.json   the full score, notes per bar
  midigpt score song.mid -r 12 --json      on the 12-ticks-per-quarter grid of the encoders
  cat song.mid | midigpt score -           standard input (MIDI or score JSON)`,
    )
    .action(async (file: string, options: { resolution?: number; json?: boolean }) => {
      const score = await loadScore(file, options.resolution);
      process.stdout.write(options.json ? `${JSON.stringify(score.toJSON())}\n` : formatSummary(file, score.summary()));
    });
}
