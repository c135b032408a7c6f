// Running a converted MIDI-GPT model with ONNX Runtime: a forward pass over
// new tokens with an optional KV cache (generation.md §7.1). This is the
// plain path (batch 1, the cache grows by concatenation inside the graph);
// preallocated caches and batching come with the sampling runtime.
import { onnx, type OnnxTypes } from '../onnx/proto.js';
import * as ort from 'onnxruntime-node';
import type { Gpt2Config } from '../checkpoint/gpt2.js';

/**
 * Per layer: [key, value], each [1, H, length, head_dim] (plain models), or
 * one [2, 1, H, length, head_dim] tensor holding both (fused models).
 */
export type KvCache = ort.Tensor[][];

export interface ForwardResult {
  /** [T, vocab] row-major. */
  logits: Float32Array;
  present: KvCache;
}

export interface RuntimeOptions {
  /** Intra-op threads (default: ONNX Runtime's choice). */
  threads?: number;
}

export class Gpt2Runtime {
  private constructor(
    readonly session: ort.InferenceSession,
    readonly config: Gpt2Config,
    readonly encoderConfig: string,
    /** Whether the model uses the fused attention kernel (one cache tensor per layer). */
    readonly fused: boolean,
  ) {}

  static async create(model: Uint8Array, options: RuntimeOptions = {}): Promise<Gpt2Runtime> {
    const session = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3, // errors only: ONNX Runtime's notices are not for our users
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
    const meta = readMetadata(model);
    return new Gpt2Runtime(
      session,
      JSON.parse(meta['midigpt.model_config'] ?? '{}') as Gpt2Config,
      meta['midigpt.encoder_config'] ?? 'null',
      meta['midigpt.attention'] === 'fused',
    );
  }

  emptyCache(): KvCache {
    const { n_layer, n_head, n_embd } = this.config;
    const dims = [1, n_head, 0, n_embd / n_head];
    const empty = (d: number[]) => new ort.Tensor('float32', new Float32Array(0), d);
    return Array.from({ length: n_layer }, () => (this.fused ? [empty([2, ...dims])] : [empty(dims), empty(dims)]));
  }

  /** Time length of a cache. */
  cacheLength(cache: KvCache): number {
    const t = cache[0]?.[0];
    return t ? t.dims[this.fused ? 3 : 2]! : 0;
  }

  /**
   * Runs `tokens` after `past` (default: none). `positions` default to the
   * following indices; `visible` (past + new keys, 1 = visible) defaults to all.
   */
  async forward(tokens: ArrayLike<number>, past: KvCache = this.emptyCache(), positions?: ArrayLike<number>, visible?: ArrayLike<number>): Promise<ForwardResult> {
    const T = tokens.length;
    const P = this.cacheLength(past);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(Array.from(tokens, BigInt)), [1, T]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(Array.from(positions ?? Array.from({ length: T }, (_, i) => P + i), BigInt)), [1, T]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(Array.from(visible ?? new Array<number>(P + T).fill(1), BigInt)), [1, P + T]),
    };
    past.forEach((layer, i) => {
      if (this.fused) feeds[`past_${i}`] = layer[0]!;
      else [feeds[`past_key_${i}`], feeds[`past_value_${i}`]] = layer as [ort.Tensor, ort.Tensor];
    });
    const out = await this.session.run(feeds);
    const present: KvCache = past.map((_, i) => (this.fused ? [out[`present_${i}`]!] : [out[`present_key_${i}`]!, out[`present_value_${i}`]!]));
    return { logits: out.logits!.data as Float32Array, present };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

// The metadata the converter stored. ONNX Runtime for Node does not expose
// custom metadata, so the model is decoded once here (a transient copy of the
// weights at load time only).
function readMetadata(model: Uint8Array): Record<string, string> {
  const decoded = onnx.ModelProto.decode(model);
  return Object.fromEntries((decoded.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}
