// What `dataset build` reads: MIDI files, folders of them (searched
// recursively) and list files (one path per line, relative to the list).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

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
    else if (entry.isFile() && isMidi(entry.name)) out.push(full);
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

/** Every MIDI file named by `inputs`, in a stable order, without repeats. */
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
    else if (path.extname(input).toLowerCase() === '.parquet')
      throw new DatasetInputError(`${input}: parquet shards are not supported yet; export the MIDI files to a folder`);
    else if (isMidi(input)) files.push(input);
    else files.push(...readList(input));
  }
  return [...new Set(files.map((f) => path.resolve(f)))];
}
