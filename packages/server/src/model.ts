// Opening the model a server runs: a worker thread on a model named like the
// CLI's `--model NAME|PATH` (the embedded default model when none), an engine
// the caller already has, or any `ModelClient`.
import type { InferenceEngine } from '@midigpt/inference';
import { InProcessModelClient, WorkerModelClient, type ModelClient } from './worker/client.js';

export interface ModelSource {
  /** A model name or file, as `--model` takes it (default: the embedded model). Runs in a worker thread. */
  model?: string;
  /** An engine to run in this thread instead (libraries, tests). */
  engine?: InferenceEngine;
  /** Any model client (tests inject fakes). Not closed by the server. */
  modelClient?: ModelClient;
  /** Intra-op threads of the worker's model. */
  threads?: number;
  /** Jobs the model queue holds at most (all sessions together). */
  maxJobs?: number;
}

export async function openModel(source: ModelSource): Promise<{ client: ModelClient; owned: boolean }> {
  const limits = source.maxJobs ? { maxJobs: source.maxJobs } : {};
  if (source.modelClient) return { client: source.modelClient, owned: false };
  if (source.engine) return { client: new InProcessModelClient(source.engine, limits), owned: true };
  const file = await modelFile(source.model);
  const client = await WorkerModelClient.start({ file, ...(source.threads ? { threads: source.threads } : {}), ...limits });
  return { client, owned: true };
}

/** The local file a `--model` value means (the embedded default model when none); released models are downloaded once. */
export async function modelFile(spec: string | undefined): Promise<string> {
  const { resolveModelFile } = await import('@midigpt/inference');
  // @midigpt/default-model is an optional dependency: without it, a model must be named.
  const fallback = await import('@midigpt/default-model').catch((error: { code?: string; message?: string }) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && error.message?.includes("'@midigpt/default-model'")) return null;
    throw error;
  });
  if (!fallback && (spec === undefined || spec === 'default' || spec === 'pop909-small'))
    throw new Error(
      'the default model is not installed (the optional dependency @midigpt/default-model): install it with `npm i @midigpt/default-model`, or name a model (--model PATH|NAME, --ckpt PATH)',
    );
  const defaultModel = fallback ? { defaultModel: { path: fallback.defaultModelPath, names: fallback.DEFAULT_MODEL_ALIASES } } : {};
  return resolveModelFile(spec, defaultModel);
}
