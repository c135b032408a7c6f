// The HTTP tests' model and inputs: the tiny parity model (fast) in this
// thread for `inject` tests, or in a worker thread for the socket tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Score, type ScoreJSON } from '@midigpt/core';
import { InferenceEngine } from '@midigpt/inference';
import { InProcessModelClient, WorkerModelClient } from '../../src/worker/client.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const parityDir = process.env['MIDIGPT_PARITY_DIR'] ?? path.resolve(repoRoot, '../shared/parity');
export const tinyModel = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
/** 9 bars, a melodic track (0) and a drum track (1), 4/4. */
export const midiPath = path.join(parityDir, 'midi', 'edge_drums_and_melodic.mid');
export const midiBytes = (): Buffer => readFileSync(midiPath);
export const scoreJson = (): ScoreJSON => Score.fromMidi(midiPath).toJSON();

export async function tinyClient(options: { maxJobs?: number } = {}): Promise<InProcessModelClient> {
  return new InProcessModelClient(await InferenceEngine.fromCheckpoint(tinyModel, { threads: 1 }), options);
}

export function tinyWorker(options: { maxJobs?: number } = {}): Promise<WorkerModelClient> {
  return WorkerModelClient.start({ file: tinyModel, threads: 1, ...options });
}

/** An infill of bars 2-3 of track 0, reproducible. */
export const infillRequest = (seed = 1) => ({ tracks: [{ id: 0, bars: [2, 3] }], config: { seed } });

/** The reference's score dict of a small piece: 4 bars of 4/4, a melodic and a drum track. */
export function compatScore() {
  const bar = (pitch: number) => ({
    ts_numerator: 4,
    ts_denominator: 4,
    notes: [0, 480, 960, 1440].map((onset) => ({ pitch, velocity: 90, onset_ticks: onset, duration_ticks: 240 })),
  });
  return {
    resolution: 480,
    tempo: 500000,
    tracks: [
      { instrument: 0, track_type: 'melodic', bars: [bar(60), bar(62), bar(64), bar(65)] },
      { instrument: 0, track_type: 'drum', bars: [bar(36), bar(38), bar(36), bar(38)] },
    ],
  };
}

/** A multipart/form-data body by hand (no client library needed). */
export function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>): { body: Buffer; contentType: string } {
  const boundary = '----midigpt-test-boundary';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value) : p.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Parses a Server-Sent Events body into its events. */
export function parseEvents(text: string): Array<{ event: string; data: unknown }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}
