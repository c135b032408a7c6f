// `midigpt train`: the trainer's smoke test. A tiny model on a few POP909
// pieces: the loss falls, a stopped run resumes to the same weights, a bundle
// fine-tunes, converts to ONNX and generates. Presets by name, and the
// progress report off and on a terminal.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { midigpt, midigptAsync, midigptBin, runAsync } from '../../../tests/support/cli.js';
import { repoRoot } from '../../../tests/support/parity.js';

const pop909 = path.resolve(repoRoot, '../shared/data/pop909');
const work = mkdtempSync(path.join(tmpdir(), 'midigpt-train-'));
const data = path.join(work, 'data');
const config = path.join(work, 'tiny.json');

interface Metric {
  step: number;
  'train/loss'?: number;
  'val/loss'?: number;
}
const metrics = (dir: string): Metric[] =>
  readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Metric);
const train = (...args: string[]) => midigptAsync(['train', '--config', config, '--data', data, ...args]);

beforeAll(() => {
  const input = path.join(work, 'midi');
  mkdirSync(input);
  for (const n of ['001', '002', '003', '004', '005', '006', '007', '008']) copyFileSync(path.join(pop909, `${n}.mid`), path.join(input, `${n}.mid`));
  expect(midigpt(['dataset', 'build', input, '-o', data, '--validation', '0.25']).status).toBe(0);
  writeFileSync(
    config,
    JSON.stringify({
      n_embd: 64, n_layer: 2, n_head: 4, max_seq_len: 512, per_device_batch_size: 4, gradient_accumulation_steps: 1,
      learning_rate: 0.003, warmup_steps: 5, lr_scheduler_type: 'cosine', max_steps: 40,
      logging_steps: 10, eval_steps: 20, save_steps: 20, precision: 'fp32',
    }),
  );
});

describe('trainer units (python -m unittest)', () => {
  it('pass', { timeout: 240_000 }, async () => {
    const run = await runAsync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: path.join(repoRoot, 'packages/train'),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.stderr).toMatch(/Ran \d+ tests/);
    expect(run.stderr).toMatch(/\nOK\s*$/);
    expect(run.status).toBe(0);
  });
});

