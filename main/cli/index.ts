/**
 * `npm run cunyi -- <command>`: the operators' and scripts' door to a clinic's data directory. Commands go through
 * the same API dispatcher as the UI (same validation, same audit), signed in as a real user.
 * Passwords come from the environment, never from argv (argv is visible to every user of the machine).
 */
import { resolve } from 'node:path';
import { AppError, isErrorCode, type ErrorCode, type ErrorPayload } from '../../shared/api/errors';
import type { ApiResult } from '../../shared/api';
import { collections, type CollectionName } from '../../shared/schemas/collections';
import { ResidentSearchIndex } from '../services/residents/search-index';
import { createRuntime, type Runtime } from '../services/runtime';
import { seedClinic, SEED_PROFILES, type SeedProfile } from '../seed';
import { integrityCheck } from '../store/sqlite-file';
import { env, many, one, parseArgs, UsageError } from './args';
import { EXIT, exitCodeFor } from './exit-codes';

const USAGE = `村医 Cunyi command line

  cunyi init --data-dir D --clinic CODE --name NAME --admin USER [--admin-name 显示名] [--village CODE=NAME ...]
        creates a clinic; the admin password is read from CUNYI_PASSWORD; prints the recovery key once
  cunyi user add --data-dir D --user NAME --role villageDoctor|townshipDoctor|checkStaff|admin [--display-name N]
  cunyi user passwd --data-dir D --user NAME
  cunyi user remove --data-dir D --user NAME
        signed in as --as ADMIN (default admin) with CUNYI_PASSWORD; the new password is read from CUNYI_NEW_PASSWORD
  cunyi demo --data-dir D [--residents N]
        creates a demo clinic with a seeded township and prints the demo accounts (used by npm run demo)
  cunyi check --data-dir D [--user NAME]
        opens the database with CUNYI_PASSWORD, runs SQLite's integrity check, prints counts per collection as JSON
  cunyi seed --data-dir D [--residents N] [--seed S] [--profile realistic|stress] [--user NAME]
        fills an EMPTY clinic with a deterministic synthetic township (same S and N, same documents), signed in as
        an admin with CUNYI_PASSWORD; N defaults to 3000 (realistic) or 30000 (stress); prints a JSON summary,
        progress goes to stderr

Exit codes: 0 ok, 2 bad usage, 3 wrong password, 4 damaged data, 5 the clinic is open in another window or
command (close it first), 1 other errors.`;

/** A sentence for the codes an operator meets at the command line and must act on. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  CLINIC_IN_USE: 'this clinic is open in another window: close it first',
};

class CommandFailed extends Error {
  constructor(readonly error: ErrorPayload) {
    super(error.message);
  }
}

function open(dataDir: string, options: { clinicServices?: boolean } = {}): Runtime {
  return createRuntime({
    dataDir: resolve(dataDir),
    shell: 'headless',
    ...options,
    logger: { error: (m, meta) => console.error(m, meta ?? ''), warn: () => undefined, info: () => undefined },
  });
}

async function call<T>(rt: Runtime, method: string, input: unknown): Promise<T> {
  const r = (await rt.dispatch(method, input, { transport: 'test', connectionId: 'cli' })) as ApiResult<T>;
  if (!r.ok) throw new CommandFailed(r.error);
  return r.value;
}

async function withRuntime<T>(dataDir: string, fn: (rt: Runtime) => Promise<T>, options: { clinicServices?: boolean } = {}): Promise<T> {
  const rt = open(dataDir, options);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

async function init(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'clinic', 'name', 'admin', 'admin-name', 'village'] });
  const villages = many(args, 'village').map((v) => {
    const [code, ...name] = v.split('=');
    if (!code || name.length === 0) throw new UsageError(`--village expects CODE=NAME, got ${v}`);
    return { code, name: name.join('=') };
  });
  const admin = one(args, 'admin', true);
  const password = env('CUNYI_PASSWORD');
  await withRuntime(one(args, 'data-dir', true), async (rt) => {
    const r = await call<{ recoveryKey: string }>(rt, 'session.setup', {
      clinicCode: one(args, 'clinic', true),
      clinicName: one(args, 'name', true),
      villages,
      admin: { username: admin, displayName: one(args, 'admin-name') ?? admin, password },
    });
    console.log(`Clinic created. Recovery key (shown once; print it and keep it locked away):`);
    console.log(r.recoveryKey);
  });
}

async function signIn(rt: Runtime, username: string, password: string): Promise<void> {
  await call(rt, 'session.signIn', { username, password });
}

async function user(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, { values: ['data-dir', 'user', 'role', 'display-name', 'as'] });
  const dataDir = one(args, 'data-dir', true);
  const username = one(args, 'user', true);
  await withRuntime(dataDir, async (rt) => {
    await signIn(rt, one(args, 'as') ?? 'admin', env('CUNYI_PASSWORD'));
    switch (sub) {
      case 'add':
        await call(rt, 'users.add', {
          username,
          displayName: one(args, 'display-name') ?? username,
          role: one(args, 'role', true),
          password: env('CUNYI_NEW_PASSWORD'),
        });
        console.log(`user ${username} added`);
        return;
      case 'passwd':
        await call(rt, 'users.resetPassword', { username, newPassword: env('CUNYI_NEW_PASSWORD') });
        console.log(`password of ${username} changed`);
        return;
      case 'remove':
        await call(rt, 'users.remove', { username });
        console.log(`user ${username} removed`);
        return;
      default:
        throw new UsageError(`unknown user command: ${sub ?? '(none)'}`);
    }
  });
}

async function check(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'user'] });
  const dataDir = one(args, 'data-dir', true);
  const password = env('CUNYI_PASSWORD');
  await withRuntime(dataDir, async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', password);
    const { db } = rt.services.session.current();
    const integrity = integrityCheck(db.sql);
    const counts: Record<string, number> = {};
    for (const name of Object.keys(collections) as CollectionName[]) counts[name] = await db.rx[name].count().exec();
    console.log(JSON.stringify({ ok: integrity.ok, file: db.path, integrity: integrity.messages, counts }, null, 2));
    if (!integrity.ok) throw new AppError('DATA_DAMAGED', { messages: integrity.messages });
  });
}

/** Accounts of the throw-away demo clinic, printed by `npm run demo`; never used for real data. */
export const DEMO_ACCOUNTS = [
  { username: 'admin', displayName: '李院长', role: 'admin', password: 'demo-admin-2026' },
  { username: 'wang', displayName: '王村医', role: 'villageDoctor', password: 'demo-doctor-2026' },
  { username: 'zhao', displayName: '赵护士', role: 'checkStaff', password: 'demo-check-2026' },
] as const;

