import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCoreError, MAX_MIDI_BYTES, parseMidiEvents, Score, Tokenizer, type ScoreJSON } from '../src/index.js';
import { codeOf } from '../../../tests/support/errors.js';
import { parityMidiFiles, parityMidiPath } from '../../../tests/support/parity.js';

const withoutDeltas = (s: ScoreJSON): ScoreJSON => ({
  ...s,
  tracks: s.tracks.map((t) => ({ ...t, bars: t.bars.map((b) => ({ ...b, notes: b.notes.map((n) => [n[0], n[1], n[2], n[3], 0] as typeof n) })) })),
});


describe('MIDI round trip', () => {
  it.each(parityMidiFiles())('%s: written anew (ignoreSource), read back: the same score', (name) => {
    const score = Score.fromMidi(parityMidiPath(name));
    const back = Score.fromMidi(score.toMidi({ ignoreSource: true }));
    // `delta` is sub-tick timing that MIDI at the score's own resolution cannot hold.
    expect(back.toJSON()).toEqual(withoutDeltas(score.toJSON()));
  });

  it('keeps empty tracks, trailing empty bars, names, tempo map and key signatures', () => {
    const input = {
      resolution: 96,
      tempo: 400000,
      tempos: [[0, 400000], [384, 300000]] as [number, number][],
      key_signatures: [[0, 3, 1]] as [number, number, number][],
      tracks: [
        { name: 'Lead', instrument: 80, bars: [{ ts: [4, 4] as [number, number], notes: [[72, 100, 0, 96, 0]] as ScoreJSON['tracks'][0]['bars'][0]['notes'] }, { ts: [3, 4] as [number, number] }, { ts: [3, 4] as [number, number] }] },
        { name: 'Kit', track_type: 'drum' as const, bars: [{ notes: [[36, 110, 0, 12]] as [number, number, number, number][] }, { ts: [3, 4] as [number, number] }, { ts: [3, 4] as [number, number] }] },
        { name: 'Empty', instrument: 33, bars: [{}, { ts: [3, 4] as [number, number] }, { ts: [3, 4] as [number, number] }] },
      ],
    };
    const score = Score.fromJSON(input);
    const back = Score.fromMidi(score.toMidi(), { resolution: 96 }).toJSON();
    expect(back).toEqual(score.toJSON());
    expect(back.tracks.map((t) => t.name)).toEqual(['Lead', 'Kit', 'Empty']);
    expect(back.tracks[1]!.track_type).toBe('drum');
    expect(back.tracks[0]!.bars.map((b) => b.beat_length)).toEqual([4, 3, 3]);
  });

  it('writes files an independent parser (midicsv) accepts', (ctx) => {
    const probe = spawnSync('midicsv', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      // The test set-up installs midicsv (scripts/setup.sh); outside it, say so loudly.
      if (process.env.CI) throw new Error('midicsv is not installed but CI requires it');
      ctx.skip();
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-'));
    for (const name of ['Aicha.mid', 'edge_time_sig_change.mid', 'edge_drums_and_melodic.mid']) {
      const score = Score.fromMidi(parityMidiPath(name));
      const file = path.join(dir, name);
      writeFileSync(file, score.toMidi({ ignoreSource: true }));
      const csv = spawnSync('midicsv', [file], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(csv.status, csv.stderr).toBe(0);
      const noteOns = csv.stdout.split('\n').filter((l) => l.includes('Note_on_c')).length;
      expect(noteOns).toBe(score.summary().notes);
      expect(csv.stdout).toContain(`Header, 1, ${score.tracks.length + 1}, 480`);
    }
  });
});

describe('a score read from MIDI remembers its file', () => {
  it.each(parityMidiFiles())('%s: with nothing generated, toMidi gives the file back byte for byte', (name) => {
    const bytes = readFileSync(parityMidiPath(name));
    const score = Score.fromMidi(bytes);
    expect(score.hasMidiSource).toBe(true);
    expect(score.generatedCells).toEqual([]);
    expect(Buffer.from(score.toMidi()).equals(bytes)).toBe(true);
  });

  it('keeps a private copy of the bytes it was given', () => {
    const bytes = new Uint8Array(readFileSync(parityMidiPath('piano_bell.mid')));
    const original = bytes.slice();
    const score = Score.fromMidi(bytes);
    bytes.fill(0);
    expect(score.toMidi()).toEqual(original);
  });

  it('addTrack and resample keep the source; fromJSON and window do not', () => {
    const score = Score.fromMidi(parityMidiPath('Maestro_1.mid'));
    const added = score.addTrack({ instrument: 33, name: 'bass' });
    expect(added.hasMidiSource).toBe(true);
    expect(added.tracks).toHaveLength(score.tracks.length + 1);
    expect(added.tracks.at(-1)).toMatchObject({ instrument: 33, name: 'bass', track_type: 'melodic' });
    expect(added.tracks.at(-1)!.bars.map((b) => b.ts)).toEqual(score.tracks[0]!.bars.map((b) => b.ts));
    const events = parseMidiEvents(added.toMidi());
    expect(events.ticks_per_quarter).toBe(384);
    expect(events.tracks.at(-1)).toMatchObject({ name: 'bass', program: 33, midi_track: 2 });
    expect(score.resample(12).hasMidiSource).toBe(true);
    expect(Score.fromJSON(score.toJSON()).hasMidiSource).toBe(false);
    expect(score.window(0, 4).hasMidiSource).toBe(false);
    expect(parseMidiEvents(score.toMidi({ ignoreSource: true })).ticks_per_quarter).toBe(480);
  });

  it('a score without tracks cannot shape a new one', () => {
    expect(() => Score.fromJSON({ resolution: 480, tracks: [] }).addTrack({ instrument: 0 })).toThrow(/no bars/);
  });
});

describe('JSON interchange', () => {
  it('fromJSON(toJSON()) is the identity and fills defaults', () => {
    const score = Score.fromMidi(parityMidiPath('Aicha.mid'));
    expect(Score.fromJSON(JSON.stringify(score.toJSON())).toJSON()).toEqual(score.toJSON());
    const minimal = Score.fromJSON({ resolution: 12, tracks: [{ bars: [{ ts: [6, 8], notes: [[60, 90, 0, 6]] }] }] }).toJSON();
    expect(minimal.tracks[0]).toEqual({
      name: '',
      instrument: 0,
      track_type: 'melodic',
      attributes: {},
      bars: [{ ts: [6, 8], beat_length: 3, future: false, notes: [[60, 90, 0, 6, 0]] }],
    });
    expect(minimal.tempo).toBe(500000);
  });

  it.each([
    [{}, 'resolution must be a number'],
    [{ resolution: 0, tracks: [] }, 'resolution is 0, outside 1..32767'],
    [{ resolution: 480 }, 'tracks must be an array'],
    [{ resolution: 480, tracks: [{ bars: [], track_type: 'piano' }] }, 'tracks[0].track_type must be "melodic" or "drum"'],
    [{ resolution: 480, tracks: [{ bars: [{ notes: [[60, 90, 0]] }] }] }, 'tracks[0].bars[0].notes[0] must be [pitch, velocity, onset, duration, delta?]'],
    [{ resolution: 480, tracks: [{ bars: [{ notes: [[60, '90', 0, 1]] }] }] }, 'tracks[0].bars[0].notes[0][1] (velocity) must be a number'],
    [{ resolution: 480, tracks: [{ bars: [{ notes: [[60.5, 90, 0, 1]] }] }] }, '(pitch) must be an integer'],
    [{ resolution: 480, tracks: [{ bars: [{ ts: [4, 0] }] }] }, 'tracks[0].bars[0].ts[1] is 0'],
    [{ resolution: 480, tracks: [{ bars: [{ beat_length: -1 }] }] }, 'beat_length must be above 0'],
    [{ resolution: 480, tracks: [{ bars: [{ future: 'yes' }] }] }, 'future must be true or false'],
    [{ resolution: 480, tracks: [{ bars: [], attributes: { density: 'high' } }] }, 'attributes.density must be a number'],
    [{ resolution: 480, tracks: [], key_signatures: [[0, 9, 0]] }, 'key_signatures[0][1] is 9, outside -7..7'],
    [null, 'score must be an object'],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => Score.fromJSON(input as never)).toThrow(message);
    expect(codeOf(() => Score.fromJSON(input as never))).toBe('INVALID_SCORE');
  });

  it('refuses to write values MIDI cannot hold, naming where they are', () => {
    const score = Score.fromJSON({ resolution: 480, tracks: [{ bars: [{ notes: [[60, 0, 0, 10]] }] }] });
    expect(() => score.toMidi()).toThrow('track 0 bar 0 note 0: velocity 0 is outside 1-127');
    const odd = Score.fromJSON({ resolution: 480, tracks: [{ bars: [{ ts: [4, 3], notes: [] }] }] });
    expect(() => odd.toMidi()).toThrow('not a power of two');
  });
});

describe('resolution', () => {
  it('reads at a chosen resolution and resamples by truncation (path B)', () => {
    const at480 = Score.fromMidi(parityMidiPath('Maestro_1.mid'));
    const at12 = at480.resample(12);
    expect(at12.resolution).toBe(12);
    const a = at480.toJSON().tracks[0]!.bars[3]!.notes;
    const b = at12.toJSON().tracks[0]!.bars[3]!.notes;
    expect(b.length).toBe(a.length);
    b.forEach((n, i) => {
      expect(n[2]).toBe(Math.trunc((a[i]![2] * 12) / 480));
      expect(n[3]).toBe(Math.max(1, Math.trunc((a[i]![3] * 12) / 480)));
    });
    expect(Score.fromMidi(parityMidiPath('Maestro_1.mid'), { resolution: 12 }).resolution).toBe(12);
    expect(codeOf(() => at480.resample(0))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => Score.fromMidi(parityMidiPath('Maestro_1.mid'), { resolution: 1e9 }))).toBe('OUT_OF_RANGE');
  });
});

