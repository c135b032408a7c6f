// `midigpt vocab --encoder NAME`: the vocabulary layout of an encoder.
import type { Command } from 'commander';
import { formatTable } from '../format.js';
import { loadTokenizer } from './tokenize.js';

export function registerVocab(program: Command): void {
  program
    .command('vocab')
    .description("show an encoder's vocabulary: one id range per token type")
    .requiredOption('-e, --encoder <name|path>', 'encoder config: yellow, prism, expressive, ghost, a *_config name, or a JSON file')
    .option('--json', 'print {"vocab_size": N, "domains": [{type, offset, size}]}')
    .addHelpText('after', '\nExamples:\n  midigpt vocab -e yellow\n  midigpt vocab -e expressive --json')
    .action((options: { encoder: string; json?: boolean }) => {
      const tokenizer = loadTokenizer(options.encoder);
      const domains = tokenizer.domains();
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ vocab_size: tokenizer.vocabSize, domains })}\n`);
        return;
      }
      const rows = [['type', 'ids', 'size']];
      for (const d of domains) rows.push([d.type, d.size === 1 ? `${d.offset}` : `${d.offset}-${d.offset + d.size - 1}`, String(d.size)]);
      process.stdout.write(`${options.encoder}: ${tokenizer.vocabSize} tokens\n\n${formatTable(rows)}\n`);
    });
}
