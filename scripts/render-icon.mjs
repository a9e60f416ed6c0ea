// Renders resources/icon.svg to resources/icon.png (512x512), the file electron-builder turns into the Windows
// .ico and the Linux icons. Uses the installed Playwright with the system Chromium and embeds Noto Sans SC from
// @fontsource, so 村 looks the same whatever fonts the build machine has. Run: node scripts/render-icon.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(join(root, 'resources', 'icon.svg'), 'utf8');
const font = readFileSync(
  join(root, 'node_modules', '@fontsource', 'noto-sans-sc', 'files', 'noto-sans-sc-chinese-simplified-700-normal.woff2'),
).toString('base64');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath });
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><head><style>
    @font-face { font-family: 'Noto Sans SC'; font-weight: 700; src: url(data:font/woff2;base64,${font}) format('woff2'); }
    html, body { margin: 0; background: transparent; }
    svg { display: block; }
  </style></head><body>${svg}</body></html>`);
  await page.evaluate(() => globalThis.document.fonts.ready);
  await page.locator('svg').screenshot({ path: join(root, 'resources', 'icon.png'), omitBackground: true });
  console.log('resources/icon.png written');
} finally {
  await browser.close();
}
