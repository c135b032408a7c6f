/** A mistake on the command line; reported without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input file that should hold JSON and does not; exit code 1. */
export class InvalidJsonError extends Error {
  override name = 'InvalidJsonError';
}

/** JSON.parse with the file named in the error. */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError(`invalid JSON in ${file}: ${(error as Error).message}`);
  }
}
