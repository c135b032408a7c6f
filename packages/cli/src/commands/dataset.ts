// `midigpt dataset build|info`: training data from MIDI files
// (training.md §1): every piece judged apart, verdicts cached, one folder out.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatTable } from '../format.js';
import { integer, number } from '../options.js';
import { progressBar } from '../progress.js';

interface BuildFlags {
  output: string;
  encoder: string;
  workers: number;
  timeout: number;
  minBars?: number;
  minTracks?: number;
  validation: number;
  json?: boolean;
}

export function registerDataset(program: Command): void {
  const dataset = program.command('dataset').description('training data: build a dataset folder from MIDI files');

  dataset
    .command('build')
    .description('judge MIDI files (parse, bars, tracks, time signatures) and pack the good ones with a manifest')
    .argument('<input...>', 'MIDI files, folders of them (searched recursively), or list files with one path per line')
    .requiredOption('-o, --output <dir>', 'the dataset folder to write (manifest.json + pieces.bin)')
    .option('-e, --encoder <name|path>', 'encoder the data is for: its smallest window and time signatures set the filters', 'yellow')
    .option('--workers <n>', 'parser processes', integer('--workers'), 2)
    .option('--timeout <seconds>', 'time one piece may take before it is rejected', number('--timeout'), 60)
    .option('--min-bars <n>', "bars a piece needs (default: the encoder's smallest window)", integer('--min-bars'))
    .option('--min-tracks <n>', 'tracks a piece needs (default 1)', integer('--min-tracks'))
    .option('--validation <fraction>', 'share of pieces held out for validation, chosen by content hash', number('--validation'), 0.05)
    .option('--json', 'print the counts and rejected pieces as JSON')
    .action(async (inputs: string[], flags: BuildFlags) => {
      if (flags.workers < 1 || flags.workers > 256) throw new UsageError('--workers must be from 1 to 256');
      if (!(flags.timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
      if (!(flags.validation >= 0 && flags.validation < 1)) throw new UsageError('--validation must be at least 0 and below 1');
      const { buildDataset } = await import('@midigpt/dataset');
      const bar = progressBar('pieces');
      const started = performance.now();
      let manifest;
      try {
        manifest = await buildDataset(inputs, flags.output, {
          encoder: flags.encoder,
          workers: flags.workers,
          timeoutSeconds: flags.timeout,
          validationFraction: flags.validation,
          filters: { ...(flags.minBars !== undefined && { minBars: flags.minBars }), ...(flags.minTracks !== undefined && { minTracks: flags.minTracks }) },
          onProgress: (p) => bar.update(p.done, p.total, `${p.kept} kept`),
        });
      } finally {
        bar.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ output: flags.output, seconds, counts: manifest.counts, filters: manifest.filters, rejected: manifest.rejected })}\n`);
        return;
      }
      const { counts } = manifest;
      const lines = [
        `${counts.inputs} pieces read in ${seconds.toFixed(1)} s (${counts.cached} verdicts from the cache)`,
        `kept ${counts.kept}: ${counts.train} train, ${counts.validation} validation`,
      ];
      const reasons = Object.entries(counts.rejected);
      if (reasons.length) {
        lines.push(`rejected ${manifest.rejected.length}: ${reasons.map(([reason, n]) => `${n} ${reason}`).join(', ')}`);
        lines.push(...manifest.rejected.slice(0, 10).map((r) => `  ${r.source}: ${r.reason} (${r.message})`));
        if (manifest.rejected.length > 10) lines.push(`  ... ${manifest.rejected.length - 10} more in ${flags.output}/manifest.json`);
      }
      lines.push(`wrote ${flags.output}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  dataset
    .command('info')
    .description("a dataset folder's counts, filters and encoder")
    .argument('<dir>', 'a folder written by `midigpt dataset build`')
    .option('--json', 'print the manifest without its piece lists')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const { readManifest } = await import('@midigpt/dataset');
      const { pieces, rejected, ...summary } = readManifest(dir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const bars = pieces.reduce((sum, p) => sum + p.bars, 0);
      const notes = pieces.reduce((sum, p) => sum + p.notes, 0);
      const rows = [
        ['encoder', `${summary.encoder.name} (vocabulary ${summary.encoder.vocabSize}, windows ${summary.encoder.windows?.join('/') ?? 'any'})`],
        ['pieces', `${summary.counts.kept} kept of ${summary.counts.inputs} (${summary.counts.train} train, ${summary.counts.validation} validation)`],
        ['content', `${bars} bars, ${notes} notes`],
        ['filters', `min ${summary.filters.minBars} bars, min ${summary.filters.minTracks} tracks, ${summary.filters.timeSignatures ? `${summary.filters.timeSignatures.length} time signatures` : 'any time signature'}`],
        ['rejected', rejected.length ? Object.entries(summary.counts.rejected).map(([r, n]) => `${n} ${r}`).join(', ') : 'none'],
        ['built', summary.created],
      ];
      process.stdout.write(`${formatTable(rows)}\n`);
    });
}
