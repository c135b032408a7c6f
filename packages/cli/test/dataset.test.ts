// `midigpt dataset build|info`, spawned as a user runs them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFramedSamples } from '@midigpt/dataset';
import { midigpt, midigptBin } from '../../../tests/support/cli.js';
import { repoRoot } from '../../../tests/support/parity.js';

const pop909 = path.resolve(repoRoot, '../shared/data/pop909');

describe('midigpt dataset', () => {
  it('builds, reports rejects, rebuilds from the cache, and describes the result', () => {
    const input = mkdtempSync(path.join(tmpdir(), 'midigpt-cli-data-'));
    for (const f of ['001.mid', '002.mid', '003.mid']) copyFileSync(path.join(pop909, f), path.join(input, f));
    writeFileSync(path.join(input, 'empty.mid'), '');
    const output = path.join(input, 'out');

    const first = midigpt(['dataset', 'build', input, '-o', output, '--workers', '1', '--json']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.counts).toMatchObject({ inputs: 4, kept: 3, rejected: { 'parse-error': 1 } });
    expect(report.rejected[0].source).toBe(path.join(input, 'empty.mid'));

    const second = midigpt(['dataset', 'build', input, '-o', output]);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/4 pieces read .*\(4 verdicts from the cache\)/);
    expect(second.stdout).toMatch(/rejected 1: 1 parse-error/);

    const info = midigpt(['dataset', 'info', output]);
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/3 kept of 4/);
    expect(info.stdout).toMatch(/yellow \(vocabulary \d+, windows 4\/8\)/);
  });

  it('streams samples reproducibly by seed, to stdout or a file', () => {
    const input = mkdtempSync(path.join(tmpdir(), 'midigpt-cli-samples-'));
    for (const f of ['001.mid', '002.mid']) copyFileSync(path.join(pop909, f), path.join(input, f));
    const data = path.join(input, 'data');
    expect(midigpt(['dataset', 'build', input, '-o', data, '--validation', '0']).status).toBe(0);
    const run = (seed: string) => spawnSync(midigptBin, ['dataset', 'samples', data, '--seed', seed, '--epochs', '2'], { maxBuffer: 64 << 20 });
    const a = run('1');
    expect(a.status).toBe(0);
    const samples = [...readFramedSamples(a.stdout)];
    expect(samples).toHaveLength(4);
    expect(run('1').stdout.equals(a.stdout)).toBe(true);
    expect(run('2').stdout.equals(a.stdout)).toBe(false);
    const file = path.join(input, 'samples.bin');
    expect(midigpt(['dataset', 'samples', data, '--seed', '1', '--epochs', '2', '-o', file]).status).toBe(0);
    expect(readFileSync(file).equals(a.stdout)).toBe(true);
    expect(readdirSync(input).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('explains bad input and bad flags', () => {
    const missing = midigpt(['dataset', 'build', '/no/such/folder', '-o', path.join(tmpdir(), 'never')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no such file or folder/);
    const flags = midigpt(['dataset', 'build', pop909, '-o', path.join(tmpdir(), 'never'), '--validation', '1']);
    expect(flags.status).toBe(2);
    expect(flags.stderr).toMatch(/--validation/);
    const notDataset = midigpt(['dataset', 'info', tmpdir()]);
    expect(notDataset.status).toBe(1);
    expect(notDataset.stderr).toMatch(/not a dataset folder/);
    const split = midigpt(['dataset', 'samples', tmpdir(), '--seed', '1', '--split', 'test']);
    expect(split.status).toBe(2);
    expect(split.stderr).toMatch(/--split/);
  });
});
