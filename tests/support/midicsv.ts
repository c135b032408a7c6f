// An independent view of a MIDI file: Debian's `midicsv` lists every event,
// and the helpers here pair notes and build the bar grid from that listing
// alone (first-in-first-out note pairing per track chunk, channel and pitch,
// as Standard MIDI File readers do; bars from the time-signature map).
import { execFileSync } from 'node:child_process';

export interface CsvEvent {
  /** MIDI track chunk, from 0. */
  chunk: number;
  tick: number;
  type: string;
  /** Everything after the type, as midicsv printed it. */
  fields: string;
}

export interface CsvFile {
  format: number;
  division: number;
  chunks: number;
  events: CsvEvent[];
}

export interface PairedNote {
  chunk: number;
  channel: number;
  /** The channel's program when the note started (0 before any program change in its chunk). */
  program: number;
  pitch: number;
  velocity: number;
  on: number;
  /** null for a note-on that nothing closed. */
  off: number | null;
}

export function midicsv(file: string): CsvFile {
  const text = execFileSync('midicsv', [file], { encoding: 'latin1', maxBuffer: 512 << 20 });
  const out: CsvFile = { format: -1, division: -1, chunks: 0, events: [] };
  for (const line of text.split('\n')) {
    const m = /^(\d+), (\d+), (\w+)(?:, (.*))?$/.exec(line.trimEnd());
    if (!m) continue;
    const [, track, tick, type, fields = ''] = m;
    if (type === 'Header') {
      const [format, chunks, division] = fields.split(', ').map(Number);
      Object.assign(out, { format, chunks, division });
    } else if (type !== 'End_of_file') {
      out.events.push({ chunk: Number(track) - 1, tick: Number(tick), type: type!, fields });
    }
  }
  return out;
}

const isNoteEvent = (e: CsvEvent) => e.type === 'Note_on_c' || e.type === 'Note_off_c';

/** Every event that is not a note-on/off, as comparable strings (chunk, tick, type, fields). */
export function nonNoteEvents(file: CsvFile, options: { withEndOfTrack?: boolean } = {}): string[] {
  return file.events
    .filter((e) => !isNoteEvent(e) && (options.withEndOfTrack || e.type !== 'End_track'))
    .map((e) => `${e.chunk} ${e.tick} ${e.type} ${e.fields}`);
}

/** Notes paired first in, first out per (chunk, channel, pitch), with the program in effect at each onset. */
export function pairNotes(file: CsvFile): PairedNote[] {
  const notes: PairedNote[] = [];
  const open = new Map<string, PairedNote[]>();
  const programs = new Map<string, number>();
  for (const e of file.events) {
    if (e.type === 'Program_c') {
      const [channel, program] = e.fields.split(', ').map(Number);
      programs.set(`${e.chunk}:${channel}`, program!);
      continue;
    }
    if (!isNoteEvent(e)) continue;
    const [channel, pitch, velocity] = e.fields.split(', ').map(Number) as [number, number, number];
    const key = `${e.chunk}:${channel}:${pitch}`;
    const queue = open.get(key) ?? [];
    open.set(key, queue);
    if (e.type === 'Note_on_c' && velocity > 0) {
      const note: PairedNote = { chunk: e.chunk, channel, program: programs.get(`${e.chunk}:${channel}`) ?? 0, pitch, velocity, on: e.tick, off: null };
      notes.push(note);
      queue.push(note);
    } else {
      const closed = queue.shift();
      if (closed) closed.off = e.tick;
    }
  }
  return notes;
}

export const noteKey = (n: PairedNote) => `${n.chunk} ${n.channel} ${n.program} ${n.on} ${n.off} ${n.pitch} ${n.velocity}`;

/**
 * Bar start ticks from the file's time signatures (the grid every MIDI-GPT reader uses): each
 * signature's bars run to the next signature; the last runs past the last note's end. A
 * signature whose bar would be shorter than a tick is ignored.
 */
export function barStarts(file: CsvFile, notes: PairedNote[]): number[] {
  const signatures = new Map<number, number>();
  let last = 0;
  for (const e of file.events) {
    if (e.type !== 'Time_signature') continue;
    const [numerator, power] = e.fields.split(', ').map(Number) as [number, number];
    const length = power < 8 ? Math.floor((file.division * 4 * numerator) / 2 ** power) : 0;
    if (length <= 0) continue;
    signatures.set(e.tick, length);
    last = Math.max(last, e.tick);
  }
  if (!signatures.has(0)) signatures.set(0, 4 * file.division);
  for (const n of notes) if (n.off !== null) last = Math.max(last, n.off);
  const starts = [...signatures.keys()].sort((a, b) => a - b);
  const bars: number[] = [];
  starts.forEach((start, i) => {
    const length = signatures.get(start)!;
    const next = starts[i + 1];
    if (next !== undefined) for (let t = start; t < next; t += length) bars.push(t);
    else {
      let t = start;
      do bars.push(t), (t += length);
      while (t < last);
      bars.push(t); // the end of the last bar
    }
  });
  return bars;
}
