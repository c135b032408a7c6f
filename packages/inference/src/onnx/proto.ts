// onnx-proto is a CommonJS module: Node's ESM loader cannot see its named
// exports, so take the namespace from the default export once, here.
import protoPackage from 'onnx-proto';

export const onnx: typeof protoPackage.onnx = protoPackage.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';
