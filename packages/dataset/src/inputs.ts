// What `dataset build` reads: MIDI files, folders of them (searched
// recursively) and list files (one path per line, relative to the list).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_MIDI_BYTES } from '@midigpt/core';

const MIDI_EXTENSIONS = new Set(['.mid', '.midi', '.smf', '.kar']);

export class DatasetInputError extends Error {
  override name = 'DatasetInputError';
}

function isMidi(file: string): boolean {
  return MIDI_EXTENSIONS.has(path.extname(file).toLowerCase());
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && (isMidi(entry.name) || isParquet(entry.name))) out.push(full);
  }
}

function readList(file: string): string[] {
  const base = path.dirname(file);
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => path.resolve(base, line));
}

export function isParquet(file: string): boolean {
  return path.extname(file).toLowerCase() === '.parquet';
}

/** One piece to judge: where it came from, its bytes, and what a shard's metadata says of it. */
export interface PieceSource {
  source: string;
  read(): Uint8Array;
  /** From a parquet shard: the metadata filter's verdict (null = passes), per-track NOMML and genres. */
  metadataReject?: string | null;
  nomml?: number[] | null;
  genres?: string[];
}

/** A MIDI file as a piece source; its size is checked before it is read. */
export function fileSource(file: string): PieceSource {
  return {
    source: file,
    read() {
      const size = statSync(file).size;
      if (size > MAX_MIDI_BYTES) throw new DatasetInputError(`${size} bytes is more than any MIDI file needs`);
      return readFileSync(file);
    },
  };
}

/** Every MIDI file and parquet shard named by `inputs`, in a stable order, without repeats. */
export function collectMidiFiles(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      throw new DatasetInputError(`${input}: no such file or folder`);
    }
    if (stat.isDirectory()) walk(input, files);
    else if (isParquet(input)) files.push(input);
    else if (isMidi(input)) files.push(input);
    else files.push(...readList(input));
  }
  return [...new Set(files.map((f) => path.resolve(f)))];
}
