// One short generation before the server answers anything: ONNX Runtime
// allocates and tunes on its first runs, which would otherwise land on the
// first live bar (the reference also warms its model up before binding).
import { Score } from '@midigpt/core';
import type { InferenceEngine } from '@midigpt/inference';
import type { ModelInfo } from './protocol.js';

export async function warmUp(engine: InferenceEngine, info: ModelInfo): Promise<void> {
  const bars = info.defaultModelDim;
  const bar = (notes: Array<[number, number, number, number]>) => ({ ts: [4, 4] as [number, number], notes });
  const q = info.resolution;
  const score = Score.fromJSON({
    resolution: q,
    tracks: [
      { instrument: 0, track_type: 'melodic', bars: Array.from({ length: bars }, () => bar([[60, 90, 0, q], [64, 90, q, q], [67, 90, 2 * q, 2 * q]])) },
      { instrument: 33, track_type: 'melodic', bars: Array.from({ length: bars }, () => bar([])) },
    ],
  });
  const request = {
    tracks: [
      { id: 0, mask_bars: [bars - 1] },
      { id: 1, bars: [bars - 1], autoregressive: true },
    ],
    config: { model_dim: bars, seed: 0, max_attempts: 1, silence_check: false, novelty_check: false, density_hard_limit: 4 },
  };
  try {
    await engine.generate(score, request);
  } catch {
    // A model this request does not suit still serves: it only starts cold.
  }
}
