// STYLE.md §1: main/app is the only place that imports electron. eslint.config.js holds the same rule; this test
// keeps it true even where lint is not run, and fails with the offending files listed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
// import … from 'electron', export … from 'electron', import 'electron', import('electron'), require('electron'),
// and electron's subpaths ('electron/main', 'electron/renderer', …).
const ELECTRON_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"`])electron(?:\/[\w-]+)?\1/;

function sources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === 'node_modules' || entry.startsWith('.')) return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return SOURCE.test(entry) ? [path] : [];
  });
}

const importers = ['main', 'shared', 'renderer', 'platform']
  .flatMap((top) => sources(join(root, top)))
  .filter((file) => ELECTRON_IMPORT.test(readFileSync(file, 'utf8')))
  .map((file) => relative(root, file).split(sep).join('/'));

describe('electron imports', () => {
  it.each([
    ["import { app } from 'electron';", true],
    ['import type { WebContents } from "electron";', true],
    ["export { ipcMain } from 'electron';", true],
    ["import 'electron';", true],
    ["const e = await import('electron');", true],
    ["const { app } = require('electron');", true],
    ["import { ipcRenderer } from 'electron/renderer';", true],
    ["import { x } from 'electron-builder';", false],
    ["import { x } from './electron';", false],
    ['// the electron shell', false],
  ])('the pattern reads %s as an electron import: %s', (line, expected) => {
    expect(ELECTRON_IMPORT.test(line)).toBe(expected);
  });

  it('the shell itself is found, so the walk reaches main/app', () => {
    expect(importers).toContain('main/app/main.ts');
    expect(importers).toContain('main/app/preload.ts');
  });

  it('happen only under main/app', () => {
    expect(importers.filter((file) => !file.startsWith('main/app/'))).toEqual([]);
  });
});
