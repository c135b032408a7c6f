import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests never touch the user's model cache.
process.env.MIDIGPT_HOME ??= mkdtempSync(path.join(tmpdir(), 'midigpt-test-home-'));

// One run covers every package and the cross-package tests in tests/.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    setupFiles: ['tests/support/yield-between-tests.ts'],
    pool: 'forks',
  },
});
