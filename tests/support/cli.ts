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

export function midigpt(args: string[], options: { cwd?: string } = {}): CliResult {
  const r = spawnSync(midigptBin, args, { cwd: options.cwd ?? repoRoot, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
