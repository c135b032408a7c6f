// `midigpt tokenize` and `midigpt vocab`, spawned as a user runs them, checked
// against the reference's parity data.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { midigpt } from '../../../tests/support/cli.js';
import { parityFile, parityMidiPath } from '../../../tests/support/parity.js';

interface Encoded {
  vocab_size: number;
  domains: Array<{ type: string; offset: number; size: number }>;
  files: Record<string, { windows: Array<{ W: number; start: number; variant: string; multi_fill?: number[][]; tokens: number[] }> }>;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-tok-'));

describe('midigpt tokenize', () => {
  const prism = parityFile<Encoded>('encode_prism_encoder.json.gz');

  it.each([
    ['Aicha.mid', 'plain', 4, 0],
    ['Maestro_1.mid', 'plain', 8, 8],
    ['Shut Up.mid', 'multi_fill', 4, 0],
  ] as const)('%s %s W=%i start=%i matches the reference tokens (prism)', (file, variant, W, start) => {
    const ref = prism.files[file]!.windows.find((w) => w.variant === variant && w.W === W && w.start === start)!;
    const args = ['tokenize', parityMidiPath(file), '-e', 'prism', '-w', `${start}:${W}`, '--json'];
    if (ref.multi_fill) args.push('--multi-fill', ref.multi_fill.map(([t, b]) => `${t}:${b}`).join(','));
    const r = midigpt(args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ tokens: ref.tokens, vocab_size: 843 });
  });

  it('prints token names, one bar per line, without --json', () => {
    const r = midigpt(['tokenize', parityMidiPath('edge_drums_and_melodic.mid'), '-e', 'yellow', '-w', '0:4']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('PieceStart:0 NumBars:0');
    expect(lines[1]).toMatch(/^Track:0 Instrument:0 MinPolyphony:/);
    expect(lines.filter((l) => l.startsWith('Bar:0 TimeSig:13')).length).toBe(8);
    expect(lines.at(-1)).toMatch(/^\(\d+ tokens\)$/);
  });

  const badConfig = path.join(tmp, 'bad.json');
  writeFileSync(badConfig, JSON.stringify({ resolution: 12, token_domains: [{ type: 'Banana', domain_size: 3 }] }));
  const file = parityMidiPath('edge_drums_and_melodic.mid');

  it.each([
    [['tokenize', file, '-e', 'yellow', '-w', '0-4'], 2, '--window must be START:BARS'],
    [['tokenize', file, '-e', 'yellow', '-w', '0:3'], 2, 'encodes windows of 4, 8 bars'],
    [['tokenize', file, '-e', 'yellow', '-w', '8:4'], 1, 'does not fit: a track has only 9 bars'],
    [['tokenize', file, '-e', 'yellow', '-w', '0:4', '--multi-fill', '0;1'], 2, '--multi-fill takes TRACK:BAR pairs'],
    [['tokenize', file, '-e', 'nope', '-w', '0:4'], 1, 'unknown encoder "nope"'],
    [['tokenize', file, '-e', badConfig, '-w', '0:4'], 1, 'unknown token type "Banana"'],
    [['tokenize', file, '-w', '0:4'], 2, "required option '-e, --encoder <name|path>' not specified"],
  ])('%j exits %i with a clear message', (args, status, message) => {
    const r = midigpt(args as string[]);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('midigpt vocab', () => {
  it.each(['yellow_encoder', 'expressive_encoder', 'ghost_config'])('%s --json matches the reference layout', (config) => {
    const ref = parityFile<Encoded>(`encode_${config}.json.gz`);
    const r = midigpt(['vocab', '-e', config, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ vocab_size: ref.vocab_size, domains: ref.domains.map(({ type, offset, size }) => ({ type, offset, size })) });
  });

  it('prints a table without --json', () => {
    const r = midigpt(['vocab', '-e', 'yellow']);
    expect(r.stdout).toContain('yellow: 647 tokens');
    expect(r.stdout).toMatch(/NoteOnset\s+154-281\s+128/);
  });
});
