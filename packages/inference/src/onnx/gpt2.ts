// The GPT-2 of generation.md §7.1 as an ONNX graph, for ONNX Runtime, built
// around a preallocated KV cache that the runtime owns and updates in place.
//
// Inputs: input_ids [B,T], position_ids [B,T], attention_mask [B,C+T]
// (1 = visible; C cache slots then the T new tokens), and per layer
// cache_key_i [B,H,hd,C] (keys stored transposed, so scores need no
// transpose) and cache_value_i [B,H,C,hd]. Outputs: logits [B,T,V] and the
// new tokens' new_key_i [B,H,hd,T] / new_value_i [B,H,T,hd], which the
// runtime writes into its cache. Nothing proportional to the context is
// copied per token: the graph only reads the cache. Queries see the cache
// slots the mask allows and the new tokens causally, so every mask mode of §6
// is expressible. The encoder and model configs ride along as metadata.
import type { Gpt2Checkpoint } from '../checkpoint/gpt2.js';
import { GraphBuilder, valueInfo } from './builder.js';
import { onnx, type OnnxTypes } from './proto.js';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
export const OPSET = 20; // Gelu with the tanh approximation is an opset-20 operator
/** Bumped when the graph's inputs or outputs change. */
export const GRAPH_FORMAT = '2';

function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

export interface ConvertOptions {
  /**
   * `int8`: the linear layers' weights stored as int8 with one scale per output
   * column (symmetric), multiplied by ONNX Runtime's dynamic-quantization
   * kernel. `int4`: 4-bit weights in blocks of 32 along the input with one
   * scale per block (ONNX Runtime's MatMulNBits, int8 compute). Embeddings,
   * layer norms and attention stay float32. Default: float32.
   */
  quantize?: 'int8' | 'int4';
}

const INT4_BLOCK = 32;

// Symmetric 4-bit blocks for MatMulNBits: W [K,N] -> B [N, K/32, 16] (two values
// per byte, low nibble first, zero point 8) and scales [N * K/32].
function quantizeInt4(w: Float32Array, rows: number, cols: number): { packed: Uint8Array; scales: Float32Array; blocks: number } {
  const blocks = Math.ceil(rows / INT4_BLOCK);
  const packed = new Uint8Array(cols * blocks * (INT4_BLOCK / 2));
  const scales = new Float32Array(cols * blocks);
  for (let n = 0; n < cols; n++)
    for (let b = 0; b < blocks; b++) {
      let max = 0;
      for (let i = 0; i < INT4_BLOCK; i++) {
        const k = b * INT4_BLOCK + i;
        if (k < rows) max = Math.max(max, Math.abs(w[k * cols + n]!));
      }
      const scale = max / 7 || 1;
      scales[n * blocks + b] = scale;
      for (let i = 0; i < INT4_BLOCK; i += 2) {
        const q = (k: number) => (k < rows ? Math.min(15, Math.max(0, Math.round(w[k * cols + n]! / scale) + 8)) : 8);
        const k = b * INT4_BLOCK + i;
        packed[(n * blocks + b) * (INT4_BLOCK / 2) + i / 2] = q(k) | (q(k + 1) << 4);
      }
    }
  return { packed, scales, blocks };
}

// Symmetric per-column int8: W [K,N] -> (Wq [K,N], scale [N]).
function quantizeColumns(w: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scale[c] = Math.max(scale[c]!, Math.abs(w[r * cols + c]!));
  for (let c = 0; c < cols; c++) scale[c] = scale[c]! / 127 || 1;
  const q = new Int8Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(w[r * cols + c]! / scale[c]!);
  return { q, scale };
}

