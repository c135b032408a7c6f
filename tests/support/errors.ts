import { isCoreError } from '@midigpt/core';

/** The `code` of the core error `fn` throws, or undefined when it does not throw. Other errors propagate. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isCoreError(e)) return e.code;
    throw e;
  }
  return undefined;
}
