// What the generating commands (infill, generate, run) share: the sampling
// options, loading the model, running with a progress bar, and writing the
// results (atomically, never over the input; variations as OUTPUT-1, -2, ...).
import path from 'node:path';
import type { Command } from 'commander';
import type { Score } from '@midigpt/core';
import type { GenerationResult } from '@midigpt/inference';
import { UsageError } from '../errors.js';
import { integer, nonNegative, number } from '../options.js';
import { STDOUT, writeOutput } from '../output.js';
import { pianoRollSvg, renderPreview } from '../preview.js';
import { progressBar } from '../progress.js';
import { loadEngine } from './model.js';

export interface SamplingFlags {
  model?: string;
  threads?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  maskK?: number;
  maskP?: number;
  modelDim?: number;
  maskMode?: string;
  barsPerStep?: number;
  tracksPerStep?: number;
  polyphonyLimit?: number;
  densityLimit?: number;
  strictControls?: boolean;
  pitchRange?: [number, number];
  seed?: number;
  attempts?: number;
  attr: string[];
  variations: number;
  output: string;
  preview?: string;
  previewBars?: string;
  force?: boolean;
  json?: boolean;
  dropControllers?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function addGenerationOptions(command: Command): Command {
  return command
    .requiredOption('-o, --output <file>', 'where to write the result (.mid or .json; - for standard output: MIDI, or JSON for a JSON input)')
    .option('-m, --model <name|path>', 'an .onnx model, a .safetensors/.pt checkpoint, or a model name: default (the embedded pop909-small, used when --model is left out), yellow, yellow_small, prism_medium, expressive')
    .option('--temperature <t>', 'softmax temperature (default 1; 0 = greedy: always the most likely token)', nonNegative('--temperature'))
    .option('--top-k <k>', 'keep the k most likely tokens (0 = off)', integer('--top-k'))
    .option('--top-p <p>', 'nucleus sampling mass in (0, 1] (1 = off)', number('--top-p'))
    .option('--mask-k <k>', 'drop the k most likely tokens (0 = off)', integer('--mask-k'))
    .option('--mask-p <p>', 'drop the most likely tokens holding this mass (0 = off)', number('--mask-p'))
    .option('--model-dim <bars>', "window length in bars (one of the encoder's window sizes)", integer('--model-dim'))
    .option('--mask-mode <mode>', 'token, attention, attention_approx, attention_skip or remove')
    .option('--bars-per-step <n>', 'bars generated per step (default 1)', integer('--bars-per-step'))
    .option('--tracks-per-step <n>', 'tracks generated per step (default 1)', integer('--tracks-per-step'))
    .option('--polyphony-limit <n>', 'at most n notes per onset', integer('--polyphony-limit'))
    .option('--density-limit <n>', 'at most n notes per bar', integer('--density-limit'))
    .option('--strict-controls', 'enforce the --attr levels in every generated bar through the mask (docs/controls.md), not only ask the model')
    .option('--pitch-range <low-high>', 'generated notes only between these MIDI pitches, e.g. 28-55 (always enforced)', pitchRange)
    .option('--seed <n>', 'seed for reproducible results', integer('--seed'))
    .option('--attempts <n>', 'attempts per step before giving up (default 3)', integer('--attempts'))
    .option('--attr <name=value>', 'an attribute control for the generated tracks, e.g. max_polyphony=3 (repeatable)', collect, [])
    .option('--variations <k>', 'write k alternatives, best first (OUTPUT-1, OUTPUT-2, ...)', integer('--variations'), 1)
    .option('--preview <file>', 'also draw a piano roll of the result (.svg or .png), generated bars highlighted')
    .option('--preview-bars <bars>', 'draw only these bars, e.g. 8-19 (default: the whole piece)')
    .option('--drop-controllers', "in the generated bars, remove the track channel's controllers and pitch bend (default: keep them, e.g. a held pedal)")
    .option('--threads <n>', 'CPU threads for the model', integer('--threads'))
    .option('-f, --force', 'replace existing output files')
    .option('--json', 'print {"outputs", "steps", "tokens", "seconds", "warnings"}');
}

/** The request's `config`, from the flags that were given (snake_case, as the reference). */
export function configFrom(flags: SamplingFlags): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => value !== undefined && (config[key] = value);
  set('temperature', flags.temperature);
  set('top_k', flags.topK);
  set('top_p', flags.topP);
  set('mask_k', flags.maskK);
  set('mask_p', flags.maskP);
  set('model_dim', flags.modelDim);
  set('mask_mode', flags.maskMode);
  set('bars_per_step', flags.barsPerStep);
  set('tracks_per_step', flags.tracksPerStep);
  set('polyphony_hard_limit', flags.polyphonyLimit);
  set('density_hard_limit', flags.densityLimit);
  set('strict_controls', flags.strictControls);
  set('seed', flags.seed);
  set('max_attempts', flags.attempts);
  return config;
}

/** `--pitch-range 28-55`: two MIDI pitches, the lowest first. */
function pitchRange(value: string): [number, number] {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value);
  if (!m || Number(m[1]) > 127 || Number(m[2]) > 127 || Number(m[1]) > Number(m[2]))
    throw new UsageError(`--pitch-range takes two MIDI pitches 0-127, lowest first, e.g. 28-55; got "${value}"`);
  return [Number(m[1]), Number(m[2])];
}

/** The track controls of the generated tracks' prompts (only those given). */
export function controlsFrom(flags: SamplingFlags): { controls?: { pitch_range: [number, number] } } {
  return flags.pitchRange ? { controls: { pitch_range: flags.pitchRange } } : {};
}

