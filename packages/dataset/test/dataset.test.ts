// The dataset builder on real POP909 pieces and on inputs built to fail.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@midigpt/core';
import {
  buildDataset,
  collectMidiFiles,
  DatasetInputError,
  defaultFilters,
  judgePiece,
  ProbePool,
  readManifest,
  readPiece,
  sampleStream,
  type PieceFilters,
} from '../src/index.js';
import { repoRoot } from '../../../tests/support/parity.js';

const pop909 = path.resolve(repoRoot, '../shared/data/pop909');
const misbehaving = fileURLToPath(new URL('./fixtures/misbehaving-worker.mjs', import.meta.url));
const temp = (): string => mkdtempSync(path.join(tmpdir(), 'midigpt-dataset-'));
const anyPiece: PieceFilters = { minBars: 1, minTracks: 1, timeSignatures: null };

describe('piece filters (training.md §1.3)', () => {
  const yellow = Tokenizer.load('yellow');

  it('default to the smallest window and the encoder time signatures', () => {
    const filters = defaultFilters(yellow);
    expect(filters.minBars).toBe(Math.min(...yellow.numBarsMap()!));
    expect(filters.minTracks).toBe(1);
    expect(filters.timeSignatures).toContain('4/4');
    expect(filters.timeSignatures).toContain('6/8');
    expect(defaultFilters(yellow, { minBars: 8, timeSignatures: null })).toMatchObject({ minBars: 8, timeSignatures: null });
  });

  it('keep a real piece and count it', () => {
    const verdict = judgePiece(readFileSync(path.join(pop909, '001.mid')), defaultFilters(yellow));
    expect(verdict).toMatchObject({ ok: true, tracks: 3 });
    if (verdict.ok) expect(verdict.bars).toBeGreaterThan(16);
  });

  it('reject unreadable files instead of keeping them (B9)', () => {
    expect(judgePiece(new TextEncoder().encode('not a midi file'), anyPiece)).toMatchObject({ ok: false, reason: 'parse-error' });
  });

  it('reject pieces too short, too thin or in a foreign metre', () => {
    const bytes = readFileSync(path.join(pop909, '001.mid'));
    expect(judgePiece(bytes, { ...anyPiece, minBars: 100_000 })).toMatchObject({ ok: false, reason: 'too-few-bars' });
    expect(judgePiece(bytes, { ...anyPiece, minTracks: 4 })).toMatchObject({ ok: false, reason: 'too-few-tracks' });
    expect(judgePiece(bytes, { ...anyPiece, timeSignatures: ['3/4'] })).toMatchObject({ ok: false, reason: 'time-signature', message: expect.stringMatching(/time signature \d+\/\d+ is not/) });
  });
});

describe('inputs', () => {
  it('reads folders recursively and list files relative to the list', () => {
    const dir = temp();
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    copyFileSync(path.join(pop909, '001.mid'), path.join(dir, 'a', 'b', 'x.MID'));
    writeFileSync(path.join(dir, 'a', 'notes.txt'), 'not midi');
    writeFileSync(path.join(dir, 'list.txt'), '# pieces\na/b/x.MID\n\n');
    expect(collectMidiFiles([path.join(dir, 'a')])).toEqual([path.join(dir, 'a', 'b', 'x.MID')]);
    expect(collectMidiFiles([path.join(dir, 'list.txt'), path.join(dir, 'a')])).toEqual([path.join(dir, 'a', 'b', 'x.MID')]);
  });

  it('names what it cannot read', () => {
    expect(() => collectMidiFiles(['/no/such/folder'])).toThrow(DatasetInputError);
    const shard = path.join(temp(), 'part-0.parquet');
    writeFileSync(shard, 'PAR1');
    expect(collectMidiFiles([shard])).toEqual([shard]); // read as a shard, row by row
  });
});

describe('probe pool', () => {
  it('survives pieces that hang or kill their parser and keeps going', async () => {
    const pool = new ProbePool({ workers: 2, timeoutSeconds: 1, script: misbehaving });
    try {
      const verdicts = await Promise.all([7, 1, 2, 3, 9, 5].map((mode) => pool.judge(Uint8Array.of(mode), anyPiece)));
      expect(verdicts.map((v) => (v.ok ? v.bars : v.reason))).toEqual([7, 'timeout', 'crash', 'crash', 9, 5]);
      expect(verdicts[2]).toMatchObject({ message: expect.stringContaining('SIGSEGV') });
      expect(verdicts[3]).toMatchObject({ message: expect.stringContaining('parser gave up') });
    } finally {
      pool.close();
    }
  });
});

