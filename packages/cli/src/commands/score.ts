// `midigpt score FILE`: read a MIDI (or score JSON) file and print the score,
// as JSON or as a readable summary.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_RESOLUTION, Score, type ScoreInput } from '@midigpt/core';
import { parseJsonFile } from '../errors.js';
import { formatSummary } from '../format.js';
import { parseResolution } from '../options.js';

/** Reads a .mid file at `resolution` (default 480), or a score .json, resampled only when asked. */
export function loadScore(file: string, resolution?: number): Score {
  if (file.toLowerCase().endsWith('.json')) {
    const score = Score.fromJSON(parseJsonFile(file, readFileSync(file, 'utf8')) as ScoreInput);
    return resolution === undefined || score.resolution === resolution ? score : score.resample(resolution);
  }
  return Score.fromMidi(file, { resolution: resolution ?? DEFAULT_RESOLUTION });
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('read a MIDI file into the score model and print it')
    .argument('<file>', 'a .mid file, or a score .json')
    .option('-r, --resolution <ticks>', `ticks per quarter note of the score grid (default ${DEFAULT_RESOLUTION} for MIDI)`, parseResolution)
    .option('--json', 'print the score as JSON (the interchange format) instead of a summary')
    .addHelpText(
      'after',
      `
Examples:
  midigpt score song.mid                 tracks, bars and notes at a glance
  midigpt score song.mid --json > s.json the full score, notes per bar
  midigpt score song.mid -r 12 --json    on the 12-ticks-per-quarter grid of the encoders`,
    )
    .action((file: string, options: { resolution?: number; json?: boolean }) => {
      const score = loadScore(file, options.resolution);
      process.stdout.write(options.json ? `${JSON.stringify(score.toJSON())}\n` : formatSummary(file, score.summary()));
    });
}
