// The converter's metadata of an ONNX model (`midigpt.format`, the model and
// encoder configs), which ONNX Runtime does not expose. metadata-file.ts reads
// it from a file without loading the weights (Node).
import { onnx } from './proto.js';

/** The metadata of ONNX model bytes (decodes the whole model: for bytes already in memory). */
export function metadataOf(model: Uint8Array): Record<string, string> {
  const decoded = onnx.ModelProto.decode(model);
  return Object.fromEntries((decoded.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}
