// `midigpt studio --static OUTDIR`: the studio as a static site that generates
// in the page (issue #19): the built studio, the C++ core as WebAssembly,
// onnxruntime-web's WebAssembly runtime and the model, with `local.json`
// telling the page to use them (packages/studio/src/backend.ts). Any static
// file server can serve it; nothing runs on the server.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { studioRoot } from './http/studio.js';
import { modelFile } from './model.js';

/** onnxruntime-web's files the page loads (its WebAssembly build without WebGPU). */
const ORT_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

export interface StaticStudioOptions {
  /** `--model`: a name or file (default: the embedded default model). Checkpoints are converted to ONNX. */
  model?: string;
  say?: (line: string) => void;
}

export interface StaticStudio {
  dir: string;
  /** Relative path → bytes, of what the page loads besides the studio itself. */
  files: Record<string, number>;
}

/** Where a package's file is, resolved as the inference package sees it. */
function resolveFrom(specifier: string): string {
  const inference = fileURLToPath(import.meta.resolve('@midigpt/inference'));
  return createRequire(inference).resolve(specifier);
}

/** The core's WebAssembly module (in the npm package; in the repository after `build:wasm`). */
export function coreWasmPath(): string {
  let file: string;
  try {
    file = resolveFrom('@midigpt/core/wasm/midigpt.wasm');
  } catch {
    file = '';
  }
  if (!file || !existsSync(file))
    throw new Error('the C++ core is not built as WebAssembly: run `pnpm --filter @midigpt/core build:wasm` (needs Emscripten: apt-get install emscripten)');
  return file;
}

export async function writeStaticStudio(outDir: string, options: StaticStudioOptions = {}): Promise<StaticStudio> {
  const dir = path.resolve(outDir);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0))
    throw new Error(`${outDir} exists and is not an empty folder: choose a new one (nothing is overwritten)`);
  const studio = studioRoot();
  const core = coreWasmPath();
  const ort = ORT_FILES.map((f) => resolveFrom(`onnxruntime-web/${f}`));
  const model = await modelBytes(options.model);

  // Written beside the target, then renamed into place: a failure leaves no half site.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    cpSync(studio, partial, { recursive: true });
    mkdirSync(path.join(partial, 'ort'));
    copyFileSync(core, path.join(partial, 'midigpt.wasm'));
    for (const file of ort) copyFileSync(file, path.join(partial, 'ort', path.basename(file)));
    writeFileSync(path.join(partial, 'model.onnx'), model.bytes);
    const site = { backend: 'browser', model: 'model.onnx', core: 'midigpt.wasm', ort: 'ort/', modelName: `${model.name} (in this browser)` };
    writeFileSync(path.join(partial, 'local.json'), `${JSON.stringify(site, null, 2)}\n`);
    if (existsSync(dir)) rmSync(dir, { recursive: true }); // an empty folder (checked above)
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  const files: Record<string, number> = {};
  for (const file of ['model.onnx', 'midigpt.wasm', ...ORT_FILES.map((f) => `ort/${f}`)]) files[file] = statSync(path.join(dir, file)).size;
  return { dir, files };
}

async function modelBytes(spec: string | undefined): Promise<{ name: string; bytes: Uint8Array }> {
  const file = await modelFile(spec);
  const name = spec === undefined || spec === 'default' ? 'pop909-small' : path.basename(spec).replace(/\.(onnx|safetensors|pt)$/, '');
  if (file.endsWith('.onnx')) return { name, bytes: readFileSync(file) };
  const { convertToOnnx, readCheckpoint } = await import('@midigpt/inference');
  return { name, bytes: convertToOnnx(readCheckpoint(file)) };
}
