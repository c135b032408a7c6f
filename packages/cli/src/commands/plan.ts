// `midigpt plan INPUT --request REQUEST.json --encoder NAME`: what the model
// will be asked to do — the validated request, every planned step, and the
// exact prompt of the first step.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openStep, planRequest, prepareStep, validateRequest, withContextTracks, type GenerationStep, type Tokenizer } from '@midigpt/core';
import { parseJsonFile } from '../errors.js';
import { formatTable } from '../format.js';
import { loadScore } from './score.js';
import { loadTokenizer } from './tokenize.js';

function readRequest(path: string): unknown {
  return parseJsonFile(path, readFileSync(path, 'utf8'));
}

function cells(step: GenerationStep): string {
  const byTrack = new Map<number, number[]>();
  for (const [t, b] of step.bars_to_generate) byTrack.set(t, [...(byTrack.get(t) ?? []), b]);
  return [...byTrack].map(([t, bars]) => `track ${t}: ${bars.join(',')}`).join('; ');
}

function describeSteps(steps: GenerationStep[]): string {
  const rows = [['step', 'bars', 'kind', 'generates', 'context bars']];
  steps.forEach((s, i) => {
    const context = s.context.reduce((n, row) => n + row.filter(Boolean).length, 0);
    rows.push([String(i + 1), `${s.start_bar}-${s.end_bar - 1}`, s.is_autoregressive ? 'continue' : 'infill', cells(s), String(context)]);
  });
  return formatTable(rows);
}

function describePrompt(tokens: Int32Array, spans: Array<[number, number]>, tokenizer: Tokenizer): string {
  const names = tokenizer.tokenNames();
  const tail = Array.from(tokens.subarray(Math.max(0, tokens.length - 12))).map((id) => names[id]);
  const hidden = spans.length ? `, ${spans.length} hidden span(s): ${spans.map(([a, b]) => `${a}-${b - 1}`).join(' ')}` : '';
  return `first step prompt: ${tokens.length} tokens${hidden}\n  ... ${tail.join(' ')}\n`;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show the steps and the first prompt a generation request leads to')
    .argument('<input>', 'a .mid file, or a score .json; - reads standard input')
    .requiredOption('--request <file>', 'the request JSON: {"tracks": [{"id", "bars", "autoregressive", ...}], "config": {...}}')
    .requiredOption('-e, --encoder <name|path>', 'encoder config: yellow, prism, expressive, ghost, a *_config name, or a JSON file')
    .option('--json', 'print {"request", "warnings", "steps", "prompt": {"tokens", "hidden_spans"}}')
    .addHelpText(
      'after',
      `
Examples:
  midigpt plan song.mid --request infill.json -e yellow
  midigpt plan song.mid --request infill.json -e prism --json

A request (field names as the reference's, snake_case; tracks not listed are context):
  {"tracks": [{"id": 1, "bars": [2, 3]}], "config": {"model_dim": 4, "mask_mode": "attention"}}`,
    )
    .action(async (input: string, options: { request: string; encoder: string; json?: boolean }) => {
      const tokenizer = loadTokenizer(options.encoder);
      const score = await loadScore(input);
      // Tracks the request leaves out are context (the reference requires a prompt per track).
      const raw = withContextTracks(readRequest(options.request), score);
      const { request, warnings } = validateRequest(raw, score, tokenizer);
      const steps = planRequest(request, score);
      const first = steps[0] ? openStep(tokenizer, prepareStep(tokenizer, score, request, steps[0])) : undefined;
      const prompt = first ? { tokens: Array.from(first.prompt()), hidden_spans: first.hiddenSpans() } : { tokens: [], hidden_spans: [] };
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ request, warnings, steps, prompt })}\n`);
        return;
      }
      for (const w of warnings) process.stderr.write(`midigpt: warning: ${w}\n`);
      const c = request.config;
      process.stdout.write(
        `${steps.length} step(s); model_dim ${c.model_dim}, ${c.bars_per_step} bar(s) and ${c.tracks_per_step} track(s) per step, mask mode ${c.mask_mode}\n\n` +
          `${describeSteps(steps)}\n\n` +
          (first ? describePrompt(first.prompt(), first.hiddenSpans(), tokenizer) : 'nothing to generate\n'),
      );
    });
}
