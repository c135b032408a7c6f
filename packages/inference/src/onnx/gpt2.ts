// The GPT-2 of generation.md §7.1 as an ONNX graph, for ONNX Runtime.
// Inputs: input_ids [B,T], position_ids [B,T], attention_mask [B,P+T]
// (1 = visible), past_key_i / past_value_i [B,H,P,hd]. Outputs: logits
// [B,T,V] and present_key_i / present_value_i [B,H,P+T,hd]. Queries see keys
// causally with the past offset AND the attention mask, so every mask mode of
// §6 is expressible. The encoder and model configs ride along as metadata.
import { onnx, type OnnxTypes } from './proto.js';
import type { Gpt2Checkpoint } from '../checkpoint/gpt2.js';
import { GraphBuilder, valueInfo } from './builder.js';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
export const OPSET = 17;

function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

export interface ConvertOptions {
  /**
   * `fused`: ONNX Runtime's com.microsoft Attention kernel (QKV projection,
   * causal + key mask, one [2,B,H,S,hd] cache tensor per layer); `plain`:
   * standard ONNX operators only, with separate key and value caches.
   */
  attention?: 'fused' | 'plain';
}

export function gpt2Model(checkpoint: Gpt2Checkpoint, options: ConvertOptions = {}): OnnxTypes.IModelProto {
  const fused = (options.attention ?? 'plain') === 'fused';
  const { config, weights } = checkpoint;
  const D = config.n_embd;
  const H = config.n_head;
  const hd = D / H;
  const g = new GraphBuilder();
  const w = (name: string) => {
    const t = weights.get(name)!;
    return g.floats(name, t.shape, t.data);
  };

  // Constants shared by the layers (the attention ones only for the plain graph).
  const headsShape = fused ? '' : g.ints('shape_heads', [0, 0, H, hd]);
  const mergedShape = fused ? '' : g.ints('shape_merged', [0, 0, D]);
  const scale = fused ? '' : g.scalar('attention_scale', 1 / Math.sqrt(hd));
  const half = g.scalar('half', 0.5);
  const one = g.scalar('one', 1);
  const geluCubic = g.scalar('gelu_cubic', 0.044715);
  const geluScale = g.scalar('gelu_scale', Math.sqrt(2 / Math.PI));
  const bias = fused ? '' : attentionBias(g);

  let x = g.one('Add', [g.one('Gather', [w('transformer.wte.weight'), 'input_ids']), g.one('Gather', [w('transformer.wpe.weight'), 'position_ids'])]);
  const splits = fused ? '' : g.ints('split_qkv', [D, D, D]);
  const outputs: OnnxTypes.IValueInfoProto[] = [];
  const inputs: OnnxTypes.IValueInfoProto[] = [
    valueInfo('input_ids', INT64, ['batch', 'sequence']),
    valueInfo('position_ids', INT64, ['batch', 'sequence']),
    valueInfo('attention_mask', INT64, ['batch', 'total']),
  ];
  const heads = (t: string) => g.one('Transpose', [g.one('Reshape', [t, headsShape])], { perm: [0, 2, 1, 3] });

  const maskInt32 = fused ? g.one('Cast', ['attention_mask'], { to: onnx.TensorProto.DataType.INT32 }) : '';
  for (let i = 0; i < config.n_layer; i++) {
    const p = `transformer.h.${i}.`;
    const h1 = g.one('LayerNormalization', [x, w(`${p}ln_1.weight`), w(`${p}ln_1.bias`)], { axis: -1, epsilon: 1e-5 });
    if (fused) {
      inputs.push(valueInfo(`past_${i}`, FLOAT, [2, 'batch', H, 'past', hd]));
      outputs.push(valueInfo(`present_${i}`, FLOAT, [2, 'batch', H, 'total', hd]));
      const [attended] = g.op(
        'Attention',
        [h1, w(`${p}attn.c_attn.weight`), w(`${p}attn.c_attn.bias`), maskInt32, `past_${i}`],
        { num_heads: H, unidirectional: 1 },
        2,
        [`attention_${i}`, `present_${i}`],
        'com.microsoft',
      ) as [string, string];
      x = g.one('Add', [x, g.one('Add', [g.one('MatMul', [attended, w(`${p}attn.c_proj.weight`)]), w(`${p}attn.c_proj.bias`)])]);
      x = mlp(g, x, p, w, { half, one, geluCubic, geluScale });
      continue;
    }
    inputs.push(valueInfo(`past_key_${i}`, FLOAT, ['batch', H, 'past', hd]), valueInfo(`past_value_${i}`, FLOAT, ['batch', H, 'past', hd]));
    outputs.push(valueInfo(`present_key_${i}`, FLOAT, ['batch', H, 'total', hd]), valueInfo(`present_value_${i}`, FLOAT, ['batch', H, 'total', hd]));
    const qkv = g.one('Add', [g.one('MatMul', [h1, w(`${p}attn.c_attn.weight`)]), w(`${p}attn.c_attn.bias`)]);
    const [q, k, v] = g.op('Split', [qkv, splits], { axis: 2 }, 3) as [string, string, string];
    const key = g.one('Concat', [`past_key_${i}`, heads(k)], { axis: 2 }, `present_key_${i}`);
    const value = g.one('Concat', [`past_value_${i}`, heads(v)], { axis: 2 }, `present_value_${i}`);
    const scores = g.one('Mul', [g.one('MatMul', [heads(q), g.one('Transpose', [key], { perm: [0, 1, 3, 2] })]), scale]);
    const weightsAtt = g.one('Softmax', [g.one('Add', [scores, bias])], { axis: -1 });
    const merged = g.one('Reshape', [g.one('Transpose', [g.one('MatMul', [weightsAtt, value])], { perm: [0, 2, 1, 3] }), mergedShape]);
    x = g.one('Add', [x, g.one('Add', [g.one('MatMul', [merged, w(`${p}attn.c_proj.weight`)]), w(`${p}attn.c_proj.bias`)])]);
    x = mlp(g, x, p, w, { half, one, geluCubic, geluScale });
  }
  const final = g.one('LayerNormalization', [x, w('transformer.ln_f.weight'), w('transformer.ln_f.bias')], { axis: -1, epsilon: 1e-5 });
  const head = weights.get('lm_head.weight')!;
  g.floats('lm_head.weight.T', [D, config.vocab_size], transposed(head.data, config.vocab_size, D));
  g.one('MatMul', [final, 'lm_head.weight.T'], {}, 'logits');
  outputs.unshift(valueInfo('logits', FLOAT, ['batch', 'sequence', config.vocab_size]));

  return {
    irVersion: 8,
    producerName: 'midigpt',
    opsetImport: [{ domain: '', version: OPSET }, ...(fused ? [{ domain: 'com.microsoft', version: 1 }] : [])],
    metadataProps: [
      { key: 'midigpt.format', value: '1' },
      { key: 'midigpt.arch', value: 'gpt2' },
      { key: 'midigpt.attention', value: fused ? 'fused' : 'plain' },
      { key: 'midigpt.model_config', value: JSON.stringify(config) },
      { key: 'midigpt.encoder_config', value: checkpoint.encoderConfig },
    ],
    graph: { name: 'midigpt_gpt2', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  };
}

// Additive attention bias [B,1,T,S]: key j is visible to query i iff
// j <= i + (S - T) (causal, after the past) and the attention mask says so.
function attentionBias(g: GraphBuilder): string {
  const T = g.one('Gather', [g.one('Shape', ['input_ids']), g.scalarInt('dim1', 1)]);
  const S = g.one('Gather', [g.one('Shape', ['attention_mask']), 'dim1']);
  const past = g.one('Sub', [S, T]);
  const step = g.scalarInt('step1', 1);
  const zeroInt = g.scalarInt('zero_int', 0);
  const queries = g.one('Unsqueeze', [g.one('Add', [g.one('Range', [zeroInt, T, step]), past]), g.ints('axis_last', [1])]);
  const keys = g.one('Unsqueeze', [g.one('Range', [zeroInt, S, step]), g.ints('axis_first', [0])]);
  const causal = g.one('LessOrEqual', [keys, queries]); // [T,S]
  const visible = g.one('Unsqueeze', [g.one('Cast', ['attention_mask'], { to: onnx.TensorProto.DataType.BOOL }), g.ints('axes_mask', [1, 2])]);
  const allowed = g.one('And', [g.one('Unsqueeze', [causal, g.ints('axes_causal', [0, 1])]), visible]);
  return g.one('Where', [allowed, g.scalar('zero', 0), g.scalar('blocked', -1e9)]);
}

// The MLP half of a block: x + c_proj(gelu_tanh(c_fc(LayerNorm_2(x)))).
function mlp(
  g: GraphBuilder,
  x: string,
  p: string,
  w: (name: string) => string,
  c: { half: string; one: string; geluCubic: string; geluScale: string },
): string {
  const h2 = g.one('LayerNormalization', [x, w(`${p}ln_2.weight`), w(`${p}ln_2.bias`)], { axis: -1, epsilon: 1e-5 });
  const fc = g.one('Add', [g.one('MatMul', [h2, w(`${p}mlp.c_fc.weight`)]), w(`${p}mlp.c_fc.bias`)]);
  // gelu_tanh(f) = 0.5 f (1 + tanh(sqrt(2/pi) (f + 0.044715 f^3)))
  const cube = g.one('Mul', [g.one('Mul', [fc, fc]), fc]);
  const inner = g.one('Mul', [g.one('Add', [fc, g.one('Mul', [cube, c.geluCubic])]), c.geluScale]);
  const gelu = g.one('Mul', [g.one('Mul', [fc, c.half]), g.one('Add', [g.one('Tanh', [inner]), c.one])]);
  return g.one('Add', [x, g.one('Add', [g.one('MatMul', [gelu, w(`${p}mlp.c_proj.weight`)]), w(`${p}mlp.c_proj.bias`)])]);
}

/** The serialized `.onnx` bytes of a checkpoint. */
export function convertToOnnx(checkpoint: Gpt2Checkpoint, options: ConvertOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(gpt2Model(checkpoint, options))).finish();
}
