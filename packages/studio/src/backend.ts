// Where the studio's model runs: on the server the page came from (api.ts), or
// in the page itself (local/: a Web Worker with the C++ core as WebAssembly and
// the model on onnxruntime-web), when the page is a static site written by
// `midigpt studio --static` (its `local.json` says so).
import * as server from './api.js';
import type { Bytes } from './document.js';
import type { GenerateRequest } from './request.js';
import type { Score } from './score.js';
import { BrowserBackend, type LocalSite } from './local/client.js';

export interface Backend {
  /** `server`: the HTTP API; `browser`: everything in this page. */
  readonly kind: 'server' | 'browser';
  readScore(midi: Bytes): Promise<Score>;
  modelInfo(): Promise<server.ModelInfo>;
  generate(midi: Bytes, request: GenerateRequest, options?: server.GenerateOptions): Promise<server.Variation[]>;
}

export const serverBackend: Backend = { kind: 'server', readScore: server.readScore, modelInfo: server.modelInfo, generate: server.generate };

/** The browser backend when the page is a static site (its `local.json`), else the server. */
export async function chooseBackend(): Promise<Backend> {
  try {
    const response = await fetch('local.json');
    if (!response.ok) return serverBackend;
    const site = (await response.json()) as LocalSite;
    if (site.backend !== 'browser') return serverBackend;
    return new BrowserBackend(site, document.baseURI);
  } catch {
    return serverBackend;
  }
}
