/**
 * Every font stack can draw Chinese (issue 16: the 档案编号 header and the printed cover's label were tofu because the
 * monospace stack had no Chinese font), and nothing on screen is smaller than 14 px for data or 12 px for hints.
 * Reads the stylesheets as text, so a new stack or size anywhere in the renderer is checked too.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONT_FAMILY, appTheme } from '../../../../renderer/app/theme';

const root = join(__dirname, '../../../../renderer');

function cssFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return cssFiles(p);
    return p.endsWith('.css') ? [p] : [];
  });
}

const files = cssFiles(root);
const declarations = (prop: string) =>
  files.flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return [...text.matchAll(new RegExp(`${prop}\\s*:\\s*([^;]+);`, 'g'))].map((m) => ({ file: f.slice(root.length + 1), value: (m[1] ?? '').trim(), at: m.index, text }));
  });

/** Inside `@media print { … }`? Paper sizes are judged in pt by the print tests, not by the screen's px rules. */
function inPrint(text: string, at: number): boolean {
  const start = text.lastIndexOf('@media print', at);
  if (start < 0) return false;
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length && i < at; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}') depth--;
    if (depth === 0) return false;
  }
  return true;
}

describe('font stacks', () => {
  it('finds the stylesheets', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it('every font-family in the renderer names the bundled Noto Sans SC (or inherits one that does)', () => {
    const missing = declarations('font-family').filter((d) => d.value !== 'inherit' && !d.value.includes("'Noto Sans SC'"));
    expect(missing.map((d) => `${d.file}: ${d.value}`)).toEqual([]);
  });

  it('the antd theme stack starts with Noto Sans SC', () => {
    expect(FONT_FAMILY.startsWith('"Noto Sans SC"')).toBe(true);
    expect(appTheme(false).token?.fontFamily).toBe(FONT_FAMILY);
  });
});

describe('text sizes in normal mode', () => {
  it('antd draws tags, statuses and small tables at 14 px or more', () => {
    const token = appTheme(false).token ?? {};
    expect(token.fontSize).toBeGreaterThanOrEqual(14);
    expect(token.fontSizeSM).toBeGreaterThanOrEqual(14);
  });

  it('no screen rule is below 12 px (em sizes taken against the 14 px body)', () => {
    const small = declarations('font-size')
      .filter((d) => !inPrint(d.text, d.at ?? 0))
      .flatMap((d) => {
        const px = /^([\d.]+)px$/.exec(d.value);
        const em = /^([\d.]+)em$/.exec(d.value);
        const size = px ? Number(px[1]) : em ? Number(em[1]) * 14 : null;
        return size !== null && size < 12 ? [`${d.file}: ${d.value} = ${size} px`] : [];
      });
    expect(small).toEqual([]);
  });
});
