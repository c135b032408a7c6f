// The real binary, spawned as a user runs it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { midigpt, midigptBin } from '../../../tests/support/cli.js';
import { parityMidiPath } from '../../../tests/support/parity.js';

const version = (JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-cli-'));
const aicha = parityMidiPath('Aicha.mid');

describe('midigpt', () => {
  it('--version prints the package version', () => {
    const r = midigpt(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists the commands; score --help has examples', () => {
    expect(midigpt(['--help']).stdout).toMatch(/score \[options\] <file>/);
    const help = midigpt(['score', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--resolution');
  });

  it('score prints a readable summary', () => {
    const r = midigpt(['score', aicha]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('14 tracks, 97 bars, 6760 notes');
    expect(r.stdout).toMatch(/Basse\s+Bass \(program 33\)\s+97\s+478/);
  });

  it('score --json output is the interchange format, and reads back from .json', () => {
    const r = midigpt(['score', aicha, '--json']);
    expect(r.status).toBe(0);
    const score = JSON.parse(r.stdout);
    expect(Object.keys(score).sort()).toEqual(['key_signatures', 'resolution', 'tempo', 'tempos', 'tracks']);
    expect(Object.keys(score.tracks[1]).sort()).toEqual(['attributes', 'bars', 'instrument', 'name', 'track_type']);
    const file = path.join(tmp, 'aicha.json');
    writeFileSync(file, r.stdout);
    const again = midigpt(['score', file, '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(score);
    const at12 = JSON.parse(midigpt(['score', file, '--json', '--resolution', '12']).stdout);
    expect(at12.resolution).toBe(12);
  });

  it('score - reads standard input, MIDI or JSON (told apart by content)', () => {
    const fromFile = midigpt(['score', aicha, '--json']).stdout;
    const midi = midigpt(['score', '-', '--json'], { input: readFileSync(aicha) });
    expect(midi.status).toBe(0);
    expect(JSON.parse(midi.stdout)).toEqual(JSON.parse(fromFile));
    const json = midigpt(['score', '-'], { input: fromFile });
    expect(json.status).toBe(0);
    expect(json.stdout).toContain('14 tracks, 97 bars, 6760 notes');
    const junk = midigpt(['score', '-'], { input: 'hello' });
    expect(junk.status).toBe(1);
    expect(junk.stderr).toContain('not a Standard MIDI File');
  });

  it('--resolution changes the grid', () => {
    const r = midigpt(['score', aicha, '--json', '-r', '12']);
    expect(JSON.parse(r.stdout).resolution).toBe(12);
  });

  const notJson = path.join(tmp, 'broken.json');
  writeFileSync(notJson, '{"resolution": 480, "tracks": [');
  const badField = path.join(tmp, 'bad-field.json');
  writeFileSync(badField, JSON.stringify({ resolution: 480, tracks: [{ bars: [{ notes: [[60, 90, 'x', 1]] }] }] }));
  const textFile = path.join(tmp, 'notes.mid');
  writeFileSync(textFile, 'not a midi file');

  it.each([
    [['score', path.join(tmp, 'missing.mid')], 1, 'no such file'],
    [['score', tmp], 1, 'is a folder'],
    [['score', textFile], 1, 'not a Standard MIDI File'],
    [['score', notJson], 1, 'invalid JSON'],
    [['score', badField], 1, 'tracks[0].bars[0].notes[0][2] (onset) must be a number'],
    [['score', aicha, '--resolution', 'abc'], 2, '--resolution must be a whole number'],
    [['score', aicha, '--resolution', '0'], 2, '--resolution must be a whole number'],
    [['score'], 2, "missing required argument 'file'"],
    [['frobnicate'], 2, "unknown command 'frobnicate'"],
    [['score', aicha, '--colour'], 2, "unknown option '--colour'"],
  ])('%j exits %i with a clear message', (args, status, message) => {
    const r = midigpt(args as string[]);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('--debug shows the stack trace', () => {
    const r = midigpt(['score', textFile, '--debug']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('stops quietly when the reader closes the pipe early (midigpt ... | head)', () => {
    const r = spawnSync('bash', ['-c', `"${midigptBin}" score "${aicha}" --json | head -c 10 > /dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(r.stderr).toBe('status=0\n'); // no EPIPE trace, exit 0
  });
});
