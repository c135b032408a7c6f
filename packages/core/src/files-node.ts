// Files under Node: from disk; the built-in encoder configs from encoders/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreError } from './errors.js';
import type { FileAccess } from './files.js';

const encodersDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'encoders');

export const nodeFiles: FileAccess = {
  readBytes(file, maxBytes) {
    const size = statSync(file).size;
    if (size > maxBytes) throw coreError('FILE_TOO_LARGE', `${file} is ${size} bytes; MIDI files over ${maxBytes >> 20} MiB are not accepted`);
    return readFileSync(file);
  },
  readText: (file) => readFileSync(file, 'utf8'),
  exists: (file) => existsSync(file),
  builtinEncoder: (name) => readFileSync(path.join(encodersDir, `${name}.json`), 'utf8'),
};