describe('bad input never crashes the process', () => {
  const dir = path.resolve(__dirname, '../../../tests/fixtures/malformed');
  const cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Array<{ file: string; description: string; error: string | null }>;

  it.each(cases)('$file ($description)', ({ file, error }) => {
    const read = () => Score.fromMidi(path.join(dir, file));
    if (error === null) {
      expect(read().tracks.length).toBeGreaterThan(0);
    } else {
      expect(read).toThrow(error);
      expect(codeOf(read)).toBe('MIDI_FORMAT');
    }
  });

  it('refuses files over the size limit before reading them', () => {
    const big = new Uint8Array(MAX_MIDI_BYTES + 1);
    big.set([0x4d, 0x54, 0x68, 0x64]);
    expect(() => Score.fromMidi(big)).toThrow('are not accepted');
  });

  it('refuses a file path over the size limit without reading the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-big-'));
    try {
      const file = path.join(dir, 'big.mid');
      writeFileSync(file, 'MThd');
      truncateSync(file, MAX_MIDI_BYTES + 1); // sparse: the size is checked before any byte is read
      expect(() => Score.fromMidi(file)).toThrow(`big.mid is ${MAX_MIDI_BYTES + 1} bytes; MIDI files over 64 MiB are not accepted`);
      expect(codeOf(() => Score.fromMidi(file))).toBe('FILE_TOO_LARGE');
      expect(codeOf(() => parseMidiEvents(file))).toBe('FILE_TOO_LARGE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects wrong argument types with TypeErrors', () => {
    expect(() => parseMidiEvents(42 as never)).toThrow(TypeError);
  });

  it('every integer argument follows one rule: NaN, infinities, fractions and 1e10 are RangeErrors naming it', () => {
    const score = Score.fromMidi(parityMidiPath('piano_bell.mid'));
    const tokenizer = Tokenizer.load('yellow');
    for (const bad of [NaN, Infinity, -Infinity, 2.5, 1e10, -1e10]) {
      expect(() => score.window(bad, 2), `window(${bad})`).toThrow(/start must be a whole number from -2147483648 to 2147483647/);
      expect(() => score.resample(bad), `resample(${bad})`).toThrow(RangeError);
      expect(() => tokenizer.encode(score, { windowBars: bad }), `windowBars ${bad}`).toThrow(/encode option windowBars must be a whole number/);
      expect(() => tokenizer.encode(score, { windowBars: 4, multiFill: [[0, bad]] }), `multiFill ${bad}`).toThrow(/multiFill bar must be a whole number/);
    }
    expect(() => score.window('2' as never, 2)).toThrow(TypeError);
  });

  it('survives 3000 random corruptions of real files', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const sources = ['Aicha.mid', 'piano_bell.mid', 'edge_time_sig_change.mid'].map((f) => readFileSync(parityMidiPath(f)));
    let rejected = 0;
    for (let round = 0; round < 3000; round++) {
      const bytes = Uint8Array.from(sources[round % sources.length]!);
      const edits = 1 + Math.floor(random() * 8);
      for (let k = 0; k < edits; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const input = round % 7 === 0 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      try {
        Score.fromMidi(input);
      } catch (e) {
        expect(isCoreError(e), String(e)).toBe(true);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
