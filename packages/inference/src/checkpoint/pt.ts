// Reading the legacy packed `.pt` bundles (format_version 1, generation.md
// §7.2): a torch zip archive whose `data.pkl` pickles
// {format_version, arch, config, encoder_config, state_dict}, each tensor a
// reference to a raw little-endian storage file beside it. Zip and pickle are
// read with fflate and pickleparser; only the torch classes a state dict uses
// are recognized, so nothing else in a pickle can run or be built.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { NameRegistry, Parser } from 'pickleparser';
import { checkpointFrom, type Gpt2Checkpoint } from './gpt2.js';
import { CheckpointError, toFloat32, type NamedTensor } from './safetensors.js';

interface StorageRef {
  dtype: 'F32' | 'F16' | 'BF16';
  key: string;
}

interface TensorRef {
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

const STORAGES: Record<string, StorageRef['dtype']> = { FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16' };

function storageClass(name: string): new () => object {
  // A named class, so the persistent id can tell which dtype it stands for.
  return { [name]: class {} }[name] as new () => object;
}

function names(source: string): NameRegistry {
  const registry = new NameRegistry()
    .register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: number, size: number[], stride: number[]) => ({ storage, offset, size, stride }))
    .register('collections', 'OrderedDict', () => ({}));
  for (const name of Object.keys(STORAGES)) registry.register('torch', name, storageClass(name));
  registry.onMissingName = (module: string, name: string) => {
    throw new CheckpointError(`${source}: the pickle uses ${module}.${name}, which a MIDI-GPT bundle does not contain`);
  };
  return registry;
}

function tensorData(ref: TensorRef, files: Record<string, Uint8Array>, prefix: string, source: string): NamedTensor {
  const file = files[`${prefix}data/${ref.storage.key}`];
  if (!file) throw new CheckpointError(`${source}: storage ${ref.storage.key} is missing from the archive`);
  const count = ref.size.reduce((a, b) => a * b, 1);
  let expected = 1;
  for (let i = ref.size.length - 1; i >= 0; i--) {
    if (ref.size[i]! > 1 && ref.stride[i] !== expected) throw new CheckpointError(`${source}: a tensor is not contiguous`);
    expected *= ref.size[i]!;
  }
  const width = ref.storage.dtype === 'F32' ? 4 : 2;
  const bytes = file.subarray(ref.offset * width, (ref.offset + count) * width);
  if (bytes.byteLength !== count * width) throw new CheckpointError(`${source}: storage ${ref.storage.key} is shorter than its tensor`);
  const data = toFloat32(ref.storage.dtype, bytes);
  if (data.some((v) => !Number.isFinite(v))) throw new CheckpointError(`${source}: a tensor holds NaN or infinite values`);
  return { dtype: ref.storage.dtype, shape: ref.size, data };
}

/** Reads a format-1 `.pt` bundle (bytes or a path). */
export function readPtCheckpoint(input: Uint8Array | string): Gpt2Checkpoint {
  const source = typeof input === 'string' ? input : 'checkpoint';
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(typeof input === 'string' ? readFileSync(input) : input);
  } catch {
    throw new CheckpointError(`${source}: not a torch zip archive (legacy non-zip .pt files are not supported)`);
  }
  const pickle = Object.keys(files).find((name) => name.endsWith('data.pkl'));
  if (!pickle) throw new CheckpointError(`${source}: the archive has no data.pkl`);
  const prefix = pickle.slice(0, -'data.pkl'.length);
  const parser = new Parser({
    nameResolver: names(source),
    persistentResolver: {
      resolve: (pid: unknown) => {
        const [kind, storage, key] = pid as [string, (new () => object) | undefined, string];
        const dtype = STORAGES[storage?.name ?? ''];
        if (kind !== 'storage' || !dtype) throw new CheckpointError(`${source}: unsupported storage in the pickle`);
        return { dtype, key } satisfies StorageRef;
      },
    },
  });
  let bundle: Record<string, unknown>;
  try {
    bundle = parser.parse<Record<string, unknown>>(files[pickle]!);
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`${source}: the pickle cannot be read (${(error as Error).message})`);
  }
  if (!bundle || typeof bundle !== 'object' || !('format_version' in bundle) || !('state_dict' in bundle))
    throw new CheckpointError(`${source}: not a packed MIDI-GPT bundle (no format_version and state_dict)`);
  if (bundle.format_version !== 1) throw new CheckpointError(`${source}: format_version is ${String(bundle.format_version)}; .pt bundles have 1`);
  const arch = (bundle.arch as string | undefined) ?? 'gpt2';
  if (arch !== 'gpt2') throw new CheckpointError(`${source}: unknown architecture "${arch}" (known: gpt2)`);
  const weights = new Map<string, NamedTensor>();
  for (const [name, ref] of Object.entries(bundle.state_dict as Record<string, TensorRef>)) weights.set(name, tensorData(ref, files, prefix, source));
  const encoder = bundle.encoder_config;
  return checkpointFrom(
    JSON.stringify(bundle.config ?? {}),
    typeof encoder === 'string' ? encoder : encoder == null ? undefined : JSON.stringify(encoder),
    weights,
    source,
  );
}
