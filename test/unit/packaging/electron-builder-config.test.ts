// DESIGN.md §5: installers cannot be built here (electron-builder downloads Electron, NSIS and the AppImage tools),
// so the configuration itself is what we check: targets, asar and its native exceptions, the rebuild, every fuse.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

type Target = { target: string; arch?: string[] };
function targets(platform: 'win' | 'linux'): Target[] {
  const section = config[platform] as { target: Array<string | Target> };
  return section.target.map((t) => (typeof t === 'string' ? { target: t } : t));
}
function section(name: string): Record<string, unknown> {
  return config[name] as Record<string, unknown>;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    // The validator is not exported; reach it through electron-builder's own dependency, as `npm run dist` does.
    const fromBuilder = createRequire(createRequire(join(root, 'package.json')).resolve('electron-builder/package.json'));
    const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('names the app and writes installers to release/', () => {
    expect(config['appId']).toBe('cn.cunyi.app');
    expect(config['productName']).toBe('村医 Cunyi');
    expect(section('directories')['output']).toBe('release');
  });

  it('packs the bundles and package.json, nothing from the sources', () => {
    const files = config['files'] as string[];
    expect(files).toContain('dist/**');
    expect(files).toContain('package.json');
    expect(files.some((f) => /^(main|renderer|shared|test)\b/.test(f))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main.startsWith('dist/')).toBe(true);
  });

  it('builds an assisted per-user NSIS installer for x64 in Simplified Chinese', () => {
    expect(targets('win')).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    const nsis = section('nsis');
    expect(nsis['oneClick']).toBe(false);
    expect(nsis['perMachine']).toBe(false);
    expect(nsis['allowToChangeInstallationDirectory']).toBe(true);
    expect(nsis['installerLanguages']).toEqual(['zh_CN']);
    expect(String(nsis['language'])).toBe('2052');
  });

  it('builds a deb and an AppImage for Linux, filed under Medical with a maintainer', () => {
    expect(targets('linux').map((t) => t.target).sort()).toEqual(['AppImage', 'deb']);
    const linux = section('linux');
    expect(linux['category']).toBe('Medical');
    expect(String(linux['maintainer'])).toMatch(/\S+ <[^@\s]+@[^@\s]+>/);
  });

  it('packs the app into an asar and unpacks only the native .node binaries, rebuilt for Electron', () => {
    expect(config['asar']).toBe(true);
    // Only the native binaries: unpacked JavaScript would escape ASAR integrity validation (issue 11).
    expect(config['asarUnpack']).toEqual(['**/*.node']);
    expect(config['npmRebuild']).toBe(true);
  });

  it.each([
    ['runAsNode', false],
    ['enableCookieEncryption', true],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['loadBrowserProcessSpecificV8Snapshot', false],
    ['grantFileProtocolExtraPrivileges', false],
  ])('sets the fuse %s to %s', (fuse, value) => {
    expect(section('electronFuses')[fuse]).toBe(value);
  });

  it('points at an icon that exists, as a PNG large enough for every target', () => {
    for (const icon of [config['icon'], section('win')['icon'], section('linux')['icon']]) {
      expect(typeof icon).toBe('string');
      const file = join(root, icon as string);
      expect(existsSync(file)).toBe(true);
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR width and height, big-endian at bytes 16 and 20: electron-builder needs at least 256 for the .ico.
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
      expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
    }
  });
});
