// Where models live on disk: MIDIGPT_HOME, or the user's cache folder
// (env-paths: ~/.cache/midigpt on Linux, ~/Library/Caches/midigpt on macOS,
// %LOCALAPPDATA%\midigpt\Cache on Windows).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';

export function modelHome(): string {
  return process.env.MIDIGPT_HOME ?? envPaths('midigpt', { suffix: '' }).cache;
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes a file atomically (a temporary file renamed into place). */
export function writeAtomically(file: string, bytes: Uint8Array): void {
  ensureDir(path.dirname(file));
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, file);
}

/**
 * The ONNX file of a checkpoint, converted once and kept in the cache under
 * the checkpoint's sha256 (and the conversion options), so later loads skip
 * conversion (and never read the checkpoint whole: it is hashed as a stream).
 */
export async function cachedConversion(checkpoint: string, variant: string, convert: () => Uint8Array): Promise<string> {
  const file = path.join(modelHome(), 'onnx', `${await sha256File(checkpoint)}-${variant}.onnx`);
  if (!existsSync(file)) writeAtomically(file, convert());
  return file;
}
