// Instantiates the C++ core compiled to WebAssembly (wasm/dist/midigpt.wasm:
// the same N-API binding as the native addon, cpp/node/*, built by
// wasm/CMakeLists.txt with Emscripten), whose Node-API imports are implemented
// in JavaScript by @emnapi/core. Returns an object of the native addon's shape
// (NativeAddon), so the TypeScript layer runs on either. Platform-neutral: the
// caller brings the module's bytes and emnapi (wasm.ts under Node, browser.ts).
import type { NativeAddon } from './native.js';

// The parts of @emnapi/core and @emnapi/runtime used here (both are loaded
// only when the wasm core is: the native path needs neither).
interface EmnapiContext {
  handleStore: { get(id: number): { value: unknown } | undefined };
  openScope(env?: unknown): unknown;
  closeScope(env?: unknown, scope?: unknown): void;
}
type Imports = Record<string, Record<string, unknown>>;
interface NapiModule {
  exports: unknown;
  emnapi: { syncMemory<T extends ArrayBuffer | ArrayBufferView>(jsToWasm: boolean, view: T): unknown };
}
export interface EmnapiCore {
  instantiateNapiModuleSync(
    input: BufferSource | WebAssembly.Module,
    options: {
      context: EmnapiContext;
      filename?: string;
      overwriteImports?: (imports: Imports) => Imports;
      beforeInit?: (source: { instance: WebAssembly.Instance; module: WebAssembly.Module }) => void;
    },
  ): { napiModule: NapiModule };
  instantiateNapiModule(input: BufferSource | WebAssembly.Module, options: NapiOptions): Promise<{ napiModule: NapiModule }>;
}
type NapiOptions = Parameters<EmnapiCore['instantiateNapiModuleSync']>[1];

/** The part of @emnapi/runtime used here. */
export interface EmnapiRuntime {
  createContext(): EmnapiContext;
}

export interface Emnapi {
  core: EmnapiCore;
  runtime: EmnapiRuntime;
}

/** Instantiates the wasm core from its bytes or a compiled module (synchronously: Node, a worker). */
export function instantiateWasmAddon(input: BufferSource | WebAssembly.Module, emnapi: Emnapi, filename = 'midigpt.wasm'): NativeAddon {
  const { options, loaded } = napiOptions(emnapi, filename);
  return loaded(emnapi.core.instantiateNapiModuleSync(input, options).napiModule);
}

/** The same, asynchronously (a browser's main thread may not instantiate large modules synchronously). */
export async function instantiateWasmAddonAsync(input: BufferSource | WebAssembly.Module, emnapi: Emnapi, filename = 'midigpt.wasm'): Promise<NativeAddon> {
  const { options, loaded } = napiOptions(emnapi, filename);
  return loaded((await emnapi.core.instantiateNapiModule(input, options)).napiModule);
}

function napiOptions(emnapi: Emnapi, filename: string): { options: NapiOptions; loaded: (module: NapiModule) => NativeAddon } {
  const context = emnapi.runtime.createContext();
  let memory: WebAssembly.Memory | undefined;
  let napiModule: NapiModule | undefined;

  // emnapi gives the core a copy, in wasm memory, of each ArrayBuffer whose
  // data pointer it asks for (for an input array, or one it creates for its
  // result) and copies it back only when told. Native Node-API shares the
  // memory, and the binding relies on that (it fills the arrays it returns,
  // and mask() writes into the caller's array). So every buffer handed to the
  // core during a call is copied back from wasm memory as the call returns,
  // when the outermost handle scope closes (within the call's try/finally,
  // before the caller sees the result).
  const touched: Array<ArrayBuffer | ArrayBufferView> = [];
  let depth = 0;
  const flush = () => {
    for (const value of touched) {
      // The whole buffer: emnapi copies whole buffers (a view's too), and an ArrayBuffer
      // skips its SharedArrayBuffer probe, which throws and catches for every other value.
      const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
      if (buffer.byteLength > 0 && buffer !== memory!.buffer) napiModule!.emnapi.syncMemory(false, buffer as ArrayBuffer);
    }
  };
  const openScope = context.openScope.bind(context);
  const closeScope = context.closeScope.bind(context);
  context.openScope = (env, ...rest) => {
    depth++;
    return (openScope as (...a: unknown[]) => unknown)(env, ...rest);
  };
  context.closeScope = (env, scope) => {
    try {
      if (touched.length > 0) flush();
    } finally {
      depth = Math.max(0, depth - 1);
      if (depth === 0) touched.length = 0;
      closeScope(env, scope);
    }
  };
  const u32 = (ptr: number) => new DataView(memory!.buffer).getUint32(ptr >>> 0, true);
  const valueOf = (handle: number) => context.handleStore.get(handle)?.value as ArrayBuffer | ArrayBufferView | undefined;
  const track = (value: ArrayBuffer | ArrayBufferView | undefined) => {
    if (value !== undefined && (value instanceof ArrayBuffer || ArrayBuffer.isView(value))) touched.push(value);
  };

  const options: NapiOptions = {
    context,
    filename,
    overwriteImports(imports) {
      const napi = imports.napi as Record<string, (...args: number[]) => number>;
      const createArrayBuffer = napi.napi_create_arraybuffer!;
      napi.napi_create_arraybuffer = (env, byteLength, data, result) => {
        const status = createArrayBuffer(env, byteLength, data, result);
        if (status === 0 && data && result) track(valueOf(u32(result)));
        return status;
      };
      for (const name of ['napi_get_arraybuffer_info', 'napi_get_typedarray_info', 'napi_get_dataview_info', 'napi_get_buffer_info']) {
        const original = napi[name];
        if (!original) continue;
        // (env, value, ...outputs): the data pointer is handed out when its output slot is given.
        const dataSlot = name === 'napi_get_typedarray_info' ? 4 : name === 'napi_get_dataview_info' ? 3 : 2;
        napi[name] = (...args: number[]) => {
          const status = original(...args);
          if (status === 0 && args[dataSlot]) track(valueOf(args[1]!));
          return status;
        };
      }
      // The two imports of Emscripten's standalone runtime that the core uses.
      imports.env = {
        ...imports.env,
        emscripten_notify_memory_growth: () => {},
      };
      imports.wasi_snapshot_preview1 = {
        proc_exit: (code: number) => {
          throw new Error(`@midigpt/core (wasm): the core aborted (exit code ${code})`);
        },
      };
      return imports;
    },
    beforeInit({ instance }) {
      memory = instance.exports.memory as WebAssembly.Memory;
      (instance.exports._initialize as () => void)();
    },
  };
  const loaded = (module: NapiModule) => {
    napiModule = module;
    return module.exports as NativeAddon;
  };
  return { options, loaded };
}
