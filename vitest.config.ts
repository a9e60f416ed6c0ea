import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    // Tests run in UTC so "today" must come from the injected clock, never from the machine's zone (DESIGN.md §1).
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup/leak-check.ts'],
  },
});