/** `--attr name=value` pairs as an attributes map. */
export function attributesFrom(flags: SamplingFlags): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of flags.attr) {
    const m = /^([a-z_]+)=(-?\d+)$/.exec(pair);
    if (!m) throw new UsageError(`--attr takes name=value with a whole number, e.g. max_polyphony=3; got "${pair}"`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Parses bar lists like "4-7", "2,3" or "1,4-6" into bar numbers. */
export function parseBars(spec: string): number[] {
  const bars: number[] = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) throw new UsageError(`bars must look like 4-7 or 2,3 or 1,4-6; got "${spec}"`);
    for (let b = Number(m[1]); b <= Number(m[2] ?? m[1]); b++) bars.push(b);
  }
  return bars;
}

/** A bar range like 8-19 for --preview-bars, checked against the score's bars. */
export function barRange(spec: string, bars: number): [number, number] {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(spec);
  if (!m || Number(m[2]) < Number(m[1])) throw new UsageError(`--preview-bars takes a range like 8-19; got "${spec}"`);
  if (Number(m[1]) >= bars) throw new UsageError(`--preview-bars ${spec}: the score has bars 0 to ${bars - 1}`);
  return [Number(m[1]), Math.min(Number(m[2]), bars - 1)];
}

function outputPaths(output: string, count: number): string[] {
  if (count === 1) return [output];
  const ext = path.extname(output);
  return Array.from({ length: count }, (_, i) => `${output.slice(0, output.length - ext.length)}-${i + 1}${ext}`);
}

function checkOutputName(file: string, stdoutFormat: 'midi' | 'json' = 'midi'): 'midi' | 'json' {
  if (file === STDOUT) return stdoutFormat;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mid' || ext === '.midi') return 'midi';
  if (ext === '.json') return 'json';
  throw new UsageError(`${file}: the output must end in .mid, .midi or .json`);
}

// A MIDI input is written back over its own events: only the generated bars and new tracks change.
function encodeResult(score: Score, format: 'midi' | 'json', dropControllers: boolean): Uint8Array {
  return format === 'midi' ? score.toMidi({ dropControllers }) : new TextEncoder().encode(`${JSON.stringify(score.toJSON())}\n`);
}

/** Runs a request and writes the results; prints a summary (or JSON). */
export async function runGeneration(input: string | undefined, score: Score, request: unknown, flags: SamplingFlags): Promise<GenerationResult[]> {
  if (flags.variations < 1 || flags.variations > 64) throw new UsageError('--variations must be from 1 to 64');
  const toStdout = flags.output === STDOUT;
  if (toStdout && flags.variations > 1) throw new UsageError('-o - writes one result to standard output; give a file name for --variations');
  if (toStdout && flags.json) throw new UsageError('--json prints its report to standard output; give a file name with -o');
  const outputs = outputPaths(flags.output, flags.variations);
  // A JSON input gives JSON on standard output; MIDI (and --empty) give MIDI.
  const stdoutFormat = input !== undefined && !score.hasMidiSource ? 'json' : 'midi';
  const formats = outputs.map((file) => checkOutputName(file, stdoutFormat)); // refuse bad output names before the work
  if (flags.preview && !/\.(svg|png)$/i.test(flags.preview)) throw new UsageError(`${flags.preview}: the preview must end in .svg or .png`);
  const previewRange = flags.previewBars === undefined ? undefined : barRange(flags.previewBars, score.summary().bars);
  const engine = await loadEngine(flags.model, flags.threads);
  const bar = progressBar('steps');
  const started = performance.now();
  let results: GenerationResult[];
  try {
    results = await engine.generateVariations(score, request, flags.variations, {
      onProgress: (p) => bar.update(p.step + 1, p.steps, `${p.tokens} tokens, ${p.tokensPerSecond.toFixed(0)} tok/s`),
    });
  } finally {
    bar.stop();
    await engine.release();
  }
  const seconds = (performance.now() - started) / 1000;
  results.forEach((r, i) => writeOutput(outputs[i]!, encodeResult(r.score, formats[i]!, flags.dropControllers ?? false), { force: flags.force ?? false, inputs: input ? [input] : [] }));
  if (flags.preview) {
    const best = results[0]!;
    const generated = best.steps.flatMap((s) => s.step.bars_to_generate);
    const picture = await renderPreview(flags.preview, pianoRollSvg(best.score.toJSON(), generated, previewRange));
    writeOutput(flags.preview, picture, { force: flags.force ?? false, inputs: input ? [input] : [] });
  }
  const tokens = results.reduce((n, r) => n + r.steps.reduce((m, s) => m + s.generated.length, 0), 0);
  const warnings = [...new Set(results.flatMap((r) => r.warnings))];
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ outputs, preview: flags.preview ?? null, steps: results[0]!.steps.length, tokens, seconds: Number(seconds.toFixed(2)), warnings, log_likelihoods: results.map((r) => r.logLikelihood) })}\n`,
    );
  } else {
    for (const w of warnings) process.stderr.write(`midigpt: warning: ${w}\n`);
    const report = toStdout ? process.stderr : process.stdout; // standard output carries the result
    report.write(`${toStdout ? 'standard output' : outputs.join(', ')}: ${results[0]!.steps.length} step(s), ${tokens} tokens in ${seconds.toFixed(1)} s\n`);
    if (flags.preview) report.write(`preview: ${flags.preview}\n`);
  }
  return results;
}
