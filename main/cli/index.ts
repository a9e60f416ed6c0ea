/**
 * `npm run cunyi -- <command>`: the operators' and scripts' door to a clinic's data directory. Commands go through
 * the same API dispatcher as the UI (same validation, same audit), signed in as a real user.
 * Passwords come from the environment, never from argv (argv is visible to every user of the machine).
 */
import { resolve } from 'node:path';
import { AppError, isErrorCode, type ErrorCode } from '../../shared/api/errors';
import { seedClinic, SEED_PROFILES, type SeedProfile } from '../seed';
import { checkClinicFile } from '../store/clinic-check';
import { databaseExists, databasePath } from '../store/database';
import { KeyVault } from '../store/keys';
import { hasKeySlots } from '../store/keys/keyslots';
import { env, many, one, parseArgs, UsageError } from './args';
import { device, DEVICE_USAGE } from './device';
import { EXIT, exitCodeFor } from './exit-codes';
import { call, CommandFailed, signIn, withRuntime } from './session-runtime';
import { exportCommand, resident } from './data-commands';
import { MAX_PULL_BATCH } from '../../shared/sync/protocol';
import { checkPullBatch, PULL_BATCH } from '../sync/replication';
import { bundlePair, bundleTrust, exportBundleCommand, importBundleCommand } from './bundle-commands';

const USAGE = `村医 Cunyi command line

  cunyi init --data-dir D --clinic CODE --name NAME --admin USER [--admin-name 显示名] [--village CODE=NAME ...]
        creates a clinic; the admin password is read from CUNYI_PASSWORD; prints the recovery key once
  cunyi user add --data-dir D --user NAME --role villageDoctor|townshipDoctor|checkStaff|admin [--display-name N]
        [--villages CODE,CODE]   the villages a village doctor serves (12-digit codes the clinic has)
  cunyi user villages --data-dir D --user NAME --villages CODE,CODE
        sets the villages a user serves (empty: --villages ''); a village doctor sees only these villages' residents
  cunyi user passwd --data-dir D --user NAME
  cunyi user remove --data-dir D --user NAME
        signed in as --as ADMIN (default admin) with CUNYI_PASSWORD; the new password is read from CUNYI_NEW_PASSWORD
  cunyi demo --data-dir D [--residents N]
        creates a demo clinic with a seeded township and prints the demo accounts (used by npm run demo)
  cunyi check --data-dir D [--user NAME]
        read-only: unwraps the key with CUNYI_PASSWORD, runs SQLite's integrity check, the referential checks
        (households, residents, record numbers) and the audit chain; prints JSON and writes nothing
  cunyi seed --data-dir D [--residents N] [--seed S] [--profile realistic|stress] [--user NAME]
        fills an EMPTY clinic with a deterministic synthetic township (same S and N, same documents), signed in as
        an admin with CUNYI_PASSWORD; N defaults to 3000 (realistic) or 30000 (stress); prints a JSON summary,
        progress goes to stderr
${DEVICE_USAGE}
  cunyi resident create|update --data-dir D --json F [--user NAME]
        F holds the API input ({"input": {...}} to create, {"id": ..., "input": {...}} to update); same checks and
        audit as the app; prints the record as JSON
  cunyi export --data-dir D [--out F] [--user ADMIN]
        every document, one JSON line each, sorted by collection and id, with its revision (audited)
  cunyi bundle-pair --data-dir D
        prints this device's pairing code (admin); the receiving clinic runs bundle-trust with it once
  cunyi bundle-trust --data-dir D
        trusts a sending device (admin); the code is read from CUNYI_PAIRING_CODE
  cunyi export-bundle --data-dir D --out F [--all]
        an encrypted, signed bundle of every document changed since the last bundle (--all: every document)
  cunyi import-bundle --data-dir D --in F
        imports a paired device's bundle with the sync conflict rules; importing it twice changes nothing
  All of these sign in with CUNYI_PASSWORD (user: --user, CUNYI_USER or admin).

  cunyi enroll --data-dir D --url https://HOST:PORT --code CODE [--fingerprint AA:BB:…] [--user NAME]
        enrols this device with the county platform once (signed in as an admin with CUNYI_PASSWORD); pins the
        platform certificate (the given fingerprint, or the one seen now, printed)
  cunyi sync --data-dir D [--user NAME] [--pull-batch N]
        syncs every collection with the platform now; prints the sync status as JSON; exit 0 when in sync;
        --pull-batch: documents per pull request, 1 to ${MAX_PULL_BATCH} (default ${PULL_BATCH})

Exit codes: 0 ok, 2 bad usage, 3 wrong password, 4 damaged data, 5 the clinic is open in another window or
command (close it first), 1 other errors.`;

