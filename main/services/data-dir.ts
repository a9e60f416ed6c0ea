/**
 * Where a clinic's data lives: the per-user data directory of the platform (like Electron's app.getPath('userData'),
 * computed without Electron so the host and the CLI agree with the shell), overridable with --data-dir.
 */
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CUNYI_DATA_DIR']) return env['CUNYI_DATA_DIR'];
  switch (platform()) {
    case 'win32':
      return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Cunyi');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Cunyi');
    default:
      return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'Cunyi');
  }
}

/** `--data-dir D` or `--data-dir=D` from argv, else the default. */
export function dataDirFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--data-dir' && argv[i + 1]) return argv[i + 1] as string;
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length);
  }
  return defaultDataDir(env);
}
