// Runs the real `midigpt` binary, as a user would after set-up.
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Runs a command without blocking the test worker: a spawnSync that lasts a minute starves
 * vitest's messages to its workers ("Timeout calling onTaskUpdate") and fails the run.
 */
export function runAsync(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** `midigpt args`, without blocking the test worker. */
export const midigptAsync = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => runAsync(midigptBin, args, options);