async function demo(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'residents'] });
  const dataDir = one(args, 'data-dir', true);
  const [admin, ...others] = DEMO_ACCOUNTS;
  await withRuntime(dataDir, async (rt) => {
    await call(rt, 'session.setup', {
      clinicCode: '441521101',
      clinicName: '演示乡镇卫生院',
      villages: [],
      admin: { username: admin.username, displayName: admin.displayName, password: admin.password },
    });
    for (const u of others) await call(rt, 'users.add', { username: u.username, displayName: u.displayName, role: u.role, password: u.password });
    console.error('demo: seeding a township…');
    await seedClinic(rt.services.session.current(), {
      dataDir: resolve(dataDir),
      clock: rt.services.clock,
      seed: 'demo',
      profile: 'realistic',
      residents: Number(one(args, 'residents') ?? 800),
      onProgress: () => rt.services.session.touch(),
    });
  });
  console.log('Demo clinic 演示乡镇卫生院 is ready. Accounts (username / password):');
  for (const u of DEMO_ACCOUNTS) console.log(`  ${u.username} / ${u.password}  (${u.displayName})`);
}

async function seed(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'residents', 'seed', 'profile', 'user'] });
  const dataDir = one(args, 'data-dir', true);
  const profile = one(args, 'profile') ?? 'realistic';
  if (!(SEED_PROFILES as readonly string[]).includes(profile)) throw new UsageError(`--profile expects ${SEED_PROFILES.join('|')}, got ${profile}`);
  const residentsArg = one(args, 'residents');
  const residents = residentsArg === undefined ? undefined : Number(residentsArg);
  if (residents !== undefined && (!Number.isInteger(residents) || residents < 1)) throw new UsageError(`--residents expects a positive integer, got ${residentsArg}`);
  const password = env('CUNYI_PASSWORD');
  await withRuntime(dataDir, async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', password);
    const summary = await seedClinic(rt.services.session.current(), {
      dataDir: resolve(dataDir),
      clock: rt.services.clock,
      seed: one(args, 'seed') ?? '1',
      profile: profile as SeedProfile,
      ...(residents !== undefined ? { residents } : {}),
      onProgress: (p) => {
        // A long seed is activity: without it the idle lock closes the database under the writer after 10 minutes.
        rt.services.session.touch();
        console.error(`seed: ${p.phase} ${p.done}${p.total !== null ? `/${p.total}` : ''}`);
      },
    });
    // Without the live services the seeder wrote straight into the store; the search index catches up here, in
    // batches from its checkpoint, so the first sign-in does not pay for it. The work list's patient index is
    // read at each sign-in anyway.
    const index = new ResidentSearchIndex(rt.services.session.current().db);
    await index.start();
    index.stop();
    console.log(JSON.stringify(summary, null, 2));
  }, { clinicServices: false });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'init':
        await init(rest);
        return EXIT.ok;
      case 'user':
        await user(rest);
        return EXIT.ok;
      case 'check':
        await check(rest);
        return EXIT.ok;
      case 'demo':
        await demo(rest);
        return EXIT.ok;
      case 'seed':
        await seed(rest);
        return EXIT.ok;
      case 'help':
      case '--help':
      case undefined:
        console.log(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`cunyi: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    const payload = e instanceof CommandFailed ? e.error : e instanceof AppError ? e.toPayload() : null;
    if (payload && isErrorCode(payload.code)) {
      const fields = payload.fields?.map((f) => `  ${f.path}: ${f.message}`).join('\n');
      const hint = HINTS[payload.code] ? `: ${HINTS[payload.code]}` : '';
      console.error(`cunyi: ${payload.code}${hint}${payload.details ? ` ${JSON.stringify(payload.details)}` : ''}${fields ? `\n${fields}` : ''}`);
      return exitCodeFor(payload.code);
    }
    console.error(`cunyi: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.failure;
  }
}

const isEntry = process.argv[1] && /cli[\\/]index\.(ts|js|cjs)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(EXIT.failure),
  );
}
