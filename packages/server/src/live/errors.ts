// Error codes of `/midigpt/error code message` (realtime.md §1.5). Codes 1-8
// are the reference's; 9 is ours (a message the shared secret refuses).

export const ErrorCode = {
  invalidState: 1,
  unknownTrack: 2,
  duplicateTrack: 3,
  invalidParam: 4,
  generation: 5,
  noAgent: 6,
  multiAgent: 7,
  agentNote: 8,
  unauthorized: 9,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A refused message: the transport answers it with `/midigpt/error code message`. */
export class LiveError extends Error {
  override name = 'LiveError';
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
  }
}

export const invalidParam = (message: string): LiveError => new LiveError(ErrorCode.invalidParam, message);
