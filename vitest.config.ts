import { defineConfig } from 'vitest/config';

// One run covers every package and the cross-package tests in tests/.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
