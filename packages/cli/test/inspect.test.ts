// `midigpt inspect` and `midigpt models`.
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { midigpt, midigptBin } from '../../../tests/support/cli.js';
import { parityDir, parityFile, parityMidiPath } from '../../../tests/support/parity.js';

describe('midigpt inspect', () => {
  it('reports tracks and the attribute values the encoder computes (as the reference encodes them)', () => {
    const r = midigpt(['inspect', parityMidiPath('edge_drums_and_melodic.mid'), '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.tracks.map((t: { track_type: string; notes: number }) => [t.track_type, t.notes])).toEqual([['melodic', 16], ['drum', 32]]);
    expect(report.time_signatures).toEqual([{ bar: 0, ts: '4/4' }]);
    expect(report.tracks[0].attributes.max_polyphony).toEqual({ value: 1, label: '2 voices' });
    expect(report.tracks[1].attributes.note_density.label).toMatch(/^Q\d|densest|sparsest/);
  });

  it('prism: bar-level attributes per bar, labelled keys', () => {
    const r = midigpt(['inspect', parityMidiPath('Maestro_1.mid'), '-e', 'prism', '--json']);
    const report = JSON.parse(r.stdout);
    expect(report.tracks[0].attributes.key_signature.label).toMatch(/major|minor/);
    expect(Object.keys(report.tracks[0].bar_attributes[3]).sort()).toEqual(['bar_max_polyphony', 'bar_min_polyphony', 'pitch_class_set']);
  });

  it('refuses an input over 256 MiB without reading it (resource guard)', () => {
    const big = path.join(mkdtempSync(path.join(tmpdir(), 'midigpt-big-')), 'big.json');
    writeFileSync(big, '');
    truncateSync(big, (256 << 20) + 1); // sparse: no disk, no memory
    const r = midigpt(['inspect', big]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${big} is ${(256 << 20) + 1} bytes; inputs over 256 MiB are not accepted`);
  });

  it('prints a table without --json', () => {
    const r = midigpt(['inspect', parityMidiPath('Aicha.mid')]);
    expect(r.stdout).toContain('14 tracks, 97 bars');
    expect(r.stdout).toMatch(/Basse\s+33\s+melodic\s+478\s+max_note_duration=/);
  });
});

describe('midigpt models', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'midigpt-models-'));
  const run = (args: string[]) => spawnSync(midigptBin, args, { encoding: 'utf8', env: { ...process.env, MIDIGPT_HOME: home } });

  it('path and list show the cache', () => {
    expect(run(['models', 'path']).stdout.trim()).toBe(home);
    const list = JSON.parse(run(['models', 'list', '--json']).stdout);
    expect(list.released.yellow).toBe('yellow_medium');
    expect(list.cached).toEqual([]);
  });

  it('info describes a checkpoint and caches its conversion', () => {
    const r = run(['models', 'info', path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'), '--json']);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.config).toEqual({ vocab_size: 647, n_positions: 2048, n_embd: 64, n_layer: 2, n_head: 4 });
    expect(info.window_sizes).toEqual([4, 8]);
    const yellow = parityFile<{ vocab_size: number }>('encode_yellow_encoder.json.gz');
    expect(info.vocab_size).toBe(yellow.vocab_size);
    const list = JSON.parse(run(['models', 'list', '--json']).stdout);
    expect(list.cached.map((c: { kind: string }) => c.kind)).toEqual(['onnx']);
  });

  it('info on something that is not a model fails clearly', () => {
    const r = run(['models', 'info', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a model name');
  });
});
