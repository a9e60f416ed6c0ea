/**
 * Every glyph has a Chinese-capable font, on screen and on paper (issue 16: the 档案编号 column header and the
 * printed cover's 档案编号 were tofu, because the monospace stacks had no Chinese font and this machine, like many
 * clinic PCs, has no system CJK font). Two checks:
 * - glyph coverage in the page: every Chinese character in the document is inside a unicode-range of the bundled
 *   Noto Sans SC, and its element's computed font stack names that font; run on the live screens and on every
 *   Chinese UI string (all message tables and code sets) set in each font stack the stylesheets use;
 * - the printed record cover, printed to PDF by Chromium: only Noto Sans SC and the monospace digits' font are
 *   embedded (a tofu falls back to another system font, which `pdffonts` then lists) and the text extracts whole.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import * as codeSets from '../../shared/domain/code-sets';
import { followupMessages } from '../../shared/domain/followup-messages';
import { validationMessages } from '../../shared/domain/validation-messages';
import { zhCN } from '../../renderer/i18n/zh-cn';
import { type E2eHost, foreignPdfFonts, keepPrintedSheet, makeDataDir, ROOT, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

let host: E2eHost;
let page: Page;
const DEMO_ADMIN = { username: 'admin', password: 'demo-admin-2026' };

test.beforeAll(async ({ browser }) => {
  // Seeding the demo township takes a while on a busy 2-core machine.
  test.setTimeout(240_000);
  const dataDir = makeDataDir();
  const made = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main/cli/index.ts', 'demo', '--data-dir', dataDir, '--residents', '60'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (made.status !== 0) throw new Error(`cunyi demo failed (${made.status}): ${made.stderr}`);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

/** Every string with a Chinese character in a nested table. */
function chineseStrings(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === 'string') {
    if (/[\u3000-\u9fff\uff00-\uffef]/.test(v)) out.add(v);
  } else if (Array.isArray(v)) {
    for (const x of v) chineseStrings(x, out);
  } else if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) chineseStrings(x, out);
  }
  return out;
}

async function allUiStrings(): Promise<string[]> {
  const tables: unknown[] = [zhCN, validationMessages.zh, followupMessages.zh, codeSets];
  const features = join(ROOT, 'renderer', 'features');
  for (const folder of readdirSync(features)) {
    if (!readdirSync(join(features, folder)).includes('messages.ts')) continue;
    const mod = (await import(join(features, folder, 'messages.ts'))) as { messages?: { zh: unknown } };
    tables.push(mod.messages?.zh);
  }
  return [...chineseStrings(tables)];
}

/**
 * Chinese characters the page would draw without a Chinese font: not covered by any bundled Noto Sans SC face, or
 * in an element whose font stack leaves that font out. One line per element (its classes, stack and text).
 */
function tofuIn(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const ranges: [number, number][] = [];
    for (const sheet of Array.from(document.styleSheets)) {
      let rules: CSSRuleList;
      try {
        rules = sheet.cssRules;
      } catch {
        continue;
      }
      for (const rule of Array.from(rules)) {
        if (!(rule instanceof CSSFontFaceRule) || !rule.style.getPropertyValue('font-family').includes('Noto Sans SC')) continue;
        const range = rule.style.getPropertyValue('unicode-range') || 'U+0-10FFFF';
        for (const part of range.split(',')) {
          const m = /U\+([0-9a-f?]+)(?:-([0-9a-f]+))?/i.exec(part.trim());
          if (!m?.[1]) continue;
          const lo = parseInt(m[1].replace(/\?/g, '0'), 16);
          const hi = m[2] ? parseInt(m[2], 16) : parseInt(m[1].replace(/\?/g, 'f'), 16);
          ranges.push([lo, hi]);
        }
      }
    }
    const covered = (cp: number) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
    const problems: string[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        const chinese = Array.from(text).filter((ch) => /[\u3000-\u9fff\uff00-\uffef]/.test(ch));
        if (chinese.length === 0 || !n.parentElement) continue;
        const stack = getComputedStyle(n.parentElement).fontFamily;
        const missing = chinese.filter((ch) => !covered(ch.codePointAt(0) ?? 0));
        if (!stack.includes('Noto Sans SC') || missing.length > 0) {
          problems.push(`${n.parentElement.className || n.parentElement.tagName} [${stack}] ${text.slice(0, 40)}${missing.length ? ` missing ${missing.join('')}` : ''}`);
        }
      }
    }
    return problems;
  }, selector);
}

test('signed in on the demo clinic, the residents list (档案编号 column) has a Chinese font for every character', async () => {
  await page.goto(host.url);
  await page.getByLabel('用户名').fill(DEMO_ADMIN.username);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_ADMIN.password);
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await expect(page.locator('main h1')).toBeVisible();
  await page.keyboard.press('Alt+Digit2');
  await expect(page.locator('main h1')).toHaveText('居民档案');
  await expect(page.locator('main a[href^="#/residents?id="]').first()).toBeVisible();
  await expect(page.locator('th', { hasText: '档案编号' })).toBeVisible();
  expect(await tofuIn(page, 'body')).toEqual([]);
});

test('every Chinese UI string, in every font stack of the stylesheets, has a Chinese font', async () => {
  const strings = await allUiStrings();
  expect(strings.length).toBeGreaterThan(500);
  await page.evaluate((list) => {
    const host = document.createElement('div');
    host.id = 'glyph-check';
    // Each class that sets its own font-family (global.css, print.css): the strings are drawn in each of them.
    for (const cls of ['', 'monospace', 'recovery-key', 'timeline-date monospace']) {
      const box = document.createElement('div');
      box.className = cls;
      box.textContent = list.join('\n');
      host.appendChild(box);
    }
    document.body.appendChild(host);
  }, strings);
  expect(await tofuIn(page, '#glyph-check')).toEqual([]);
  await page.evaluate(() => document.getElementById('glyph-check')?.remove());
});

test('the printed record cover (PDF) embeds only Noto Sans SC and the digits font, and its text extracts whole', async () => {
  await page.locator('main a[href^="#/residents?id="]').first().click();
  await expect(page.getByRole('button', { name: '打印封面' })).toBeVisible();
  await keepPrintedSheet(page);
  await page.getByRole('button', { name: '打印封面' }).click();
  await expect(page.locator('#kept-sheet')).toContainText('居民健康档案');
  await page.emulateMedia({ media: 'print' });
  expect(await tofuIn(page, '#kept-sheet')).toEqual([]);
  const pdf = test.info().outputPath('cover.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => document.getElementById('kept-sheet')?.remove());

  expect(foreignPdfFonts(pdf)).toEqual([]);
  const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout;
  expect(text).toContain('档案编号');
  expect(text).toContain('居民健康档案');
});
