/**
 * A throw-away PostgreSQL cluster for the platform tests: Debian's binaries, a data directory in a temp folder owned
 * by the `postgres` user (PostgreSQL refuses to run as root), bound to 127.0.0.1:55432 (or `CUNYI_TEST_PG_PORT`, so two test runs on one machine do not collide), stopped and
 * removed at the end.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const POSTGRES_PORT = Number(process.env['CUNYI_TEST_PG_PORT'] ?? 55432);

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresUnavailable(): string | null {
  return binDir() === null ? 'PostgreSQL binaries are not installed (/usr/lib/postgresql/*/bin/initdb); .ci/run installs Debian postgresql' : null;
}

export interface TestPostgres {
  url: string;
  stop(): void;
}

/** `settings` are extra server settings (`-c name=value`), e.g. a benchmark's larger buffers; tests use the defaults. */
export function startPostgres(settings: Readonly<Record<string, string>> = {}): TestPostgres {
  const bin = binDir();
  if (!bin) throw new Error(postgresUnavailable() ?? 'no postgres');
  const dir = mkdtempSync(join(tmpdir(), 'cunyi-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string): void => {
    if (asRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { stdio: 'pipe' });
    else execFileSync('/bin/sh', ['-c', cmd], { stdio: 'pipe' });
  };
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const extra = Object.entries(settings)
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join('');
  run(`${bin}/initdb -D ${data} -A trust -U postgres --no-sync > ${dir}/initdb.log 2>&1`);
  run(`${bin}/pg_ctl -D ${data} -l ${dir}/server.log -w -o "-c listen_addresses=127.0.0.1 -p ${POSTGRES_PORT} -c unix_socket_directories='' -c fsync=off${extra}" start > /dev/null`);
  return {
    url: `postgres://postgres@127.0.0.1:${POSTGRES_PORT}/postgres`,
    stop() {
      try {
        run(`${bin}/pg_ctl -D ${data} -m fast -w stop > /dev/null`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
