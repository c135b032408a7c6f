// `midigpt models list|info|convert|path`: the model cache and the models in it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MODEL_MISSING, findDefaultModel } from '../default-model.js';
import { formatTable } from '../format.js';
import { registerConvert } from './convert.js';
import { loadEngine } from './model.js';

export function registerModels(program: Command): void {
  const models = program.command('models').description('the model cache: released models, downloads, conversions');

  models
    .command('path')
    .description('print the folder models are kept in (MIDIGPT_HOME, or the user cache folder)')
    .action(async () => {
      const { modelHome } = await import('@midigpt/inference');
      process.stdout.write(`${modelHome()}\n`);
    });

  models
    .command('list')
    .description('the embedded default model, released model names, and the files in the cache')
    .option('--json', 'print {"released": {...}, "cached": [...]}')
    .action(async (options: { json?: boolean }) => {
      const { modelHome, PRETRAINED } = await import('@midigpt/inference');
      const fallback = await findDefaultModel();
      const embedded = fallback
        ? { name: fallback.name, file: fallback.path, bytes: existsSync(fallback.path) ? statSync(fallback.path).size : 0 }
        : null;
      const home = modelHome();
      const cached = ['models', 'onnx'].flatMap((folder) => {
        const dir = path.join(home, folder);
        return existsSync(dir)
          ? readdirSync(dir)
              .filter((f) => !f.endsWith('.part') && !f.endsWith('.tmp'))
              .map((f) => ({ kind: folder === 'models' ? 'checkpoint' : 'onnx', file: path.join(dir, f), bytes: statSync(path.join(dir, f)).size }))
          : [];
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ home, default: embedded, released: PRETRAINED, cached })}\n`);
        return;
      }
      const released = formatTable([['name', 'checkpoint'], ...Object.entries(PRETRAINED).map(([name, prefix]) => [name, prefix])]);
      const files = cached.length
        ? formatTable([['kind', 'size', 'file'], ...cached.map((c) => [c.kind, `${(c.bytes / 2 ** 20).toFixed(1)} MiB`, c.file])])
        : '(nothing cached yet)';
      const size = embedded?.bytes ? `${(embedded.bytes / 2 ** 20).toFixed(1)} MiB` : 'missing';
      const line = embedded
        ? `default model (used when --model is left out): ${embedded.name}, ${size}, ${embedded.file}`
        : `default model: not installed; ${DEFAULT_MODEL_MISSING}`;
      process.stdout.write(
        `${line}\n\n` +
          `released models (downloaded on first use):\n${released}\n\nin ${home}:\n${files}\n`,
      );
    });

  models
    .command('info')
    .description("a model's architecture, encoder and attribute controls")
    .argument('[model]', 'an .onnx model, a .safetensors/.pt checkpoint, or a model name (default: the embedded model)', 'default')
    .option('--json', 'print the information as JSON')
    .action(async (model: string, options: { json?: boolean }) => {
      const engine = await loadEngine(model);
      const info = {
        model,
        config: engine.runtime.config,
        encoder: engine.tokenizer.config(),
        vocab_size: engine.tokenizer.vocabSize,
        window_sizes: engine.tokenizer.numBarsMap(),
        attributes: engine.tokenizer.attributes().map((a) => ({ name: a.name, level: a.level, track_type: a.trackType, size: a.size, labels: a.labels })),
      };
      await engine.release();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const c = info.config;
      const lines = [
        `${model}: GPT-2 ${c.n_embd}/${c.n_layer}/${c.n_head}, ${c.n_positions} positions, vocabulary ${info.vocab_size}`,
        `encoder: ${info.encoder.resolution} ticks per quarter, windows of ${(info.window_sizes ?? []).join(', ') || 'any'} bars, ${info.encoder.velocityLevels} velocity levels, ${info.encoder.timeSignatures.length} time signatures${info.encoder.genres.length ? `, ${info.encoder.genres.length} genres` : ''}`,
        '',
        formatTable([
          ['attribute', 'level', 'tracks', 'values'],
          ...info.attributes.map((a) => [a.name, a.level, a.track_type, valueRange(a.size, a.labels)]),
        ]),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  registerConvert(models);
}

// The numbers `--attr name=N` takes, with the labels at both ends: "0 = 1 voice .. 9 = 10+ voices".
function valueRange(size: number, labels: string[]): string {
  const last = size - 1;
  return labels.length ? `0 = ${labels[0]} .. ${last} = ${labels[last] ?? labels.at(-1)}` : `0 .. ${last}`;
}
