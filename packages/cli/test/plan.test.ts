// `midigpt plan`, spawned as a user runs it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { midigpt } from '../../../tests/support/cli.js';
import { parityFile, parityMidiPath } from '../../../tests/support/parity.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-plan-'));
const file = (name: string, body: unknown) => {
  const p = path.join(tmp, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
};
const aicha = parityMidiPath('Aicha.mid');

describe('midigpt plan', () => {
  it('--json: the request, the steps and the first prompt (matches the reference prompt)', () => {
    const ref = parityFile<{ cases: Array<{ config: string; request: string; mask_mode: string; file: string; context_tokens: number[] }> }>(
      'session_prompts.json',
    ).cases.find((c) => c.config === 'yellow_encoder' && c.request === 'infill_tA_b2_3' && c.mask_mode === 'attention' && c.file === 'Aicha.mid')!;
    // The first 8 bars, as the reference's session parity runs used.
    const eight = path.join(tmp, 'eight.json');
    const full = JSON.parse(midigpt(['score', parityMidiPath('Aicha.mid'), '--json']).stdout);
    full.tracks = full.tracks.map((t: { bars: unknown[] }) => ({ ...t, bars: t.bars.slice(0, 8) }));
    writeFileSync(eight, JSON.stringify(full));
    const r = midigpt(['plan', eight, '--request', file('req.json', { tracks: [{ id: 1, bars: [2, 3] }], config: { model_dim: 4 } }), '-e', 'yellow', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['prompt', 'request', 'steps', 'warnings']);
    expect(out.request.config.mask_mode).toBe('attention');
    expect(out.steps.map((s: { start_bar: number; bars_to_generate: number[][] }) => [s.start_bar, s.bars_to_generate])).toEqual([
      [1, [[1, 2]]],
      [2, [[1, 3]]],
    ]);
    expect(Object.keys(out.steps[0]).sort()).toEqual(['bar_mapping', 'bars_to_generate', 'context', 'end_bar', 'is_autoregressive', 'start_bar', 'track_indices']);
    expect(out.prompt.tokens).toEqual(ref.context_tokens);
    expect(out.prompt.hidden_spans).toEqual([]);
  });

  it('--json prints the bar mapping the planner made (local track, local bar, track, bar)', () => {
    const request = file('map.json', { tracks: [{ id: 1, bars: [2, 3] }, { id: 2, bars: [], autoregressive: true }], config: { model_dim: 4, bars_per_step: 2 } });
    const out = JSON.parse(midigpt(['plan', aicha, '--request', request, '-e', 'yellow', '--json']).stdout);
    const steps = out.steps as Array<{ start_bar: number; is_autoregressive: boolean; bars_to_generate: number[][]; bar_mapping: number[][] }>;
    expect(steps.length).toBeGreaterThan(1);
    for (const s of steps) {
      // One entry per generated bar, in the step's window.
      expect(s.bar_mapping.map(([, , t, b]) => [t, b]).sort()).toEqual([...s.bars_to_generate].sort());
      for (const [, lb, , b] of s.bar_mapping) expect(lb).toBe(b! - s.start_bar);
    }
    expect(steps.some((s) => s.is_autoregressive)).toBe(true);
  });

  it('prints a table without --json', () => {
    const r = midigpt(['plan', parityMidiPath('Aicha.mid'), '--request', file('ar.json', { tracks: [{ id: 2, bars: [], autoregressive: true }], config: { model_dim: 8, bars_per_step: 4 } }), '-e', 'yellow']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+ step\(s\); model_dim 8, 4 bar\(s\)/);
    expect(r.stdout).toContain('continue');
    expect(r.stdout).toMatch(/first step prompt: \d+ tokens/);
  });

  it.each([
    [{ tracks: [{ id: 1, bars: [300] }], config: { model_dim: 5, top_p: 2 } }, ['model_dim=5 not in vocab domain', 'top_p must be in (0, 1]', 'bars 300 out of range']],
    [{ tracks: [{ id: 1, bars: [2], autoregressive: true, ignore: true }] }, ['mutually exclusive']],
    [{ tracks: [{ id: 1, bars: [2] }], config: { mask_mode: 'token' } }, ['MaskBar']],
    [{ tracks: [{ id: 1, bars: [2] }], config: { mask_mode: 'blur' } }, ['mask_mode']],
    [{ tracks: [{ id: 1, bars: [2], attributes: { loudness: 3 } }] }, ['unknown attribute']],
  ])('rejects %j listing every problem', (request, messages) => {
    const r = midigpt(['plan', aicha, '--request', file('bad.json', request), '-e', 'yellow']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid request:');
    for (const m of messages) expect(r.stderr).toContain(m);
    expect(r.stdout).toBe('');
  });

  it('reports a request file that is not JSON', () => {
    const r = midigpt(['plan', aicha, '--request', file('broken.json', '{"tracks": ['), '-e', 'yellow']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid JSON');
  });
});
