/**
 * The set-up of a spec file that drives one clinic's headless host against a county platform on loopback (PGlite),
 * in Chromium at 1366×768: before the file's tests a platform, a freshly initialised clinic's host and a page; after
 * them all three stopped. `ready` hands them to the file (its tests use them as plain variables).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, test } from '@playwright/test';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { type E2eHost, initClinic, makeDataDir, ROOT, startHost } from './fixtures';

export const SHOTS = join(ROOT, 'test-results', 'screenshots');

export interface PlatformClinic {
  platform: TestPlatform;
  host: E2eHost;
  page: Page;
}

export function platformClinicSuite(ready: (s: PlatformClinic) => void): void {
  let s: Partial<PlatformClinic> = {};
  test.beforeAll(async ({ browser }: { browser: Browser }) => {
    test.setTimeout(120_000);
    mkdirSync(SHOTS, { recursive: true });
    const platform = await startTestPlatform();
    s = { platform };
    const dataDir = makeDataDir();
    initClinic(dataDir);
    s.host = await startHost(dataDir);
    s.page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    ready({ platform, host: s.host, page: s.page });
  });
  test.afterAll(async () => {
    if (s.page) await s.page.close();
    if (s.host) await s.host.stop();
    if (s.platform) await s.platform.dispose();
  });
}
