// Runs the real `midigpt` binary, as a user would after set-up.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './parity.js';

export const midigptBin = path.join(repoRoot, 'node_modules', '.bin', 'midigpt');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `midigpt args`; `input` is sent on its standard input. */
export function midigpt(args: string[], options: { cwd?: string; input?: Uint8Array | string } = {}): CliResult {
  const r = spawnSync(midigptBin, args, { cwd: options.cwd ?? repoRoot, encoding: 'utf8', maxBuffer: 256 << 20, input: options.input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, keeping standard output as bytes (a MIDI file written to `-o -`). */
export function midigptBytes(args: string[], options: { input?: Uint8Array | string } = {}): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(midigptBin, args, { cwd: repoRoot, maxBuffer: 256 << 20, input: options.input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
