// End-to-end tests: Debian's Chromium against the headless host (test/e2e/fixtures.ts starts one per spec file).
// The renderer must be built first; `npm test` runs `npm run build:renderer` before this.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  // Two cores: one browser and one host at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  // On CI one retry: a spec that fails and then passes is counted as passed but named under "flaky" at the end of
  // `npm test`'s output (scripts/test.mjs), so a race in a test or in the app is seen, not hidden.
  retries: process.env['CI'] ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  // Its own folder: Playwright empties outputDir on start, and test-results/ also holds other stages' reports.
  outputDir: 'test-results/e2e-artifacts',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