export function gpt2Model(checkpoint: Gpt2Checkpoint, options: ConvertOptions = {}): OnnxTypes.IModelProto {
  const { config, weights } = checkpoint;
  const D = config.n_embd;
  const H = config.n_head;
  const hd = D / H;
  const g = new GraphBuilder();
  const w = (name: string) => {
    const t = weights.get(name)!;
    return g.floats(name, t.shape, t.data);
  };
  // x @ W + b for a Conv1D-oriented weight W [K,N]; int8 weights when asked.
  const linear = (x: string, weight: string, bias?: string, t = weights.get(weight)!): string => {
    if (!options.quantize) {
      const product = g.one('MatMul', [x, g.floats(weight, t.shape, t.data)]);
      return bias ? g.one('Add', [product, w(bias)]) : product;
    }
    const [rows, cols] = t.shape as [number, number];
    if (options.quantize === 'int4') {
      const { packed, scales, blocks } = quantizeInt4(t.data, rows, cols);
      const inputs = [x, g.uint8(`${weight}.int4`, [cols, blocks, INT4_BLOCK / 2], packed), g.floats(`${weight}.scales`, [cols * blocks], scales)];
      const product = g.op('MatMulNBits', inputs, { K: rows, N: cols, bits: 4, block_size: INT4_BLOCK, accuracy_level: 4 }, 1, undefined, 'com.microsoft')[0]!;
      return bias ? g.one('Add', [product, w(bias)]) : product;
    }
    const { q, scale } = quantizeColumns(t.data, rows, cols);
    const inputs = [x, g.int8(`${weight}.int8`, [rows, cols], q), g.floats(`${weight}.scale`, [cols], scale), ''];
    if (bias) inputs.push(w(bias));
    return g.op('DynamicQuantizeMatMul', inputs, {}, 1, undefined, 'com.microsoft')[0]!;
  };

  const headsShape = g.ints('shape_heads', [0, 0, H, hd]);
  const mergedShape = g.ints('shape_merged', [0, 0, D]);
  const scale = g.scalar('attention_scale', 1 / Math.sqrt(hd));
  const splits = g.ints('split_qkv', [D, D, D]);
  const { bias, cacheLength } = attentionBias(g);
  // Split the attention weights at the cache / new-token boundary.
  const axis3 = g.ints('axis_3', [3]);
  const zeroStart = g.ints('start_0', [0]);
  const end = g.ints('end_max', [2 ** 62]);

  let x = g.one('Add', [g.one('Gather', [w('transformer.wte.weight'), 'input_ids']), g.one('Gather', [w('transformer.wpe.weight'), 'position_ids'])]);
  const inputs: OnnxTypes.IValueInfoProto[] = [
    valueInfo('input_ids', INT64, ['batch', 'sequence']),
    valueInfo('position_ids', INT64, ['batch', 'sequence']),
    valueInfo('attention_mask', INT64, ['batch', 'keys']),
  ];
  const outputs: OnnxTypes.IValueInfoProto[] = [valueInfo('logits', FLOAT, ['batch', 'sequence', config.vocab_size])];
  const heads = (t: string) => g.one('Transpose', [g.one('Reshape', [t, headsShape])], { perm: [0, 2, 1, 3] }); // [B,H,T,hd]

  for (let i = 0; i < config.n_layer; i++) {
    const p = `transformer.h.${i}.`;
    inputs.push(valueInfo(`cache_key_${i}`, FLOAT, ['batch', H, hd, 'cache']), valueInfo(`cache_value_${i}`, FLOAT, ['batch', H, 'cache', hd]));
    outputs.push(valueInfo(`new_key_${i}`, FLOAT, ['batch', H, hd, 'sequence']), valueInfo(`new_value_${i}`, FLOAT, ['batch', H, 'sequence', hd]));
    const h1 = g.one('LayerNormalization', [x, w(`${p}ln_1.weight`), w(`${p}ln_1.bias`)], { axis: -1, epsilon: 1e-5 });
    const qkv = linear(h1, `${p}attn.c_attn.weight`, `${p}attn.c_attn.bias`);
    const [q, k, v] = g.op('Split', [qkv, splits], { axis: 2 }, 3) as [string, string, string];
    const query = heads(q);
    const newKey = g.one('Transpose', [g.one('Reshape', [k, headsShape])], { perm: [0, 2, 3, 1] }, `new_key_${i}`); // [B,H,hd,T]
    const newValue = g.one('Identity', [heads(v)], {}, `new_value_${i}`);
    // Scores over the cache and over the new tokens, side by side: [B,H,T,C+T].
    const scores = g.one('Concat', [g.one('MatMul', [query, `cache_key_${i}`]), g.one('MatMul', [query, newKey])], { axis: 3 });
    const weightsAtt = g.one('Softmax', [g.one('Add', [g.one('Mul', [scores, scale]), bias])], { axis: -1 });
    const fromCache = g.one('MatMul', [g.one('Slice', [weightsAtt, zeroStart, cacheLength, axis3]), `cache_value_${i}`]);
    const fromNew = g.one('MatMul', [g.one('Slice', [weightsAtt, cacheLength, end, axis3]), newValue]);
    const merged = g.one('Reshape', [g.one('Transpose', [g.one('Add', [fromCache, fromNew])], { perm: [0, 2, 1, 3] }), mergedShape]);
    x = g.one('Add', [x, linear(merged, `${p}attn.c_proj.weight`, `${p}attn.c_proj.bias`)]);
    x = mlp(g, x, p, w, linear);
  }
  const final = g.one('LayerNormalization', [x, w('transformer.ln_f.weight'), w('transformer.ln_f.bias')], { axis: -1, epsilon: 1e-5 });
  const head = weights.get('lm_head.weight')!;
  const headT = { dtype: 'F32', shape: [D, config.vocab_size], data: transposed(head.data, config.vocab_size, D) };
  g.one('Identity', [linear(final, 'lm_head.weight.T', undefined, headT)], {}, 'logits');

  return {
    irVersion: 8,
    producerName: 'midigpt',
    opsetImport: [{ domain: '', version: OPSET }, ...(options.quantize ? [{ domain: 'com.microsoft', version: 1 }] : [])],
    metadataProps: [
      { key: 'midigpt.format', value: GRAPH_FORMAT },
      { key: 'midigpt.arch', value: 'gpt2' },
      { key: 'midigpt.weights', value: options.quantize ?? 'float32' },
      { key: 'midigpt.model_config', value: JSON.stringify(config) },
      { key: 'midigpt.encoder_config', value: checkpoint.encoderConfig },
    ],
    graph: { name: 'midigpt_gpt2', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  };
}

// Additive attention bias [B,1,T,C+T]: key j is visible to query i iff
// j <= i + C (all cache slots, the new tokens causally) and the mask allows it.
// Also returns C as a 1-D tensor for slicing.
function attentionBias(g: GraphBuilder): { bias: string; cacheLength: string } {
  const T = g.one('Gather', [g.one('Shape', ['input_ids']), g.scalarInt('dim1', 1)]);
  const S = g.one('Gather', [g.one('Shape', ['attention_mask']), 'dim1']);
  const cache = g.one('Sub', [S, T]);
  const step = g.scalarInt('step1', 1);
  const zeroInt = g.scalarInt('zero_int', 0);
  const queries = g.one('Unsqueeze', [g.one('Add', [g.one('Range', [zeroInt, T, step]), cache]), g.ints('axis_last', [1])]);
  const keys = g.one('Unsqueeze', [g.one('Range', [zeroInt, S, step]), g.ints('axis_first', [0])]);
  const causal = g.one('LessOrEqual', [keys, queries]); // [T,S]
  const visible = g.one('Unsqueeze', [g.one('Cast', ['attention_mask'], { to: onnx.TensorProto.DataType.BOOL }), g.ints('axes_mask', [1, 2])]);
  const allowed = g.one('And', [g.one('Unsqueeze', [causal, g.ints('axes_causal', [0, 1])]), visible]);
  const bias = g.one('Where', [allowed, g.scalar('zero', 0), g.scalar('blocked', -1e9)]);
  return { bias, cacheLength: g.one('Unsqueeze', [cache, g.ints('axis_zero', [0])]) };
}

// The MLP half of a block: x + c_proj(gelu_tanh(c_fc(LayerNorm_2(x)))).
function mlp(
  g: GraphBuilder,
  x: string,
  p: string,
  w: (name: string) => string,
  linear: (x: string, weight: string, bias?: string) => string,
): string {
  const h2 = g.one('LayerNormalization', [x, w(`${p}ln_2.weight`), w(`${p}ln_2.bias`)], { axis: -1, epsilon: 1e-5 });
  const fc = linear(h2, `${p}mlp.c_fc.weight`, `${p}mlp.c_fc.bias`);
  // gelu_tanh(f) = 0.5 f (1 + tanh(sqrt(2/pi) (f + 0.044715 f^3)))
  const gelu = g.one('Gelu', [fc], { approximate: 'tanh' });
  return g.one('Add', [x, linear(gelu, `${p}mlp.c_proj.weight`, `${p}mlp.c_proj.bias`)]);
}

/** The serialized `.onnx` bytes of a checkpoint. */
export function convertToOnnx(checkpoint: Gpt2Checkpoint, options: ConvertOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(gpt2Model(checkpoint, options))).finish();
}
