// `midigpt generate INPUT|--empty BARS -o OUTPUT --program 33`: a new track
// written against the others, or the continuation of an existing one.
import type { Command } from 'commander';
import { Score, type ScoreJSON } from '@midigpt/core';
import { UsageError } from '../errors.js';
import { addGenerationOptions, attributesFrom, configFrom, parseBars, runGeneration, type SamplingFlags } from './generation.js';
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
      .argument('[input]', 'a .mid file, or a score .json (or use --empty)')
      .option('--empty <bars>', 'start from nothing: this many bars of 4/4', (v: string) => Number(v))
      .option('--program <n>', 'General MIDI program of the new track (0-127)', (v: string) => Number(v), 0)
      .option('--drums', 'the new track is a drum track')
      .option('--track <n>', 'continue this existing track instead of adding one', (v: string) => Number(v))
      .option('--bars <bars>', 'the bars to write: a suffix such as 8-15 (default: all bars)'),
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
      let json: ScoreJSON;
      let agent: number;
      if (input) {
        json = loadScore(input).toJSON();
        if (flags.track !== undefined && (!Number.isInteger(flags.track) || flags.track < 0 || flags.track >= json.tracks.length))
          throw new UsageError(`--track ${flags.track}: the score has tracks 0 to ${json.tracks.length - 1}`);
      } else {
        json = { resolution: 480, tempo: 500000, tempos: [], key_signatures: [], tracks: [] };
      }
      const nBars = json.tracks[0]?.bars.length ?? flags.empty!;
      if (flags.track !== undefined) {
        agent = flags.track;
      } else {
        const template = json.tracks[0]?.bars ?? Array.from({ length: nBars }, () => ({ ts: [4, 4] as [number, number], beat_length: 4, future: false, notes: [] }));
        json.tracks.push({
          name: 'generated',
          instrument: flags.program,
          track_type: flags.drums ? 'drum' : 'melodic',
          attributes: {},
          bars: template.map((b) => ({ ts: b.ts, beat_length: b.beat_length, future: false, notes: [] })),
        });
        agent = json.tracks.length - 1;
      }
      const score = Score.fromJSON(json);
      const bars = flags.bars ? parseBars(flags.bars) : [];
      const attributes = attributesFrom(flags);
      const tracks = json.tracks.map((_, id) =>
        id === agent ? { id, bars, autoregressive: true, ...(Object.keys(attributes).length ? { attributes } : {}) } : { id, bars: [] },
      );
      await runGeneration(input, score, { tracks, config: configFrom(flags) }, flags);
    });
}
