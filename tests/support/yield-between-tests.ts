// Lets each test worker's event loop reach its I/O phase between tests.
// Vitest's worker talks to the runner over an RPC channel with a fixed 60 s
// timeout; a file of many synchronous tests (the parity suites: thousands of
// encodes) only ever runs microtasks between them, so on a slow or loaded
// machine the runner's reply sits unread for a minute and the run fails with
// "Timeout calling onTaskUpdate" although every test passed. A macrotask
// (setImmediate runs after the poll phase) lets the reply in.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
