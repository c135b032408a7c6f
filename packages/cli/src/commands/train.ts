// `midigpt train`: runs the PyTorch trainer (packages/train) on a dataset
// folder. The trainer streams its samples from this same CLI
// (`dataset samples`), so the data pipeline stays in the C++ core.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { integer } from '../options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const trainerDir = path.resolve(here, '../../../train');
const cliBin = path.resolve(here, '../../bin/midigpt.js');

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
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train or fine-tune a model on a dataset folder (PyTorch; GPU when present)')
    .requiredOption('--config <file>', 'training config JSON (TrainConfig fields; presets in docs/training.md)')
    .requiredOption('--data <dir>', 'a folder written by `midigpt dataset build`')
    .requiredOption('--out <dir>', 'where checkpoints, metrics.jsonl and model_final.safetensors go; a run there is resumed')
    .option('--init-from <bundle>', 'fine-tune from a .safetensors model')
    .option('--max-steps <n>', 'override the config: optimizer steps in all', integer('--max-steps'))
    .option('--stop-at <step>', 'stop after this step, leaving a checkpoint to resume from', integer('--stop-at'))
    .option('--no-resume', 'start over even if --out holds a checkpoint')
    .action(async (flags: TrainFlags) => {
      const interpreter = python();
      checkTorch(interpreter);
      const args = ['-m', 'midigpt_train', '--config', path.resolve(flags.config), '--data', path.resolve(flags.data), '--out', path.resolve(flags.out)];
      if (flags.initFrom) args.push('--init-from', path.resolve(flags.initFrom));
      if (flags.maxSteps !== undefined) args.push('--max-steps', String(flags.maxSteps));
      if (flags.stopAt !== undefined) args.push('--stop-at', String(flags.stopAt));
      if (!flags.resume) args.push('--no-resume');
      const env = {
        ...process.env,
        PYTHONPATH: [trainerDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
        MIDIGPT_CLI: `"${process.execPath}" "${cliBin}"`,
      };
      const child = spawn(interpreter, args, { stdio: 'inherit', env });
      const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
      if (code !== 0) throw new Error(`the trainer stopped with exit code ${code}`);
    });
}
