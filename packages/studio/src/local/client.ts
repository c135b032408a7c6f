// The page's side of the in-browser backend: starts the generation worker
// (worker.ts), sends it requests and turns its replies into the same results
// and errors as the HTTP API's (api.ts). Cancelling terminates the worker: a
// busy worker reads no messages, and a fresh one costs only a model reload
// (from IndexedDB).
import { ApiError, type GenerateOptions, type ModelInfo, type Variation } from '../api.js';
import type { Backend } from '../backend.js';
import type { Bytes } from '../document.js';
import type { GenerateRequest } from '../request.js';
import type { Score } from '../score.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './protocol.js';

/** What a static site's `local.json` says (written by `midigpt studio --static`); paths relative to the page. */
export interface LocalSite {
  backend: 'browser';
  model: string;
  core: string;
  ort: string;
  modelName?: string;
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void; onProgress?: GenerateOptions['onProgress'] };

export class BrowserBackend implements Backend {
  readonly kind = 'browser';
  /** Download progress of the model (once per page, or after a cancel when the cache is off). */
  onLoading?: (loaded: number, total: number) => void;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly setup: WorkerSetup;

  constructor(site: LocalSite, base: string) {
    const url = (path: string) => new URL(path, base).href;
    this.setup = { core: url(site.core), model: url(site.model), ort: url(site.ort), modelName: site.modelName ?? 'default model (in this browser)' };
  }

  async readScore(midi: Bytes): Promise<Score> {
    const reply = await this.ask({ id: this.nextId++, kind: 'score', midi: midi.slice() });
    return (reply as Extract<WorkerReply, { kind: 'score' }>).score;
  }

  async modelInfo(): Promise<ModelInfo> {
    const reply = await this.ask({ id: this.nextId++, kind: 'info' });
    return (reply as Extract<WorkerReply, { kind: 'info' }>).info;
  }

  async generate(midi: Bytes, request: GenerateRequest, options: GenerateOptions = {}): Promise<Variation[]> {
    const id = this.nextId++;
    const message: WorkerRequest = { id, kind: 'generate', midi: midi.slice(), request, variations: options.variations ?? 1, addTracks: options.addTracks ?? [] };
    const { signal } = options;
    if (signal?.aborted) throw new ApiError(499, 'CANCELLED', 'cancelled');
    const cancel = () => this.restart(new ApiError(499, 'CANCELLED', 'cancelled'));
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const reply = (await this.ask(message, options.onProgress)) as Extract<WorkerReply, { kind: 'generate' }>;
      return reply.variations.map((v) => ({ score: v.score, midi: new Uint8Array(v.midi) as Bytes }));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  private ask(message: WorkerRequest, onProgress?: GenerateOptions['onProgress']): Promise<WorkerReply> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      worker.postMessage(message);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'midigpt-model' });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
    worker.onerror = (event) => this.restart(new ApiError(500, 'WORKER', `the in-browser model failed: ${event.message || 'the worker could not start'}`));
    worker.postMessage({ id: 0, kind: 'setup', setup: this.setup } satisfies WorkerRequest);
    this.worker = worker;
    return worker;
  }

  private receive(reply: WorkerReply): void {
    if (reply.kind === 'loading') return this.onLoading?.(reply.loaded, reply.total);
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'progress') return pending.onProgress?.(reply.progress);
    this.pending.delete(reply.id);
    if (reply.kind === 'error') pending.reject(new ApiError(reply.error.code === 'FAILED' ? 500 : 400, reply.error.code, reply.error.message, reply.error.problems));
    else pending.resolve(reply);
  }

  /** Stops the worker (a cancel, a crash): every request in it fails with `error`; the next one starts a fresh worker. */
  private restart(error: Error): void {
    this.worker?.terminate();
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
