// The richer job the HTTP API asks for (whole scores, MIDI in and out,
// variations, progress), run on an engine. Used by the model worker and by
// `InProcessModelClient` for jobs that set any of `GenerationJob`'s optional
// HTTP fields; the live engine's jobs keep the plain path.
import { isCoreError, RequestValidationError, Score } from '@midigpt/core';
import type { InferenceEngine } from '@midigpt/inference';
import type { GenerationJob, JobProgress, JobResult, JobVariation } from './protocol.js';

/** Whether a job needs `runFullJob` (it asks for more than one track's bars). */
export function isFullJob(job: GenerationJob): boolean {
  return job.variations !== undefined || job.midi !== undefined || job.addTracks !== undefined || job.want !== undefined || job.progress === true;
}

/** A failure with what a client needs to fix its request: the core's code and problem list. */
export interface JobFailure {
  message: string;
  code?: string;
  problems?: string[];
}

export function describeFailure(error: unknown): JobFailure {
  if (error instanceof RequestValidationError) return { message: 'invalid generation request', code: error.code, problems: [...error.problems] };
  if (isCoreError(error)) return { message: error.message, code: error.code };
  if (error instanceof Error && error.name === 'ContextOverflowError') return { message: error.message, code: 'CONTEXT_OVERFLOW' };
  if (error instanceof RangeError || error instanceof TypeError) return { message: error.message, code: 'INVALID_REQUEST' };
  return { message: error instanceof Error ? error.message : String(error) };
}

export async function runFullJob(engine: InferenceEngine, job: GenerationJob, signal: AbortSignal, onProgress?: (progress: JobProgress) => void): Promise<JobResult> {
  const start = performance.now();
  let score = job.midi ? Score.fromMidi(job.midi) : Score.fromJSON(job.score);
  for (const track of job.addTracks ?? []) score = score.addTrack(track);
  const count = job.variations ?? 1;
  const results = await engine.generateVariations(score, job.request, count, { signal, ...(onProgress ? { onProgress } : {}) });
  const inferenceMs = performance.now() - start;
  const variations: JobVariation[] = results.map((r) => {
    const variation: JobVariation = { logLikelihood: r.logLikelihood, warnings: r.warnings, steps: r.steps.length };
    if (job.want?.score !== false) variation.score = r.score.toJSON();
    if (job.want?.midi) variation.midi = r.score.toMidi();
    return variation;
  });
  const first = results[0]!.score.toJSON();
  const track = first.tracks[job.track];
  return { resolution: first.resolution, bars: track?.bars ?? [], attributes: track?.attributes ?? {}, inferenceMs, variations };
}
