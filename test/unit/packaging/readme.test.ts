// README for a newcomer (issue 16 item 6): nothing in it that is not true. The commands it names exist, and the
// system packages it tells a newcomer to install are the ones CI (`.ci/run`) installs for the same tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const ciRun = readFileSync(join(root, '.ci', 'run'), 'utf8');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The packages of the README's `sudo apt-get install` line in the getting-started steps. */
function readmeAptPackages(): string[] {
  const line = /sudo apt-get install -y ([^\n]+)/.exec(readme)?.[1] ?? '';
  return line.split(/\s+/).filter(Boolean);
}

describe('README.md tells the truth', () => {
  it('asks a newcomer for every system package .ci/run installs for the tests', () => {
    const ciPackages = [...ciRun.matchAll(/need\+=\(([a-z0-9.-]+)\)/g)].map((m) => m[1]);
    expect(ciPackages.length).toBeGreaterThan(2);
    expect(readmeAptPackages()).toEqual(expect.arrayContaining(ciPackages));
  });

  it('names only npm scripts package.json has', () => {
    const named = [...new Set([...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!))];
    expect(named).toEqual(expect.arrayContaining(['demo', 'web', 'bench']));
    for (const name of [...named, 'start', 'test']) expect(scripts, `npm run ${name}`).toHaveProperty(name);
  });

  it('names only scripts and benchmarks that exist', () => {
    for (const m of readme.matchAll(/scripts\/([a-z-]+\.mjs)/g)) expect(existsSync(join(root, 'scripts', m[1]!)), m[0]).toBe(true);
    const benches = /a benchmark printing[^|]*?: ([^|(]+)/.exec(readme)?.[1] ?? '';
    const names = [...benches.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(existsSync(join(root, 'bench', `${n}.ts`)), `bench/${n}.ts`).toBe(true);
  });

  it('does not say .ci/run installs a font it does not install', () => {
    // The UI and the print sheets use the bundled Noto Sans SC; no system CJK font is installed or needed.
    expect(ciRun).not.toMatch(/fonts-noto/);
    expect(readme).not.toMatch(/\.ci\/run[^\n]*fonts-noto/);
  });
});
