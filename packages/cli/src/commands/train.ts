// `midigpt train`: runs the PyTorch trainer (packages/train) on a dataset
// folder. The trainer streams its samples from this same CLI
// (`dataset samples`), so the data pipeline stays in the C++ core.
// Progress: off a terminal the trainer prints its own line every --log-every
// steps; on one it writes a JSON object per step to its stdout, drawn here as
// a progress bar, and its stderr lines are printed above the bar.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import { progressBar } from '../progress.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const trainerDir = path.resolve(here, '../../../train');
const presetDir = path.join(trainerDir, 'configs');
const cliBin = path.resolve(here, '../../bin/midigpt.js');

/** The packaged config presets: NAME for every NAME.json in packages/train/configs. */
export function trainPresets(): string[] {
  if (!existsSync(presetDir)) return [];
  return readdirSync(presetDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** --config: a JSON file, else a preset's name (NAME or NAME.json). */
function resolveConfig(value: string): string {
  if (existsSync(value) && statSync(value).isFile()) return path.resolve(value);
  const name = value.endsWith('.json') ? value.slice(0, -'.json'.length) : value;
  const presets = trainPresets();
  if (!value.includes('/') && !value.includes(path.sep) && presets.includes(name)) return path.join(presetDir, `${name}.json`);
  throw new UsageError(
    `--config ${value}: no such file and no such preset; presets: ${presets.join(', ') || '(none)'} (in ${presetDir}), or give the path to a training config JSON file`,
  );
}

/** MIDIGPT_PYTHON, else Debian's python3 (where apt's python3-torch lives), else python3 on PATH. */
function python(): string {
  if (process.env.MIDIGPT_PYTHON) return process.env.MIDIGPT_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function checkTorch(interpreter: string): void {
  const probe = spawnSync(interpreter, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `training needs PyTorch for ${interpreter}: install it (Debian: apt-get install python3-torch libopenblas0-pthread; elsewhere: pip install torch), or point MIDIGPT_PYTHON at a Python that has it`,
    );
}

interface TrainFlags {
  config: string;
  data: string;
  out: string;
  initFrom?: string;
  maxSteps?: number;
  stopAt?: number;
  resume: boolean;
  logEvery?: number;
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));

/** 45s, 4m05s, 3h07m (as the trainer writes them). */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface StepRecord {
  event: 'start' | 'step' | 'done';
  step: number;
  total: number;
  loss?: number;
  lr?: number;
  tokens_per_second?: number;
  eta_seconds?: number;
}

/** Runs the trainer with its progress as JSON lines, drawn as a bar on stderr. */
async function trainWithBar(interpreter: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(interpreter, [...args, '--progress-json'], { stdio: ['inherit', 'pipe', 'pipe'], env });
  const bar = progressBar('steps');
  createInterface({ input: child.stderr! }).on('line', (line) => bar.log(line));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: StepRecord;
    try {
      record = JSON.parse(line) as StepRecord;
    } catch {
      return bar.log(line);
    }
    if (record.event === 'start') bar.update(record.step, record.total, 'starting');
    else if (record.event === 'step')
      bar.update(
        record.step,
        record.total,
        `loss ${record.loss!.toFixed(4)} | lr ${record.lr!.toExponential(2).replace(/e([+-])(\d)$/, 'e$10$2')} | ${record.tokens_per_second!.toFixed(0)} tok/s | ETA ${duration(record.eta_seconds!)}`,
      );
  });
  // Ctrl-C reaches the trainer too: wait for it to stop, then put the terminal back.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  try {
    return await exited(child);
  } finally {
    process.off('SIGINT', ignore);
    bar.stop();
  }
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train or fine-tune a model on a dataset folder (PyTorch; GPU when present)')
    .requiredOption('--config <preset|file>', 'a preset (listed below) or a training config JSON file (TrainConfig fields)')
    .requiredOption('--data <dir>', 'a folder written by `midigpt dataset build`')
    .requiredOption('--out <dir>', 'where checkpoints, metrics.jsonl and model_final.safetensors go; a run there is resumed')
    .option('--init-from <bundle>', 'fine-tune from a .safetensors model')
    .option('--max-steps <n>', 'override the config: optimizer steps in all', integer('--max-steps'))
    .option('--stop-at <step>', 'stop after this step, leaving a checkpoint to resume from', integer('--stop-at'))
    .option('--no-resume', 'start over even if --out holds a checkpoint')
    .option(
      '--log-every <n>',
      'a progress line (step, loss, lr, tok/s, ETA) every n steps when stderr is not a terminal (default 10; 0: only the summary); on a terminal a live progress bar, and these lines only when given',
      integer('--log-every'),
    )
    .addHelpText('after', () => {
      const presets = trainPresets();
      return [
        '',
        `Presets (--config NAME reads ${path.join(presetDir, 'NAME.json')}):`,
        ...(presets.length ? presets.map((name) => `  ${name}`) : ['  (none)']),
        '',
        'Example:',
        `  midigpt train --config ${presets[0] ?? 'my-config.json'} --data data/ --out run/`,
      ].join('\n');
    })
    .action(async (flags: TrainFlags) => {
      if (flags.logEvery !== undefined && flags.logEvery < 0) throw new UsageError(`--log-every must be 0 or more, got ${flags.logEvery}`);
      // The trainer is Python in the repository (packages/train); the npm package of the CLI does not carry it.
      if (!existsSync(path.join(trainerDir, 'midigpt_train')))
        throw new Error(
          `midigpt train runs the PyTorch trainer of the midigpt repository (packages/train), which is not installed here (looked in ${trainerDir}): run it from a clone of the repository`,
        );
      const config = resolveConfig(flags.config);
      const interpreter = python();
      checkTorch(interpreter);
      const tty = process.stderr.isTTY === true;
      const args = ['-m', 'midigpt_train', '--config', config, '--data', path.resolve(flags.data), '--out', path.resolve(flags.out)];
      if (flags.initFrom) args.push('--init-from', path.resolve(flags.initFrom));
      if (flags.maxSteps !== undefined) args.push('--max-steps', String(flags.maxSteps));
      if (flags.stopAt !== undefined) args.push('--stop-at', String(flags.stopAt));
      if (!flags.resume) args.push('--no-resume');
      args.push('--log-every', String(flags.logEvery ?? (tty ? 0 : 10)));
      const env = {
        ...process.env,
        PYTHONPATH: [trainerDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
        MIDIGPT_CLI: `"${process.execPath}" "${cliBin}"`,
      };
      const code = tty ? await trainWithBar(interpreter, args, env) : await exited(spawn(interpreter, args, { stdio: 'inherit', env }));
      if (code !== 0) throw new Error(`the trainer stopped with exit code ${code}`);
    });
}
