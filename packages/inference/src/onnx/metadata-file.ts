// The converter's metadata of an ONNX file, read without loading the weights:
// ModelProto's top-level fields are walked with protobufjs's Reader over small
// reads at each field's start, and only `metadata_props` (field 14) is decoded.
// ONNX Runtime then reads the file itself, so the process never holds a second
// copy of the weights (issue #17, memory).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import protobuf from 'protobufjs/minimal.js';
import { onnx } from './proto.js';

const METADATA_PROPS = 14;
/** Enough for any field's key and length (two varints of at most 10 bytes). */
const HEADER_BYTES = 20;

/** The metadata of an ONNX file, reading only the fields' headers and the metadata itself. */
export function metadataOfFile(file: string): Record<string, string> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = new Uint8Array(HEADER_BYTES);
    const metadata: Record<string, string> = {};
    let position = 0;
    while (position < size) {
      const got = readSync(fd, header, 0, HEADER_BYTES, position);
      const reader = protobuf.Reader.create(header.subarray(0, got));
      let end: number;
      let field: number;
      try {
        const key = reader.uint32();
        field = key >>> 3;
        const wireType = key & 7;
        if (wireType === 2) {
          const length = reader.uint32();
          end = position + reader.pos + length;
          if (field === METADATA_PROPS) {
            const entry = new Uint8Array(length);
            readSync(fd, entry, 0, length, position + reader.pos);
            const prop = onnx.StringStringEntryProto.decode(entry);
            metadata[prop.key ?? ''] = prop.value ?? '';
          }
        } else {
          reader.skipType(wireType); // varints and fixed-size values fit in the header read
          end = position + reader.pos;
        }
      } catch (cause) {
        throw new Error(`${file} is not an ONNX model (unreadable at byte ${position})`, { cause });
      }
      if (field === 0 || end > size) throw new Error(`${file} is not an ONNX model (a field at byte ${position} runs past the end)`);
      position = end;
    }
    return metadata;
  } finally {
    closeSync(fd);
  }
}