describe('midigpt train', { timeout: 240_000 }, () => {
  const full = path.join(work, 'full');
  // The 40-step run the other tests build on: trained once, by whichever test needs it first,
  // so that each test can also run alone.
  let fullRun: ReturnType<typeof train> | undefined;  // a promise: concurrent callers share it
  const trainedOnce = () => (fullRun ??= train('--out', full));

  it('trains: the loss falls and a bundle comes out', async () => {
    const run = await trainedOnce();
    expect(run.stderr).toMatch(/step 40\/40/);
    expect(run.status).toBe(0);
    const losses = metrics(full).filter((m) => m['train/loss'] !== undefined).map((m) => m['train/loss']!);
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]! - 1);
    const val = metrics(full).filter((m) => m['val/loss'] !== undefined);
    expect(val.map((m) => m.step)).toEqual([20, 40]);
    expect(val[1]!['val/loss']!).toBeLessThan(Math.log(647)); // better than a uniform guess over the vocabulary
    expect(existsSync(path.join(full, 'model_final.safetensors'))).toBe(true);
  });

  it('resumes a stopped run to the same weights, bit for bit', async () => {
    expect((await trainedOnce()).status).toBe(0);
    const parts = path.join(work, 'parts');
    expect((await train('--out', parts, '--stop-at', '20')).status).toBe(0);
    expect(existsSync(path.join(parts, 'model_final.safetensors'))).toBe(false);
    const resumed = await train('--out', parts);
    expect(resumed.stderr).toMatch(/resumed at step 20/);
    expect(readFileSync(path.join(parts, 'model_final.safetensors')).equals(readFileSync(path.join(full, 'model_final.safetensors')))).toBe(true);
  });

  it('fine-tunes from a bundle, which converts and generates', async () => {
    expect((await trainedOnce()).status).toBe(0);
    const bundle = path.join(full, 'model_final.safetensors');
    const tuned = path.join(work, 'tuned');
    const run = await train('--out', tuned, '--init-from', bundle, '--max-steps', '10', '--no-resume');
    expect(run.stderr).toMatch(/fine-tuning from/);
    expect(run.status).toBe(0);
    // It starts where the bundle ended, far below the untrained model's first loss.
    expect(metrics(tuned)[0]!['train/loss']!).toBeLessThan(metrics(full)[0]!['train/loss']! - 1);
    const onnx = path.join(work, 'tuned.onnx');
    expect((await midigptAsync(['convert', path.join(tuned, 'model_final.safetensors'), '-o', onnx])).status).toBe(0);
    const out = path.join(work, 'infilled.mid');
    const infill = await midigptAsync(['infill', path.join(pop909, '001.mid'), '-o', out, '--track', '0', '--bars', '4-5', '--model', onnx, '--seed', '1']);
    expect(infill.stderr).toBe('');
    expect(infill.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('fine-tunes the shipped default model (its float16 checkpoint)', async () => {
    const shape = JSON.parse(readFileSync(path.join(repoRoot, 'packages/train/configs/pop909-default.json'), 'utf8'));
    const tuneConfig = path.join(work, 'tune-default.json');
    writeFileSync(tuneConfig, JSON.stringify({ ...shape, max_seq_len: 512, per_device_batch_size: 2, max_steps: 3, warmup_steps: 1, logging_steps: 1, eval_steps: 3, save_steps: 3, precision: 'fp32' }));
    const out = path.join(work, 'tuned-default');
    const run = await midigptAsync(['train', '--config', tuneConfig, '--data', data, '--out', out, '--init-from', path.join(repoRoot, 'packages/default-model/checkpoint.safetensors')]);
    expect(run.stderr).toMatch(/fine-tuning from/);
    expect(run.status).toBe(0);
    // A trained model's loss from the first step: an untrained one starts near 6.5.
    expect(metrics(out)[0]!['train/loss']!).toBeLessThan(4.5);
    expect(existsSync(path.join(out, 'model_final.safetensors'))).toBe(true);
  });

  it('evaluates a bundle on the validation set, beside the unigram and untrained baselines', async () => {
    expect((await trainedOnce()).status).toBe(0);
    const run = await runAsync('/usr/bin/python3', ['-m', 'midigpt_train.evaluate', '--config', config, '--data', data, '--bundle', path.join(full, 'model_final.safetensors'), '--steps', '40', '--unigram-samples', '50'], {
      cwd: path.join(repoRoot, 'packages/train'),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', MIDIGPT_CLI: midigptBin },
    });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    // The same fixed validation set the trainer evaluated on at its last step.
    const lastVal = metrics(full).filter((m) => m['val/loss'] !== undefined).at(-1)!['val/loss']!;
    expect(report.model_loss).toBeCloseTo(lastVal, 4);
    expect(report.model_loss).toBeLessThan(report.untrained_loss);
    expect(report.unigram_loss).toBeLessThan(report.untrained_loss);
    expect(report.model_perplexity).toBeCloseTo(Math.exp(report.model_loss), 6);
    expect(report.tokens_seen).toBeGreaterThan(40 * 4 * 2); // 40 steps of 4 samples, at least 2 tokens each
  });

  it('trains data-parallel: two ranks on CPU (Gloo), rank 0 writes', async () => {
    const out = path.join(work, 'ddp');
    const rank = (r: number) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn('/usr/bin/python3', ['-m', 'midigpt_train', '--config', config, '--data', data, '--out', out, '--max-steps', '10'], {
          cwd: path.join(repoRoot, 'packages/train'),
          env: {
            ...process.env, PYTHONDONTWRITEBYTECODE: '1', MIDIGPT_CLI: midigptBin,
            RANK: String(r), LOCAL_RANK: String(r), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(29500 + (process.pid % 400)),
          },
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const [zero, one] = await Promise.all([rank(0), rank(1)]);
    expect(zero.stderr + one.stderr).not.toMatch(/Traceback/);
    expect([zero.code, one.code]).toEqual([0, 0]);
    expect(metrics(out).filter((m) => m['train/loss'] !== undefined).map((m) => m.step)).toEqual([10]); // one writer
    expect(existsSync(path.join(out, 'model_final.safetensors'))).toBe(true);
  });

  it('explains a missing dataset and a bad config', () => {
    const missing = midigpt(['train', '--config', config, '--data', path.join(work, 'nope'), '--out', path.join(work, 'x')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/not a dataset folder/);
    const bad = path.join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ n_embd: 65, n_head: 4 }));
    const invalid = midigpt(['train', '--config', bad, '--data', data, '--out', path.join(work, 'y')]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/n_embd must be a multiple of n_head/);
  });
});

describe('midigpt train: presets and progress', () => {
  const preset = JSON.parse(readFileSync(path.join(repoRoot, 'packages/train/configs/pop909-default.json'), 'utf8'));

  it('lists the packaged presets and an example in --help', () => {
    const help = midigpt(['train', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Presets \(--config NAME reads .*packages\/train\/configs\/NAME\.json\):\n {2}pop909-default\n/);
    expect(help.stdout).toMatch(/midigpt train --config pop909-default --data data\/ --out run\//);
  });

  it('resolves --config pop909-default to the packaged preset', async () => {
    // --stop-at 0 builds the preset's model and stops before the first step: cheap, and the start line shows its shape.
    const run = await runAsync(midigptBin, ['train', '--config', 'pop909-default', '--data', data, '--out', path.join(work, 'preset'), '--stop-at', '0']);
    expect(run.stderr).toMatch(new RegExp(`3\\.75 M parameters, ${preset.max_steps} steps of ${preset.per_device_batch_size}x1x1 samples`));
    expect(run.stderr).toMatch(/stopped at step 0\//);
    expect(run.status).toBe(0);
  });

  it('refuses an unknown preset with the list (usage error, exit 2)', () => {
    const run = midigpt(['train', '--config', 'small.json', '--data', data, '--out', path.join(work, 'z')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--config small\.json: no such file and no such preset; presets: pop909-default \(in .*configs\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(path.join(work, 'z'))).toBe(false);
  });

  it('prints a progress line every --log-every steps off a terminal, then a summary', async () => {
    const out = path.join(work, 'logged');
    const run = await runAsync(midigptBin, ['train', '--config', config, '--data', data, '--out', out, '--max-steps', '4', '--log-every', '2']);
    expect(run.status).toBe(0);
    const lines = [...run.stderr.matchAll(/^midigpt-train: step (\d+)\/4 loss \d+\.\d{4} lr \S+ \d+ tok\/s ETA \d+s$/gm)].map((m) => Number(m[1]));
    expect(lines).toEqual([1, 2, 4]); // the first step, every 2nd, the last
    expect(run.stderr).toMatch(new RegExp(`^midigpt-train: done: step 4/4 \\(4 steps in \\d+s, \\d+ tok/s, loss [\\d.]+, validation loss [\\d.]+\\); model: ${out}/model_final\\.safetensors$`, 'm'));
    expect(run.stdout).toBe('');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('draws a live progress bar on a terminal', async () => {
    // script(1) gives the command a pseudo-terminal.
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [midigptBin, 'train', '--config', config, '--data', data, '--out', path.join(work, 'tty'), '--max-steps', '3'].map(quote).join(' ');
    const run = await runAsync('/usr/bin/script', ['-qec', command, '/dev/null']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ 3\/3 steps \| loss \d+\.\d{4} \| lr \S+ \| \d+ tok\/s \| ETA \d+s/);
    expect(run.stdout).toMatch(/midigpt-train: done: step 3\/3/);
    expect(run.stdout).not.toMatch(/midigpt-train: step \d+\/3 loss/); // the bar, not the log lines
    expect(run.stdout).not.toMatch(/"event"/); // the trainer's JSON stays between it and the CLI
  });
});
