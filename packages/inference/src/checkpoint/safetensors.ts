// Reading `.safetensors` files (an 8-byte little-endian header length, a JSON
// header, then the raw tensor bytes), the format of MIDI-GPT's format-2
// checkpoints (generation.md §7.2). Tensors come back as float32.

export interface NamedTensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, NamedTensor>;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
  readonly code = 'INVALID_CHECKPOINT';
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Little-endian F32, F16 or BF16 bytes as float32. */
export function toFloat32(dtype: string, bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / BYTES[dtype]!;
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  else {
    const word = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < n; i++) {
      word.setUint32(0, view.getUint16(i * 2, true) << 16);
      out[i] = word.getFloat32(0);
    }
  }
  return out;
}

/** Parses the bytes of a safetensors file; throws CheckpointError for anything malformed. */
export function readSafetensors(bytes: Uint8Array, source = 'checkpoint'): SafetensorsFile {
  if (bytes.byteLength < 8) throw new CheckpointError(`${source}: too short to be a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8 || headerLength > 100 * 1024 * 1024)
    throw new CheckpointError(`${source}: header length ${headerLength} does not fit in the file (truncated or not safetensors)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw new CheckpointError(`${source}: the safetensors header is not valid JSON`);
  }
  const data = bytes.subarray(8 + headerLength);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!dtype || !(dtype in BYTES)) throw new CheckpointError(`${source}: tensor ${name} has dtype ${dtype}; expected F32, F16 or BF16`);
    if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2)
      throw new CheckpointError(`${source}: tensor ${name} has a malformed header entry`);
    const [from, to] = offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(from >= 0 && to <= data.byteLength && to - from === count * BYTES[dtype]!))
      throw new CheckpointError(`${source}: tensor ${name} (${dtype} ${JSON.stringify(shape)}) points outside the file or has the wrong size`);
    const values = toFloat32(dtype, data.subarray(from, to));
    if (values.some((v) => !Number.isFinite(v))) throw new CheckpointError(`${source}: tensor ${name} holds NaN or infinite values`);
    tensors.set(name, { dtype, shape, data: values });
  }
  return { metadata, tensors };
}
