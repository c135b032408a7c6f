// The model side: this worker owns the InferenceEngine and runs jobs one at a
// time, so inference never blocks the main thread's sockets. A job is
// cancelled by id with an AbortSignal, which stops the run between tokens.
import { parentPort, workerData } from 'node:worker_threads';
import { Score } from '@midigpt/core';
import { engineFromFile, type InferenceEngine } from '@midigpt/inference';
import { modelInfo } from './model-info.js';
import { describeFailure, isFullJob, runFullJob } from './run-job.js';
import { warmUp } from './warm-up.js';
import type { FromWorker, GenerationJob, JobResult, ToWorker, WorkerOptions } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('model-worker.js runs inside a worker thread');

const post = (message: FromWorker): void => port.postMessage(message);
const queue: Array<{ id: number; job: GenerationJob }> = [];
const cancelled = new Set<number>();
interface Current {
  id: number;
  controller: AbortController;
}
let current = null as Current | null;
let engine: InferenceEngine | null = null;
let closing = false;

async function run(id: number, job: GenerationJob, controller: AbortController): Promise<JobResult> {
  current = { id, controller };
  post({ type: 'started', id });
  if (isFullJob(job)) return runFullJob(engine!, job, controller.signal, job.progress ? (progress) => post({ type: 'progress', id, progress }) : undefined);
  const start = performance.now();
  const result = await engine!.generate(Score.fromJSON(job.score), job.request, { signal: controller.signal });
  const track = result.score.toJSON().tracks[job.track];
  return {
    resolution: result.score.resolution,
    bars: track?.bars ?? [],
    attributes: track?.attributes ?? {},
    inferenceMs: performance.now() - start,
  };
}

async function drain(): Promise<void> {
  while (!closing && current === null && queue.length > 0) {
    const { id, job } = queue.shift()!;
    if (cancelled.delete(id)) {
      post({ type: 'failed', id, message: 'cancelled', cancelled: true });
      continue;
    }
    const controller = new AbortController();
    try {
      post({ type: 'done', id, result: await run(id, job, controller) });
    } catch (error) {
      const { code, problems } = describeFailure(error);
      post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error), cancelled: controller.signal.aborted, ...(code ? { code } : {}), ...(problems ? { problems } : {}) });
    } finally {
      current = null;
      cancelled.delete(id);
    }
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'job') {
    queue.push(message);
    void drain();
  } else if (message.type === 'cancel') {
    if (current?.id === message.id) current.controller.abort(new Error('cancelled'));
    else if (queue.some((q) => q.id === message.id)) cancelled.add(message.id);
  } else {
    closing = true;
    current?.controller.abort(new Error('closing'));
    void (engine?.release() ?? Promise.resolve()).finally(() => port.close());
  }
});

const options = workerData as WorkerOptions;
engineFromFile(options.file, options.threads ? { threads: options.threads } : {})
  .then(async (loaded) => {
    const info = modelInfo(loaded);
    await warmUp(loaded, info);
    engine = loaded;
    post({ type: 'ready', info });
    void drain();
  })
  .catch((error: unknown) => post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }));
