// Electron's own postinstall downloads its binary. Where that cannot be reached (this project's build machines,
// offline clinics) the install must still succeed: the headless host runs every service without Electron.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let installer;
try {
  installer = require.resolve('electron/install.js');
} catch {
  process.exit(0);
}
const pathTxt = installer.replace(/install\.js$/, 'path.txt');
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || existsSync(pathTxt)) {
  if (!existsSync(pathTxt)) console.log('cunyi: Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); npm start will use the headless host.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 120_000 });
if (result.status !== 0) console.log('cunyi: Electron binary could not be downloaded; npm start will use the headless host.');
