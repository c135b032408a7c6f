// `midigpt dataset build|info`: training data from MIDI files
// (training.md §1): every piece judged apart, verdicts cached, one folder out.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
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

  dataset
    .command('samples')
    .description('training samples (tokens) of a dataset, reproducible by seed: length-prefixed uint16 arrays')
    .argument('<dir>', 'a folder written by `midigpt dataset build`')
    .requiredOption('--seed <n>', 'stream seed; sample k of epoch e depends only on (seed, e, k)', integer('--seed'))
    .option('--split <name>', 'train, validation or all', 'train')
    .option('--epochs <n>', 'passes over the split', integer('--epochs'), 1)
    .option('--start-epoch <n>', 'first epoch, to resume a stream', integer('--start-epoch'), 0)
    .option('--max-seq-len <n>', 'token cap per sample', integer('--max-seq-len'), 2048)
    .option('--infill-probability <p>', 'share of infill samples', number('--infill-probability'), 0.75)
    .option('--max-tracks <n>', 'tracks per window, at most', integer('--max-tracks'), 12)
    .option('--shard <i/n>', 'only every n-th sample from the i-th (0-based): one of n readers', parseShard)
    .option('-o, --output <file>', 'write to a file (atomically) instead of stdout')
    .action(async (dir: string, flags: SampleFlags) => {
      if (!['train', 'validation', 'all'].includes(flags.split)) throw new UsageError('--split must be train, validation or all');
      if (!flags.output && process.stdout.isTTY) throw new UsageError('the samples are binary: pipe them to a trainer or use -o FILE');
      const { frameSample, readManifest, sampleStream } = await import('@midigpt/dataset');
      const { vocabSize } = readManifest(dir).encoder;
      const temp = flags.output ? `${flags.output}.${process.pid}.tmp` : undefined;
      const out: NodeJS.WritableStream = temp ? createWriteStream(temp) : process.stdout;
      let closed = false; // the reader went away (a trainer that has enough)
      let failure: Error | undefined; // a write that failed (a full disk)
      out.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') closed = true;
        else failure = error;
      });
      let skipped = 0;
      const stream = sampleStream(dir, {
        seed: flags.seed,
        split: flags.split as 'train' | 'validation' | 'all',
        epochs: flags.epochs,
        startEpoch: flags.startEpoch,
        maxSeqLen: flags.maxSeqLen,
        infillProbability: flags.infillProbability,
        maxTracks: flags.maxTracks,
        ...(flags.shard && { shard: flags.shard }),
        // An empty frame keeps every epoch the same length, so a reader can resume by counting frames.
        onSkip: () => {
          skipped++;
          out.write(frameSample(new Int32Array(0), vocabSize));
        },
      });
      try {
        for (const { sample } of stream) {
          if (failure) throw failure;
          if (closed) return;
          if (!out.write(frameSample(sample.tokens, vocabSize))) await writable(out);
        }
        if (temp) {
          await new Promise<void>((resolve, reject) => {
            if (failure) reject(failure);
            out.once('error', reject);
            out.end(resolve);
          });
          renameSync(temp, flags.output!);
        }
        if (skipped) process.stderr.write(`midigpt: ${skipped} piece(s) gave empty samples: no window of them encodes\n`);
      } catch (error) {
        if (temp) rmSync(temp, { force: true });
        throw error;
      }
    });
}

interface SampleFlags {
  seed: number;
  split: string;
  epochs: number;
  startEpoch: number;
  maxSeqLen: number;
  infillProbability: number;
  maxTracks: number;
  shard?: { index: number; count: number };
  output?: string;
}

function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard must be i/n with 0 <= i < n, got "${value}"`);
  return { index, count };
}

// Resolves when the stream takes more data, or will never again (closed, failed).
function writable(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
