// `npm start`: the Electron shell when its binary is installed, else the headless host and the URL to open.
// `npm run web` (--web) always starts the host; `npm run demo` (--demo) starts on a throw-away seeded clinic.
// Electron is detected by its installed binary (node_modules/electron/path.txt + dist), never by requiring it:
// in plain Node `require('electron')` throws when the binary is missing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const web = args.includes('--web');
const demo = args.includes('--demo');
const passThrough = args.filter((a) => a !== '--web' && a !== '--demo');

export function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', env: process.env });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

function ensureBuilt(what) {
  const outputs = { renderer: join(root, 'dist', 'renderer', 'index.html'), main: join(root, 'dist', 'main', 'app.cjs') };
  if (existsSync(outputs[what])) return;
  console.log(`Building the ${what} (first start)…`);
  const r = spawnSync('npm', ['run', `build:${what}`, '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

ensureBuilt('renderer');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
if (demo) {
  // The demo clinic lives in the user's `--data-dir D` when given (made and seeded there unless D already holds a
  // clinic, which is then simply opened again), otherwise in a throw-away temporary folder.
  const at = passThrough.indexOf('--data-dir');
  const given = at >= 0 ? passThrough[at + 1] : undefined;
  if (at >= 0 && (given === undefined || given.startsWith('--'))) {
    console.error('--data-dir needs a folder');
    process.exit(2);
  }
  const dir = given ?? mkdtempSync(join(tmpdir(), 'cunyi-demo-'));
  if (existsSync(join(dir, 'clinic.json'))) {
    console.log(`Opening the clinic already in ${dir}`);
  } else {
    mkdirSync(dir, { recursive: true });
    const made = spawnSync(tsx, [join(root, 'main', 'cli', 'index.ts'), 'demo', '--data-dir', dir], { cwd: root, stdio: 'inherit' });
    if (made.status !== 0) process.exit(made.status ?? 1);
    console.log(given ? `Demo data: ${dir}` : `Demo data: ${dir} (delete it when done)`);
  }
  if (!given) passThrough.push('--data-dir', dir);
}
if (!web && electronBinary()) {
  ensureBuilt('main');
  run(electronBinary(), [root, ...passThrough]);
} else {
  if (!web) console.log('Electron binary not installed: starting the headless host instead.');
  run(tsx, [join(root, 'main', 'host', 'main.ts'), ...passThrough]);
}
