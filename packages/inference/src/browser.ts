// @midigpt/inference in a browser (the package's "browser" export): the same
// engine, sampling and session code as under Node, on onnxruntime-web (its
// WebAssembly backend: SIMD, and threads when the page is cross-origin
// isolated). Models come as bytes or from a URL, kept in IndexedDB after the
// first download; nothing reads files.
import { initCore, type CoreSource } from '@midigpt/core/browser';
import * as onnxruntimeWeb from 'onnxruntime-web/wasm';
import { fetchKept, fetchWithProgress, type FetchProgress } from './hub/browser-cache.js';
import { installOrt } from './runtime/ort.js';
import { InferenceEngine } from './session/engine.js';

installOrt(onnxruntimeWeb);

export * from './api.js';
export { clearModelCache } from './hub/browser-cache.js';
export type { FetchProgress } from './hub/browser-cache.js';

export interface BrowserRuntimeOptions {
  /**
   * Where onnxruntime-web's `.wasm`/`.mjs` files are (a URL prefix ending in `/`). Default: where
   * the bundler put them, or onnxruntime-web's own default.
   */
  ortWasmPaths?: string;
  /** WebAssembly threads: default 1, or up to 4 when the page is cross-origin isolated. */
  threads?: number;
  /** The C++ core's WebAssembly module (see `initCore` of @midigpt/core). */
  core?: CoreSource;
}

export interface LoadModelOptions extends BrowserRuntimeOptions {
  /** Keep a downloaded model in IndexedDB and use the kept copy while the server has the same file (default true). */
  cache?: boolean;
  onProgress?: (progress: FetchProgress) => void;
  signal?: AbortSignal;
}

/** Sets up onnxruntime-web (threads, where its files are) and loads the C++ core; called by `loadModel`. */
export async function initRuntime(options: BrowserRuntimeOptions = {}): Promise<void> {
  const wasm = onnxruntimeWeb.env.wasm;
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  wasm.numThreads = options.threads ?? (isolated ? Math.min(4, cores) : 1);
  // onnxruntime-web imports its .mjs from there: a relative path would be read as a bare module name.
  if (options.ortWasmPaths) wasm.wasmPaths = absolute(options.ortWasmPaths);
  await initCore(options.core);
}

/**
 * An engine on a converted `.onnx` model given as bytes or a URL (its encoder config travels
 * inside it). A URL's file is kept in IndexedDB after the first download; later loads use it
 * after a HEAD request finds the same version (ETag, or Last-Modified and length), or none
 * answers (offline).
 */
export async function loadModel(source: string | URL | Uint8Array | ArrayBuffer, options: LoadModelOptions = {}): Promise<InferenceEngine> {
  await initRuntime(options);
  let bytes: Uint8Array;
  if (typeof source === 'string' || source instanceof URL) {
    const url = absolute(String(source));
    bytes =
      options.cache === false
        ? (await fetchWithProgress(url, options.onProgress, options.signal)).bytes
        : await fetchKept(url, options.onProgress, options.signal);
  } else bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  return InferenceEngine.fromOnnx(bytes);
}

/** `path` resolved against the page (or worker) address. */
function absolute(path: string): string {
  return new URL(path, typeof location !== 'undefined' ? location.href : undefined).href;
}
