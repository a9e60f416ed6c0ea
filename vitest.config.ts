import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    // Tests run in UTC so "today" must come from the injected clock, never from the machine's zone (DESIGN.md §1).
    env: { TZ: 'UTC' },
    // Generous: tests wait on conditions, so a limit matters only when something hangs. Several tests start child
    // processes (tsx) or run properties that took 20–25 s here under load; CI's machine may be slower still.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/setup/leak-check.ts'],
  },
});
