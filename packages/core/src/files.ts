// What the TypeScript layer reads from outside: MIDI files and encoder configs
// by path, and the built-in encoder configs. Node reads them from disk
// (files-node.ts); a browser has the built-in configs compiled in and no paths
// (browser.ts). The entry point installs one.
export interface FileAccess {
  /** A file's bytes; refuses files over `maxBytes` before reading them. */
  readBytes(path: string, maxBytes: number): Uint8Array;
  /** A text file (an encoder config given by path). */
  readText(path: string): string;
  exists(path: string): boolean;
  /** The JSON text of a built-in encoder config (its file name without `.json`). */
  builtinEncoder(file: string): string;
}

/** No files by path (a browser); the built-in configs too until an entry point installs them. */
export const noPathFiles: FileAccess = {
  readBytes: (path) => noPaths(path),
  readText: (path) => noPaths(path),
  exists: () => false,
  builtinEncoder: (file) => noPaths(file),
};

function noPaths(path: string): never {
  throw new Error(`@midigpt/core: cannot read ${path}: files are read by path under Node only; in a browser, pass the MIDI file's bytes or an encoder config's JSON text`);
}

/** The installed file access (a live binding). */
export let files: FileAccess = noPathFiles;

export function installFiles(access: FileAccess): void {
  files = access;
}
