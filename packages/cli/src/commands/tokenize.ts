// `midigpt tokenize INPUT --encoder NAME --window START:BARS`: the tokens a
// model sees for a window of bars, exactly as the reference encodes them.
import type { Command } from 'commander';
import { Tokenizer } from '@midigpt/core';
import { UsageError } from '../errors.js';
import { formatTokens } from '../format.js';
import { loadScore } from './score.js';

interface Window {
  start: number;
  bars: number;
}

export function parseWindow(value: string): Window {
  const m = /^(\d+):(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1) throw new UsageError(`--window must be START:BARS (for example 0:4), got "${value}"`);
  return { start: Number(m[1]), bars: Number(m[2]) };
}

export function parseCells(value: string): Array<[number, number]> {
  return value.split(',').map((cell) => {
    const m = /^(\d+):(\d+)$/.exec(cell.trim());
    if (!m) throw new UsageError(`--multi-fill takes TRACK:BAR pairs separated by commas (for example 0:1,2:3), got "${cell}"`);
    return [Number(m[1]), Number(m[2])];
  });
}

export function loadTokenizer(encoder: string): Tokenizer {
  return Tokenizer.load(encoder);
}

export function registerTokenize(program: Command): void {
  program
    .command('tokenize')
    .description('encode a window of bars into token ids, as the reference tokenizer does')
    .argument('<input>', 'a .mid file, or a score .json; - reads standard input')
    .requiredOption('-e, --encoder <name|path>', 'encoder config: yellow, prism, expressive, ghost, a *_config name, or a JSON file')
    .requiredOption('-w, --window <start:bars>', 'the bars to encode: [START, START+BARS) of every track', parseWindow)
    .option('--multi-fill <cells>', 'infill cells TRACK:BAR,... (bars counted inside the window)', parseCells)
    .option('--json', 'print {"tokens": [...], "vocab_size": N}')
    .addHelpText(
      'after',
      `
Examples:
  midigpt tokenize song.mid -e yellow -w 0:4            token names, one bar per line
  midigpt tokenize song.mid -e prism -w 8:8 --json      the ids a prism model would read
  midigpt tokenize song.mid -e yellow -w 0:4 --multi-fill 1:2,1:3`,
    )
    .action(async (input: string, options: { encoder: string; window: Window; multiFill?: Array<[number, number]>; json?: boolean }) => {
      const tokenizer = loadTokenizer(options.encoder);
      const sizes = tokenizer.numBarsMap();
      if (sizes && !sizes.includes(options.window.bars))
        throw new UsageError(
          `the ${options.encoder} encoder encodes windows of ${sizes.join(', ')} bars; --window ${options.window.start}:${options.window.bars} has ${options.window.bars}`,
        );
      const score = (await loadScore(input)).window(options.window.start, options.window.bars);
      const { tokens } = tokenizer.encode(score, {
        windowBars: options.window.bars,
        ...(options.multiFill ? { multiFill: options.multiFill } : {}),
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ tokens: Array.from(tokens), vocab_size: tokenizer.vocabSize })}\n`
          : formatTokens(tokens, tokenizer.tokenNames()),
      );
    });
}
