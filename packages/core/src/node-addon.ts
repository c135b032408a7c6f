// Loads the native addon under Node (node-gyp-build): the local CMake build in
// build/Release when there is one, otherwise a prebuilt binary from prebuilds/
// that matches this platform. Imported for its effect, first, by index.ts.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installAddon, type NativeAddon } from './native.js';
import { loadWasmAddon } from './wasm.js';
import { installFiles } from './files.js';
import { nodeFiles } from './files-node.js';

const require = createRequire(import.meta.url);
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function load(): NativeAddon {
  // The same core compiled to WebAssembly (`pnpm run build:wasm`, src/wasm.ts), chosen explicitly (the wasm tests).
  if (process.env.MIDIGPT_CORE_BACKEND === 'wasm') return loadWasmAddon();
  // A specific build (a sanitizer build in scripts/test-addon-asan.sh, a debug build) by path.
  if (process.env.MIDIGPT_ADDON) return require(path.resolve(process.env.MIDIGPT_ADDON)) as NativeAddon;
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  try {
    return nodeGypBuild(packageRoot) as NativeAddon;
  } catch (cause) {
    throw new Error(
      `@midigpt/core: no native addon for ${process.platform}-${process.arch} (Node ${process.version}). ` +
        'Build it from source with `npm rebuild @midigpt/core` in your project, or `pnpm --filter @midigpt/core build` ' +
        'in the midigpt repository (needs CMake, a C++20 compiler and nlohmann-json).',
      { cause },
    );
  }
}

installAddon(load());
installFiles(nodeFiles);
