// `midigpt infill INPUT -o OUTPUT --track N --bars 4-7 [...]`: new music for
// chosen bars of chosen tracks; every other bar and track is context.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addGenerationOptions, attributesFrom, configFrom, controlsFrom, parseBars, runGeneration, type SamplingFlags } from './generation.js';
import { loadScore } from './score.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerInfill(program: Command): void {
  addGenerationOptions(
    program
      .command('infill')
      .description('generate new music for chosen bars of chosen tracks (the rest is context)')
      .argument('<input>', 'a .mid file, or a score .json; - reads standard input')
      .option('-t, --track <n>', 'a track to infill (repeatable; pair each with --bars)', collect, [])
      .option('-b, --bars <bars>', 'its bars: 4-7, 2,3 or 1,4-6 (repeatable, in --track order)', collect, []),
  )
    .addHelpText(
      'after',
      `
Examples:
  midigpt infill song.mid -o out.mid --track 1 --bars 4-7 --model model.onnx
  midigpt infill song.mid -o out.mid -t 0 -b 2,3 -t 2 -b 8-11 --seed 7 --variations 3
  midigpt infill song.mid -o out.mid -t 1 -b 4-7 --attr max_polyphony=2 --mask-mode attention`,
    )
    .action(async (input: string, flags: SamplingFlags & { track: string[]; bars: string[] }) => {
      if (flags.track.length === 0) throw new UsageError('name at least one --track with its --bars');
      if (flags.track.length !== flags.bars.length) throw new UsageError('give one --bars for every --track, in the same order');
      const score = await loadScore(input);
      const targets = new Map<number, number[]>();
      flags.track.forEach((t, i) => {
        const id = Number(t);
        if (!/^\d+$/.test(t) || id >= score.tracks.length)
          throw new UsageError(`--track ${t}: the score has tracks 0 to ${score.tracks.length - 1}`);
        targets.set(id, [...(targets.get(id) ?? []), ...parseBars(flags.bars[i]!)]);
      });
      const attributes = attributesFrom(flags);
      const tracks = score.tracks.map((_, id) => ({
        id,
        bars: targets.get(id) ?? [],
        ...(targets.has(id) && Object.keys(attributes).length ? { attributes } : {}),
        ...(targets.has(id) ? controlsFrom(flags) : {}),
      }));
      await runGeneration(input, score, { tracks, config: configFrom(flags) }, flags);
    });
}
