// Errors from the core carry a `code`; these helpers let callers branch on it.

/** Codes set by the native core on the Errors it throws. */
export type CoreErrorCode =
  | 'MIDI_FORMAT'
  | 'INVALID_SCORE'
  | 'INVALID_CONFIG'
  | 'ENCODE'
  | 'OUT_OF_RANGE'
  | 'OUT_OF_MEMORY'
  | 'INTERNAL'
  | 'FILE_TOO_LARGE'
  | 'INVALID_REQUEST';

export interface CoreError extends Error {
  code: CoreErrorCode;
}

const codes = new Set<string>(['MIDI_FORMAT', 'INVALID_SCORE', 'INVALID_CONFIG', 'ENCODE', 'OUT_OF_RANGE', 'OUT_OF_MEMORY', 'INTERNAL', 'FILE_TOO_LARGE', 'INVALID_REQUEST']);

export function isCoreError(error: unknown): error is CoreError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && codes.has((error as CoreError).code);
}

export function coreError(code: CoreErrorCode, message: string): CoreError {
  return Object.assign(new Error(message), { code });
}
