// Writes tests/fixtures/malformed/: broken and hostile MIDI files, each with
// the error a user should see (or null where the file must still be read).
// Run again after changing a case: node scripts/make-malformed-corpus.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../tests/fixtures/malformed');

const vlq = (v) => {
  const bytes = [v & 0x7f];
  while ((v = Math.floor(v / 128))) bytes.unshift(0x80 | (v & 0x7f));
  return bytes;
};
const u32 = (v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const u16 = (v) => [(v >> 8) & 0xff, v & 0xff];
const header = (format, tracks, division, length = 6) => [...Buffer.from('MThd'), ...u32(length), ...u16(format), ...u16(tracks), ...u16(division)];
const chunk = (body, length = body.length) => [...Buffer.from('MTrk'), ...u32(length), ...body];
const eot = [0x00, 0xff, 0x2f, 0x00];
const note = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0];
const file = (division, ...bodies) => [...header(1, bodies.length, division), ...bodies.flatMap((b) => chunk(b))];

// Many tracks (channel x program pairs) over many bars: too big to expand.
function manyTracksManyBars() {
  const body = [];
  for (let i = 0; i < 100; i++) body.push(0x00, 0xc0 | (i % 16), Math.floor(i / 16), 0x00, 0x90 | (i % 16), 60, 100);
  body.push(...vlq(200000));
  for (let i = 0; i < 100; i++) body.push(...(i ? [0x00] : []), 0x80 | (i % 16), 60, 0);
  return file(1, [...body, ...eot]);
}

const cases = [
  ['empty-file.mid', 'zero bytes', [], 'not a Standard MIDI File'],
  ['text-file.mid', 'a text file with a .mid name', [...Buffer.from('hello, this is not MIDI\n')], 'does not start with "MThd"'],
  ['truncated-header.mid', 'the header chunk stops after 2 of 6 bytes', header(1, 1, 480).slice(0, 10), 'header chunk claims 6 bytes'],
  ['short-header.mid', 'header length field says 4', header(1, 1, 480, 4), 'at least 6'],
  ['smpte-division.mid', 'SMPTE time division (25 fps)', [...header(1, 1, 0xe728), ...chunk([...note, ...eot])], 'SMPTE time division is not supported'],
  ['unknown-format.mid', 'format 7', [...header(7, 1, 480), ...chunk([...note, ...eot])], 'unknown MIDI file format 7'],
  ['missing-tracks.mid', 'declares 3 tracks, holds 1', [...header(1, 3, 480), ...chunk([...note, ...eot])], 'declares 3 tracks but ends after 1'],
  ['truncated-track.mid', 'the file ends inside a track chunk', file(480, [...note, ...note, ...eot]).slice(0, -6), 'track chunk claims'],
  ['huge-chunk-length.mid', 'a chunk length of 0xFFFFFFFF', [...header(1, 1, 480), ...chunk([...note, ...eot], 0xffffffff)], 'track chunk claims 4294967295 bytes'],
  ['cut-event.mid', 'a chunk that ends inside a note-on', file(480, [0x00, 0x90, 60]), 'unexpected end of data'],
  ['running-status-first.mid', 'data bytes before any status byte', file(480, [0x00, 60, 100, ...eot]), 'running status used before any channel message'],
  ['data-byte-high.mid', 'a note-on whose pitch byte is 0xC8', file(480, [0x00, 0x90, 0xc8, 100, ...eot]), 'data byte 0xC8 above 0x7F'],
  ['long-vlq.mid', 'a delta time of 5 bytes', file(480, [0xff, 0xff, 0xff, 0xff, 0x7f, 0x90, 60, 100, ...eot]), 'longer than 4 bytes'],
  ['meta-overrun.mid', 'a meta event longer than its chunk', file(480, [0x00, 0xff, 0x03, 0x40, ...Buffer.from('name')]), 'meta event claims 64 bytes'],
  ['sysex-overrun.mid', 'a sysex event longer than its chunk', file(480, [0x00, 0xf0, 0x7f, 0x01, 0x02]), 'sysex event claims 127 bytes'],
  ['system-common.mid', 'a song-position message (0xF2) inside a track', file(480, [0x00, 0xf2, 0x00, 0x00, ...eot]), 'unexpected status byte 0xF2'],
  ['absurd-delta.mid', 'a note lasting 2^28 ticks at 1 tick per quarter', file(1, [0x00, 0x90, 60, 100, 0xff, 0xff, 0xff, 0x7f, 0x80, 60, 0, ...eot]), 'more than 100000 bars'],
  ['many-tracks-many-bars.mid', '100 tracks over 50000 bars', manyTracksManyBars(), 'tracks of 50000 bars'],
  ['zero-division.mid', 'division 0: read with 480 ticks per quarter, like the reference', file(0, [...note, ...eot]), null],
  ['bad-time-signature.mid', 'a time signature with denominator 2^200 and numerator 0', file(480, [0x00, 0xff, 0x58, 0x04, 0, 200, 24, 8, ...note, ...eot]), null],
  ['tiny-meta.mid', 'tempo, time and key signature metas with too few bytes', file(480, [0x00, 0xff, 0x51, 0x01, 0x07, 0x00, 0xff, 0x58, 0x00, 0x00, 0xff, 0x59, 0x01, 0x02, ...note, ...eot]), null],
  ['no-end-of-track.mid', 'a track without its end-of-track event', file(480, [...note]), null],
];

mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(path.join(out, f));
for (const [name, , bytes] of cases) writeFileSync(path.join(out, name), Buffer.from(bytes));
const manifest = cases.map(([file, description, , error]) => ({ file, description, error }));
writeFileSync(path.join(out, 'cases.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${cases.length} files to ${path.relative(process.cwd(), out)}`);
