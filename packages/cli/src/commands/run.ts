// `midigpt run INPUT --request REQUEST.json -o OUTPUT`: a full request in the
// reference's shape, for scripts and exact reproduction.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseJsonFile } from '../errors.js';
import { addGenerationOptions, configFrom, runGeneration, type SamplingFlags } from './generation.js';
import { loadScore } from './score.js';

export function registerRun(program: Command): void {
  addGenerationOptions(
    program
      .command('run')
      .description('run a full generation request (JSON, field names as the reference)')
      .argument('<input>', 'a .mid file, or a score .json; - reads standard input')
      .requiredOption('--request <file>', 'the request JSON; tracks it does not list are context'),
  )
    .addHelpText(
      'after',
      `
Example:
  midigpt run song.mid --request request.json -o out.mid --model model.onnx
  (request.json: {"tracks": [{"id": 1, "bars": [2, 3]}], "config": {"model_dim": 4, "seed": 0}})

Sampling options given on the command line override the request's config.`,
    )
    .action(async (input: string, flags: SamplingFlags & { request: string }) => {
      const score = await loadScore(input);
      // Tracks the request does not list are context (the engine's rule); flags override its config.
      const request = parseJsonFile(flags.request, readFileSync(flags.request, 'utf8')) as { config?: unknown };
      const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
      if (isObject(request) && (request.config === undefined || isObject(request.config))) request.config = { ...request.config, ...configFrom(flags) };
      await runGeneration(input, score, request, flags);
    });
}
