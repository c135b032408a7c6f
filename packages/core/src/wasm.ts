// The C++ core as WebAssembly under Node (wasm-instantiate.ts does the work):
// used when MIDIGPT_CORE_BACKEND=wasm (the wasm tests, CI's quick check of the
// browser build's core).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './native.js';
import { instantiateWasmAddon, type EmnapiCore, type EmnapiRuntime } from './wasm-instantiate.js';

/** Where `pnpm run build:wasm` puts the module. */
export const defaultWasmPath: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../wasm/dist/midigpt.wasm');

/** Reads and instantiates the wasm core (synchronously). */
export function loadWasmAddon(file: string = process.env.MIDIGPT_WASM ?? defaultWasmPath): NativeAddon {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new Error(`@midigpt/core: no WebAssembly core at ${file}; build it with \`pnpm --filter @midigpt/core build:wasm\``, { cause });
  }
  const require = createRequire(import.meta.url);
  const emnapi = { core: require('@emnapi/core') as EmnapiCore, runtime: require('@emnapi/runtime') as EmnapiRuntime };
  return instantiateWasmAddon(bytes, emnapi, file);
}

