// `midigpt convert CHECKPOINT -o MODEL.onnx`: a MIDI-GPT checkpoint as a
// self-describing ONNX model (weights, model config and encoder config).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { writeOutput } from '../output.js';

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert a MIDI-GPT checkpoint (.safetensors format 2, or a .pt bundle format 1) to an ONNX model')
    .argument('<checkpoint>', 'a .safetensors checkpoint or a packed .pt bundle')
    .requiredOption('-o, --output <file>', 'the .onnx file to write')
    .option('-f, --force', 'replace the output file if it exists')
    .option('-q, --quantize <kind>', 'int8: linear layers as int8 (about 4x smaller, 4-7x faster per token); int4: 4-bit blocks (smaller still, lossier)', (v: string) => {
      if (v !== 'int8' && v !== 'int4') throw new UsageError(`--quantize supports "int8" and "int4", got "${v}"`);
      return v;
    })
    .option('--json', 'print {"output", "config", "parameters", "bytes"}')
    .addHelpText('after', '\nExamples:\n  midigpt convert yellow_medium-final.safetensors -o yellow.onnx\n  midigpt convert yellow_medium-final.safetensors -o yellow-int8.onnx --quantize int8')
    .action(async (checkpoint: string, options: { output: string; force?: boolean; json?: boolean; quantize?: 'int8' | 'int4' }) => {
      // Loaded here so that commands without a model do not load ONNX support.
      const { convertToOnnx, readCheckpoint } = await import('@midigpt/inference');
      const model = readCheckpoint(checkpoint);
      const bytes = convertToOnnx(model, options.quantize ? { quantize: options.quantize } : {});
      writeOutput(options.output, bytes, { force: options.force ?? false, inputs: [checkpoint] });
      const parameters = [...model.weights.values()].reduce((n, t) => n + t.data.length, 0);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ output: options.output, config: model.config, parameters, bytes: bytes.byteLength })}\n`);
      } else {
        const c = model.config;
        process.stdout.write(
          `${options.output}: GPT-2 ${c.n_embd}/${c.n_layer}/${c.n_head}, vocabulary ${c.vocab_size}, ${c.n_positions} positions, ` +
            `${(parameters / 1e6).toFixed(2)} M parameters, ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB\n`,
        );
      }
    });
}
