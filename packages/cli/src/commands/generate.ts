// `midigpt generate INPUT|--empty BARS -o OUTPUT --program 33`: a new track
// written against the others, or the continuation of an existing one.
import type { Command } from 'commander';
import { Score, type TrackJSON } from '@midigpt/core';
import { UsageError } from '../errors.js';
import { addGenerationOptions, attributesFrom, configFrom, controlsFrom, parseBars, runGeneration, type SamplingFlags } from './generation.js';
import { loadScore } from './score.js';

interface GenerateFlags extends SamplingFlags {
  empty?: number;
  program: number;
  drums?: boolean;
  track?: number;
  bars?: string;
}

export function registerGenerate(program: Command): void {
  addGenerationOptions(
    program
      .command('generate')
      .description('write a new track against the existing ones (or continue a track)')
      .argument('[input]', 'a .mid file, or a score .json; - reads standard input (or use --empty)')
      .option('--empty <bars>', 'start from nothing: this many bars of 4/4', (v: string) => Number(v))
      .option('--program <n>', 'General MIDI program of the new track (0-127)', (v: string) => Number(v), 0)
      .option('--drums', 'the new track is a drum track')
      .option('--track <n>', 'continue this existing track instead of adding one', (v: string) => Number(v))
      .option('--bars <bars>', 'the bars to write, e.g. 8-15 (default: all bars); bars that run to the last bar continue the track, others are infilled'),
  )
    .addHelpText(
      'after',
      `
Examples:
  midigpt generate song.mid -o with-bass.mid --program 33 --model model.onnx
  midigpt generate song.mid -o drums.mid --drums --bars 8-15
  midigpt generate --empty 8 -o sketch.mid --program 0 --seed 3`,
    )
    .action(async (input: string | undefined, flags: GenerateFlags) => {
      if (!input && flags.empty === undefined) throw new UsageError('give an input file or --empty BARS');
      if (input && flags.empty !== undefined) throw new UsageError('give either an input file or --empty, not both');
      if (!Number.isInteger(flags.program) || flags.program < 0 || flags.program > 127) throw new UsageError('--program must be from 0 to 127');
      if (flags.empty !== undefined && (!Number.isInteger(flags.empty) || flags.empty < 1 || flags.empty > 1024))
        throw new UsageError('--empty must be a number of bars from 1 to 1024');
      let score: Score;
      let agent: number;
      if (!input) {
        if (flags.track !== undefined) throw new UsageError('--track continues a track of an input file; --empty starts from nothing');
        score = Score.fromJSON({ resolution: 480, tempo: 500000, tempos: [], key_signatures: [], tracks: [newTrackJson(flags, flags.empty!)] });
        agent = 0;
      } else if (flags.track !== undefined) {
        score = await loadScore(input);
        if (!Number.isInteger(flags.track) || flags.track < 0 || flags.track >= score.tracks.length)
          throw new UsageError(`--track ${flags.track}: the score has tracks 0 to ${score.tracks.length - 1}`);
        agent = flags.track;
      } else {
        // A MIDI input keeps its own events: the new track becomes a new MIDI track.
        score = (await loadScore(input)).addTrack({ instrument: flags.program, track_type: flags.drums ? 'drum' : 'melodic', name: 'generated' });
        agent = score.tracks.length - 1;
      }
      const nBars = score.tracks[agent]!.bars.length;
      const bars = flags.bars ? parseBars(flags.bars) : [];
      const outside = bars.find((b) => b >= nBars);
      if (outside !== undefined) throw new UsageError(`--bars ${flags.bars}: the score has bars 0 to ${nBars - 1}`);
      const attributes = attributesFrom(flags);
      const prompt = { id: agent, bars, autoregressive: continues(bars, nBars), ...(Object.keys(attributes).length ? { attributes } : {}), ...controlsFrom(flags) };
      const tracks = score.tracks.map((_, id) => (id === agent ? prompt : { id, bars: [] }));
      await runGeneration(input, score, { tracks, config: configFrom(flags) }, flags);
    });
}

/**
 * How the bars are generated: the whole track, or bars that run to its last bar, continue it
 * (autoregressive, as the reference); any other bars (8-15 of 61) are infilled, so the rest of
 * the track stays as it is (empty, for a new track).
 */
function continues(bars: number[], nBars: number): boolean {
  if (bars.length === 0) return true;
  const sorted = [...new Set(bars)].sort((a, b) => a - b);
  return sorted[sorted.length - 1] === nBars - 1 && sorted.every((b, i) => i === 0 || b === sorted[i - 1]! + 1);
}

function newTrackJson(flags: Pick<GenerateFlags, 'program' | 'drums'>, bars: number): TrackJSON {
  return {
    name: 'generated',
    instrument: flags.program,
    track_type: flags.drums ? 'drum' : 'melodic',
    attributes: {},
    bars: Array.from({ length: bars }, () => ({ ts: [4, 4] as [number, number], beat_length: 4, future: false, notes: [] })),
  };
}
