// Getting MIDI files in (file picker, drag and drop, the bundled example) and out (download).
import type { Bytes } from './document.js';
import exampleUrl from '../../../examples/pop909-032.mid?url';

export interface MidiFile {
  name: string;
  bytes: Bytes;
}

export const EXAMPLE_NAME = 'pop909-032.mid';

export async function exampleFile(): Promise<MidiFile> {
  const response = await fetch(exampleUrl);
  if (!response.ok) throw new Error(`the example could not be loaded (${response.status})`);
  return { name: EXAMPLE_NAME, bytes: new Uint8Array(await response.arrayBuffer()) };
}

export async function readFile(file: File): Promise<MidiFile> {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** Calls `open` with the file picked in `input` or dropped anywhere on the page. */
export function acceptFiles(input: HTMLInputElement, open: (file: File) => void): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) open(file);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dropping');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dropping');
    const file = e.dataTransfer?.files[0];
    if (file) open(file);
  });
}

/** `song.mid` -> `song-midigpt.mid` */
export function exportName(name: string): string {
  return `${name.replace(/\.midi?$/i, '')}-midigpt.mid`;
}

export function download(name: string, bytes: Bytes): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'audio/midi' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