/** A sentence for the codes an operator meets at the command line and must act on. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  CLINIC_IN_USE: 'this clinic is open in another window: close it first',
};

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

async function user(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, { values: ['data-dir', 'user', 'role', 'display-name', 'as', 'villages'] });
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
          villages: villageList(one(args, 'villages') ?? ''),
        });
        console.log(`user ${username} added`);
        return;
      case 'villages': {
        const villages = one(args, 'villages');
        if (villages === undefined) throw new UsageError('user villages needs --villages CODE,CODE (or an empty value)');
        await call(rt, 'users.setVillages', { username, villages: villageList(villages) });
        console.log(`villages of ${username}: ${villageList(villages).join(',') || '(none)'}`);
        return;
      }
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

/** `--villages 441521101201,441521101202`: comma- or 、-separated village codes; the API checks each one. */
function villageList(value: string): string[] {
  return value
    .split(/[,，、\s]+/)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/**
 * Read-only (issue 11 §4): the password unwraps the data key from the key slots, then the database file is only
 * read. No sign-in, no runtime, no audit row, no journal-mode switch: a damaged file stays byte for byte as it was.
 */
async function check(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'user'] });
  const dataDir = resolve(one(args, 'data-dir', true));
  const password = env('CUNYI_PASSWORD');
  const username = one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin';
  const path = databasePath(dataDir);
  if (!databaseExists(dataDir)) throw new AppError('NOT_INITIALISED', { path });
  if (!(await hasKeySlots(dataDir))) throw new AppError('KEYSLOTS_MISSING');
  const vault = await KeyVault.open(dataDir);
  const { dataKey } = await vault.unlockWithPassword(username, password);
  let report;
  try {
    report = checkClinicFile(path, dataKey);
  } catch (e) {
    // The slot accepted the password, so a key the file refuses means the file was made by another clinic.
    if (e instanceof AppError && e.code === 'WRONG_PASSWORD') throw new AppError('FOREIGN_DATABASE');
    throw e;
  } finally {
    dataKey.fill(0);
  }
  console.log(JSON.stringify(report, null, 2));
  if (!report.ok) {
    throw new AppError('DATA_DAMAGED', {
      integrity: report.integrity.slice(0, 5),
      problems: report.problems.map((p) => p.kind),
      auditChain: report.auditChain?.ok ?? null,
    });
  }
}

/** Accounts of the throw-away demo clinic, printed by `npm run demo`; never used for real data. */
export const DEMO_ACCOUNTS = [
  { username: 'admin', displayName: '李院长', role: 'admin', password: 'demo-admin-2026' },
  { username: 'wang', displayName: '王村医', role: 'villageDoctor', password: 'demo-doctor-2026' },
  { username: 'zhao', displayName: '赵护士', role: 'checkStaff', password: 'demo-check-2026' },
] as const;

/** How many of the demo township's villages the demo village doctor serves. */
export const DEMO_VILLAGES = 2;

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
      // The village doctor account is the responsible doctor of the first two villages' patients, and serves
      // exactly those two (issue 11): its work list opens on a real caseload, and it sees no other village.
      villageDoctors: [DEMO_ACCOUNTS[1].displayName, DEMO_ACCOUNTS[1].displayName],
      onProgress: () => rt.services.session.touch(),
    });
    const { villages } = await call<{ villages: { code: string }[] }>(rt, 'settings.get', {});
    await call(rt, 'users.setVillages', { username: DEMO_ACCOUNTS[1].username, villages: villages.slice(0, DEMO_VILLAGES).map((v) => v.code) });
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
    // The search index and the work list's patient rows are projections: the storage wrote them with the documents.
    console.log(JSON.stringify(summary, null, 2));
  }, { clinicServices: false });
}

async function enroll(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'url', 'code', 'fingerprint', 'user'] });
  const password = env('CUNYI_PASSWORD');
  await withRuntime(one(args, 'data-dir', true), async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', password);
    const fingerprint = one(args, 'fingerprint');
    const status = await call<{ fingerprint: string | null }>(rt, 'sync.enroll', {
      url: one(args, 'url', true),
      code: one(args, 'code', true),
      ...(fingerprint ? { fingerprint } : {}),
    });
    console.log(JSON.stringify(status, null, 2));
  });
}

async function syncCommand(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'user', 'pull-batch'] });
  const batch = one(args, 'pull-batch');
  const syncPullBatch = batch === undefined ? undefined : pullBatchArg(batch);
  const password = env('CUNYI_PASSWORD');
  await withRuntime(one(args, 'data-dir', true), async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', password);
    const r = (await rt.dispatch('sync.now', {}, { transport: 'test', connectionId: 'cli' }));
    if (!r.ok) {
      console.log(JSON.stringify({ ok: false, error: r.error, status: await call(rt, 'sync.status', {}) }, null, 2));
      throw new CommandFailed(r.error);
    }
    console.log(JSON.stringify({ ok: true, status: r.value }, null, 2));
  }, syncPullBatch === undefined ? {} : { syncPullBatch });
}

/** `--pull-batch N`: a whole number from 1 to MAX_PULL_BATCH, else a usage error. */
function pullBatchArg(text: string): number {
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PULL_BATCH)) throw new UsageError(`--pull-batch must be a whole number from 1 to ${MAX_PULL_BATCH}, not ${text}`);
  return checkPullBatch(n);
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
      case 'device':
        await device(rest);
        return EXIT.ok;
      case 'enroll':
        await enroll(rest);
        return EXIT.ok;
      case 'sync':
        await syncCommand(rest);
        return EXIT.ok;
      case 'resident':
        await resident(rest);
        return EXIT.ok;
      case 'export':
        await exportCommand(rest);
        return EXIT.ok;
      case 'bundle-pair':
        await bundlePair(rest);
        return EXIT.ok;
      case 'bundle-trust':
        await bundleTrust(rest);
        return EXIT.ok;
      case 'export-bundle':
        await exportBundleCommand(rest);
        return EXIT.ok;
      case 'import-bundle':
        await importBundleCommand(rest);
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