describe('dataset build', () => {
  it('keeps good pieces byte for byte, reports the rest, and rebuilds from the cache', async () => {
    const input = temp();
    const files = ['001.mid', '002.mid', '003.mid', '004.mid'];
    for (const f of files) copyFileSync(path.join(pop909, f), path.join(input, f));
    copyFileSync(path.join(pop909, '002.mid'), path.join(input, 'copy-of-002.mid'));
    writeFileSync(path.join(input, 'broken.mid'), 'MThd garbage');
    const output = path.join(temp(), 'data');
    const cacheDir = temp();
    const progress: number[] = [];

    const manifest = await buildDataset([input], output, { cacheDir, validationFraction: 0.5, onProgress: (p) => progress.push(p.done) });
    // The copy's verdict is shared with the original's, never parsed twice.
    expect(manifest.counts).toMatchObject({ inputs: 6, kept: 4, cached: 1, rejected: { 'parse-error': 1, duplicate: 1 } });
    expect(manifest.counts.train + manifest.counts.validation).toBe(4);
    expect(manifest.rejected.find((r) => r.reason === 'duplicate')?.source).toBe(path.join(input, 'copy-of-002.mid'));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readdirSync(output).sort()).toEqual(['manifest.json', 'pieces.bin']);
    const onDisk = readManifest(output);
    expect(onDisk.pieces.map((p) => path.basename(p.source))).toEqual(files);
    for (const piece of onDisk.pieces) {
      expect(Buffer.from(readPiece(output, piece)).equals(readFileSync(piece.source))).toBe(true);
      expect(piece.split).toBe(parseInt(piece.sha256.slice(0, 8), 16) / 2 ** 32 < 0.5 ? 'validation' : 'train');
    }

    const again = await buildDataset([input], output, { cacheDir, validationFraction: 0.5 });
    expect(again.counts.cached).toBe(6);
    expect(again.pieces).toEqual(manifest.pieces);
  });

  it('reads parquet shards row by row: metadata filter, parse check, NOMML and genres (§1.1)', async () => {
    const dir = temp();
    const midi = new Uint8Array(readFileSync(path.join(pop909, '001.mid')));
    const shard = path.join(dir, 'part-0.parquet');
    writeFileSync(
      shard,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'music', data: [midi, Uint8Array.of(1, 2, 3), midi, midi], type: 'BYTE_ARRAY' },
            { name: 'num_tracks', data: [3, 1, 0, null], type: 'INT32' },
            { name: 'total_notes', data: [1556, 5, 1556, 1556], type: 'INT32' },
            { name: 'NOMML', data: [[4, -1, 6], [1], null, null] },
            { name: 'music_style_scraped', data: ['alternative-indie%2cpop', '', null, null], type: 'STRING' },
          ],
        }),
      ),
    );
    const manifest = await buildDataset([shard], path.join(dir, 'data'), { cacheDir: path.join(dir, 'cache') });
    expect(manifest.counts).toMatchObject({ inputs: 4, kept: 1, rejected: { metadata: 2, 'parse-error': 1 } });
    expect(manifest.pieces[0]).toMatchObject({ source: `${shard}#0`, nomml: [4, -1, 6], genres: ['alternative-indie', 'pop'], tracks: 3 });
    expect(Buffer.from(readPiece(path.join(dir, 'data'), manifest.pieces[0]!)).equals(Buffer.from(midi))).toBe(true);

    // The genres reach the samples of an encoder with genre groups (§2.5).
    const expressive = Tokenizer.load('expressive');
    await buildDataset([shard], path.join(dir, 'expressive'), { encoder: 'expressive', cacheDir: path.join(dir, 'cache') });
    const known = [expressive.genreId('alternative-indie'), expressive.genreId('pop')].map((id) => `Genre:${id}`);
    const names = expressive.tokenNames();
    for (const seed of [1, 2, 3]) {
      const [first] = [...sampleStream(path.join(dir, 'expressive'), { seed, split: 'all' })];
      const genres = Array.from(first!.sample.tokens).map((t) => names[t]!).filter((n) => n.startsWith('Genre:'));
      expect(genres).toHaveLength(1);
      expect(known).toContain(genres[0]);
    }

    // Stashed NOMML values replace the computed ones (§1.1): 9 is a depth the 12-tpq
    // fallback never yields, so every track of every sample must show the stash.
    const stashed = path.join(dir, 'nomml', 'part-0.parquet');
    mkdirSync(path.dirname(stashed));
    writeFileSync(
      stashed,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'music', data: [midi], type: 'BYTE_ARRAY' },
            { name: 'num_tracks', data: [3], type: 'INT32' },
            { name: 'total_notes', data: [1556], type: 'INT32' },
            { name: 'NOMML', data: [[9, 9, 9]] },
          ],
        }),
      ),
    );
    await buildDataset([stashed], path.join(dir, 'nomml-data'), { encoder: 'expressive', cacheDir: path.join(dir, 'cache') });
    for (const seed of [1, 2, 3, 4]) {
      const [first] = [...sampleStream(path.join(dir, 'nomml-data'), { seed, split: 'all' })];
      const nomml = Array.from(first!.sample.tokens).map((t) => names[t]!).filter((n) => n.startsWith('TrackLevelNomml:'));
      expect(nomml.length).toBe(first!.sample.tracks);
      expect(new Set(nomml)).toEqual(new Set(['TrackLevelNomml:9']));
    }
    const [computed] = [...sampleStream(path.join(dir, 'expressive'), { seed: 1, split: 'all' })];
    expect(Array.from(computed!.sample.tokens).map((t) => names[t]!)).not.toContain('TrackLevelNomml:9');

    const partial = path.join(dir, 'part-1.parquet');
    writeFileSync(partial, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'music', data: [midi], type: 'BYTE_ARRAY' }] })));
    await expect(buildDataset([partial], path.join(dir, 'x'))).rejects.toThrow(/no num_tracks, total_notes column/);
    writeFileSync(partial, 'PAR1 not really');
    await expect(buildDataset([partial], path.join(dir, 'x'))).rejects.toThrow(/not a readable parquet file/);
  });

  it('refuses bad settings and empty inputs with clear errors', async () => {
    const empty = temp();
    await expect(buildDataset([empty], path.join(temp(), 'out'))).rejects.toThrow(/no MIDI files/);
    await expect(buildDataset([empty], path.join(temp(), 'out'), { validationFraction: 1 })).rejects.toThrow(/validation fraction/);
    const file = path.join(temp(), 'file');
    writeFileSync(file, '');
    await expect(buildDataset([pop909], file)).rejects.toThrow(/not a folder/);
    expect(existsSync(path.join(empty, 'manifest.json'))).toBe(false);
  });
});
