// Which ONNX Runtime runs the models: onnxruntime-node under Node (index.ts),
// onnxruntime-web in a browser (browser.ts). Both implement onnxruntime-common's
// API; the runtime code (gpt2.ts) is written against that and reads `ort` here.
import type * as OrtCommon from 'onnxruntime-common';

/** The ONNX Runtime API both backends share. */
export type Ort = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor' | 'env'>;

const notInstalled = new Proxy({} as Ort, {
  get(_target, property) {
    throw new Error(`@midigpt/inference: no ONNX Runtime backend installed (reading ${String(property)}); import the package's entry point, not its files`);
  },
});

/** The installed backend (a live binding). */
export let ort: Ort = notInstalled;

export function installOrt(backend: Ort): void {
  ort = backend;
}
