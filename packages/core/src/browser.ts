// @midigpt/core in a browser (the package's "browser" export): the same API as
// under Node, on the C++ core compiled to WebAssembly. `await initCore(url)`
// once before using it, with the URL of `@midigpt/core/wasm/midigpt.wasm` as
// your site serves it (with Vite: `import url from
// '@midigpt/core/wasm/midigpt.wasm?url'`), or the module's bytes.
import * as emnapiCore from '@emnapi/core';
import * as emnapiRuntime from '@emnapi/runtime';
import { builtinEncoderTexts } from './builtin-encoders.js';
import { installFiles, noPathFiles, type FileAccess } from './files.js';
import { addonInstalled, installAddon } from './native.js';
import { instantiateWasmAddonAsync, type Emnapi } from './wasm-instantiate.js';

export * from './api.js';

/** Where the WebAssembly core is, or the core itself. */
export type CoreSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

const browserFiles: FileAccess = {
  ...noPathFiles,
  builtinEncoder(name) {
    const text = builtinEncoderTexts[name];
    if (text === undefined) throw new Error(`@midigpt/core: no built-in encoder config "${name}"`);
    return text;
  },
};

let loading: Promise<void> | undefined;

/**
 * Loads the WebAssembly core (once; later calls wait for the first). Without an argument it
 * fetches it from the package's own folder (an unbundled page that serves node_modules).
 */
export function initCore(source?: CoreSource): Promise<void> {
  // Not a bundler's asset: a page brings the module it serves (a static studio copies it).
  loading ??= load(source ?? new URL(/* @vite-ignore */ '../wasm/dist/midigpt.wasm', import.meta.url)).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Whether `initCore` has finished. */
export function coreReady(): boolean {
  return addonInstalled();
}

async function load(source: CoreSource): Promise<void> {
  let input: BufferSource | WebAssembly.Module;
  if (typeof source === 'string' || source instanceof URL) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`@midigpt/core: could not fetch the WebAssembly core from ${String(source)} (HTTP ${response.status})`);
    input = await WebAssembly.compile(await response.arrayBuffer());
  } else input = source instanceof Uint8Array ? source.slice() : source;
  const emnapi = { core: emnapiCore, runtime: emnapiRuntime } as unknown as Emnapi;
  installFiles(browserFiles);
  installAddon(await instantiateWasmAddonAsync(input, emnapi));
}
