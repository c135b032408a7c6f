// The default model lives in its own package, @midigpt/default-model: an
// optional dependency of the CLI (a project can leave it out, e.g. with
// `npm i --omit=optional`, and use released models or its own). Commands that
// need it say how to get it when it is not installed.
export interface DefaultModel {
  /** The model's name, as `midigpt models list` shows it. */
  name: string;
  /** The ONNX file. */
  path: string;
  /** Names `--model` accepts for it. */
  names: readonly string[];
}

/** What `--model` calls the default model; kept here for the message when the package is missing. */
const DEFAULT_NAMES = ['default', 'pop909-small'];

export const DEFAULT_MODEL_MISSING =
  'the default model is not installed (the optional dependency @midigpt/default-model): ' +
  'install it with `npm i @midigpt/default-model` (beside @midigpt/cli), ' +
  'or pass --model PATH (an .onnx model or a .safetensors/.pt checkpoint) or --model NAME (a released model such as yellow, downloaded once)';

function isMissingPackage(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return (
    !!e &&
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes("'@midigpt/default-model'")
  );
}

/** The installed default model, or null when @midigpt/default-model is not installed. */
export async function findDefaultModel(): Promise<DefaultModel | null> {
  try {
    const { defaultModelPath, DEFAULT_MODEL_ALIASES, DEFAULT_MODEL_NAME } = await import('@midigpt/default-model');
    return { name: DEFAULT_MODEL_NAME, path: defaultModelPath, names: DEFAULT_MODEL_ALIASES };
  } catch (error) {
    if (isMissingPackage(error)) return null;
    throw error;
  }
}

/** Whether `--model spec` asks for the default model (no --model, or one of its names). */
export function wantsDefaultModel(spec: string | undefined): boolean {
  return spec === undefined || DEFAULT_NAMES.includes(spec);
}

/** The error a command gives when it needs the default model and it is missing (exit code 1). */
export function defaultModelMissing(): Error {
  return new Error(DEFAULT_MODEL_MISSING);
}
