// Writing results: never over the input, never over an existing file unless
// asked, and atomically (a temporary file renamed into place).
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** `-` as an output file: standard output. */
export const STDOUT = '-';

export function writeOutput(file: string, bytes: Uint8Array, options: { force?: boolean; inputs?: string[] } = {}): void {
  if (file === STDOUT) {
    process.stdout.write(bytes);
    return;
  }
  const target = path.resolve(file);
  if (options.inputs?.some((input) => input !== STDOUT && path.resolve(input) === target))
    throw new UsageError(`refusing to write ${file} over its own input`);
  if (existsSync(target) && !options.force) throw new UsageError(`${file} exists; use --force to replace it`);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
