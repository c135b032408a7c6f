/// <reference lib="webworker" />
// The studio's model in the page: a Web Worker that reads MIDI files and
// generates with the C++ core compiled to WebAssembly and the model on
// onnxruntime-web, as the server's worker does with the native ones
// (packages/server/src/worker/run-job.ts). One request at a time, in order;
// the page cancels by terminating the worker (client.ts).
import { isCoreError, RequestValidationError, Score, initCore } from '@midigpt/core/browser';
import { loadModel, type InferenceEngine } from '@midigpt/inference/browser';
import type { WorkerFailure, WorkerReply, WorkerRequest, WorkerSetup } from './protocol.js';

declare const self: DedicatedWorkerGlobalScope;

let setup: WorkerSetup | undefined;
let engine: Promise<InferenceEngine> | undefined;
let queue: Promise<void> = Promise.resolve();

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function theEngine(): Promise<InferenceEngine> {
  if (!setup) throw new Error('the worker was not set up');
  const { model, core, ort } = setup;
  engine ??= loadModel(model, { core, ortWasmPaths: ort, onProgress: ({ loaded, total }) => reply({ kind: 'loading', loaded, total }) });
  return engine;
}

function failure(error: unknown): WorkerFailure {
  if (error instanceof RequestValidationError) return { code: error.code, message: 'invalid generation request', problems: [...error.problems] };
  if (isCoreError(error)) return { code: error.code, message: error.message, problems: [] };
  if (error instanceof Error && error.name === 'ContextOverflowError') return { code: 'CONTEXT_OVERFLOW', message: error.message, problems: [] };
  return { code: 'FAILED', message: error instanceof Error ? error.message : String(error), problems: [] };
}

async function handle(request: Exclude<WorkerRequest, { kind: 'setup' }>): Promise<void> {
  const { id } = request;
  if (request.kind === 'score') {
    await initCore(setup!.core);
    reply({ id, kind: 'score', score: Score.fromMidi(request.midi).toJSON() });
  } else if (request.kind === 'info') {
    const { tokenizer } = await theEngine();
    const attributes = tokenizer.attributes().map((a) => ({ name: a.name, level: a.level, track_type: a.trackType, size: a.size, labels: a.labels }));
    reply({ id, kind: 'info', info: { checkpoint: setup!.modelName, attribute_info: attributes } });
  } else {
    const model = await theEngine();
    let score = Score.fromMidi(request.midi);
    for (const track of request.addTracks) score = score.addTrack(track);
    let last = 0;
    const results = await model.generateVariations(score, request.request, request.variations, {
      onProgress: (progress) => {
        const now = performance.now();
        if (now - last < 50) return; // a message per token would flood the page
        last = now;
        reply({ id, kind: 'progress', progress });
      },
    });
    const variations = results.map((r) => ({ score: r.score.toJSON(), midi: r.score.toMidi() }));
    reply({ id, kind: 'generate', variations }, variations.map((v) => v.midi.buffer));
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.kind === 'setup') {
    setup = request.setup;
    return;
  }
  queue = queue.then(() => handle(request).catch((error: unknown) => reply({ id: request.id, kind: 'error', error: failure(error) })));
};
