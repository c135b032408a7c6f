// A small helper for writing ONNX graphs with onnx-proto: named nodes,
// initializers and attributes, so the model definition reads like the math.
import { onnx, type OnnxTypes } from './proto.js';

type AttributeValue = number | number[] | string;

export class GraphBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  #counter = 0;

  /** Adds a node; returns its output names (one unless `outputs` > 1). */
  op(type: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs = 1, names?: string[], domain?: string): string[] {
    const out = names ?? Array.from({ length: outputs }, () => `${type.toLowerCase()}_${this.#counter++}`);
    this.nodes.push({
      opType: type,
      ...(domain ? { domain } : {}),
      input: inputs,
      output: out,
      name: `${type}_${this.#counter++}`,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return out;
  }

  /** Single-output shorthand. */
  one(type: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, name?: string): string {
    return this.op(type, inputs, attributes, 1, name ? [name] : undefined)[0]!;
  }

  floats(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  uint8(name: string, dims: number[], values: Uint8Array): string {
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.UINT8, rawData: values });
    return name;
  }

  int8(name: string, dims: number[], values: Int8Array): string {
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.INT8,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  ints(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
    return name;
  }

  scalar(name: string, value: number): string {
    this.initializers.push({ name, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [value] });
    return name;
  }

  scalarInt(name: string, value: number): string {
    this.initializers.push({ name, dims: [], dataType: onnx.TensorProto.DataType.INT64, int64Data: [value] });
    return name;
  }
}

function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  if (typeof value === 'string') return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
  return Number.isInteger(value) && !Object.is(value, -0)
    ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
    : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

export function valueInfo(name: string, elemType: number, dims: Array<number | string>): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
