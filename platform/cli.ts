/**
 * `npm run platform -- …`: serve the county platform, register clinics, revoke devices, show status.
 * PGlite allows one process per directory, so while the server runs the other commands go to it over HTTPS (with
 * the operator token in the data directory, pinned to its own certificate); otherwise they open the database.
 * With DATABASE_URL they always open PostgreSQL directly.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch } from 'undici';
import { isVillageCode } from '../shared/domain/division-code';
import { isAlive, openStore, readAdminToken, RUNNING_FILE, startPlatform } from './index';
import { fingerprintOf } from './tls';
import { API_PREFIX } from '../shared/sync/protocol';
import type { Clinic } from './store';
import { Operators, passwordProblem } from './county/operators';
import { OperatorBody } from './county/routes';
import { IndicatorRulesInput } from '../shared/schemas/indicator-rules';
import { countyPolicy, setCountyPolicy } from './policy';
import { moveWaitSetting, saveMoveWait } from './move-requests';

const USAGE = `Cunyi county platform

  platform [serve] --data-dir D [--port P] [--host H] [--cert F --key F] [--move-wait-days N]
        serves the sync API over HTTPS (PGlite in D, or PostgreSQL with DATABASE_URL); a self-signed certificate
        is made on first start and its SHA-256 fingerprint printed; a 迁出申请 waiting for the resident's version it
        names is refused as timed out after N days (default 14), and the requesting device says what to do
  platform clinic add --data-dir D --code C --name N --villages CODE=NAME[,CODE=NAME…] [--device-villages V[,V…]]
        registers (or updates) a clinic and prints a one-time enrolment code for one device; with
        --device-villages that device holds only those of the clinic's villages (a village doctor's device)
  platform clinic code --data-dir D --clinic C [--villages V[,V…]]
        one more one-time enrolment code for a registered clinic, optionally for some of its villages only
  platform resident move --data-dir D --id R --village V [--clinic C]
        re-homes a resident and every document about them to village V (and the clinic that serves it, or C);
        the old village's devices purge them after uploading their edits; audited in the moves table
  platform policy set --data-dir D --from YYYY-MM-DD --standard-rule ONE_PER_QUARTER|FOUR_PER_YEAR[+ANNUAL_CHECK]
        [--dynamic-denominator records|persons] [--elderly-age atPeriodEnd|turnsInYear]
        the county's 指标口径 from a date, written into every clinic's settings (devices pull it; clinics
        registered later get it); the county view and the clinics compute with it for reports ending on or after
  platform policy list --data-dir D      the county's 指标口径 versions (JSON)
  platform parked --data-dir D           edits parked for review (from devices that lost the resident to a move)
  platform parked apply --data-dir D --id N
        applies parked edit N to the resident's current record (three-way merge, as a push; a field changed both
        ways becomes a review at the clinic that holds the resident now); asking twice changes nothing
  platform parked discard --data-dir D --id N --reason TEXT
        settles parked edit N without applying it; the reason is kept with it
  platform device revoke --data-dir D --device ID
  platform config --data-dir D [--move-wait-days N]
        the operator's stored settings (JSON); with --move-wait-days, how long a 迁出申请 waits for its resident's
        version (as serve --move-wait-days N stores it), used at once by a running server and after restarts
  platform status --data-dir D          each clinic's and device's last contact and pending counts, and the
                                        迁出申请 waiting for their resident's version with when each times out
                                        (JSON; the stored wait, or --move-wait-days N to see another, offline)
  platform operator add --data-dir D --user U [--name N]
        adds a county operator for the county view (https://HOST:PORT/county/), or sets a new password;
        the password comes from PLATFORM_OPERATOR_PASSWORD (at least 10 characters), never from argv
  platform export --data-dir D --clinic C [--out F]
        every document the clinic holds, one JSON line each sorted by collection and id (the format of
        cunyi export); recorded in the platform's exports table

Exit codes: 0 ok, 2 bad usage, 1 other errors.`;

class Usage extends Error {}

function flags(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Usage(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) m.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const v = argv[++i];
      if (v === undefined) throw new Usage(`${a} needs a value`);
      m.set(a.slice(2), v);
    }
  }
  return m;
}

function need(f: Map<string, string>, name: string): string {
  const v = f.get(name);
  if (!v) throw new Usage(`--${name} is required`);
  return v;
}

function parseVillages(text: string): Clinic['villages'] {
  return text.split(',').filter(Boolean).map((part) => {
    const [code = '', ...name] = part.split('=');
    if (!isVillageCode(code.trim())) throw new Usage(`not a 12-digit village code: ${code}`);
    return { code: code.trim(), name: name.join('=').trim() || code.trim() };
  });
}

function villageList(text: string): string[] {
  const codes = text.split(',').map((c) => c.trim()).filter(Boolean);
  const bad = codes.find((c) => !isVillageCode(c));
  if (bad !== undefined || codes.length === 0) throw new Usage(`not a list of 12-digit village codes: ${text}`);
  return codes;
}

function runningServer(dataDir: string): { url: string; fingerprint: string } | null {
  const file = join(dataDir, RUNNING_FILE);
  if (process.env['DATABASE_URL'] || !existsSync(file)) return null;
  const info = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; port: number; host: string };
  if (!isAlive(info.pid)) return null;
  return { url: `https://${info.host}:${info.port}${API_PREFIX}`, fingerprint: fingerprintOf(readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8')) };
}

/** Sends an operator command to the running server; its certificate must be the one in our data directory. */
async function adminCall(dataDir: string, server: { url: string; fingerprint: string }, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  const agent = new Agent({
    connect: (options, callback) =>
      connect(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        if ((socket as TLSSocket).getPeerCertificate().fingerprint256 !== server.fingerprint) {
          socket.destroy();
          return callback(new Error('the server on this port is not the platform of this data directory'), null);
        }
        callback(null, socket);
      }),
  });
  try {
    const res = await fetch(`${server.url}${path}`, {
      method,
      dispatcher: agent,
      headers: { 'x-cunyi-admin': await readAdminToken(dataDir), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) {
      let message: string | undefined;
      try {
        message = (JSON.parse(text) as { message?: string }).message;
      } catch {
        message = undefined;
      }
      throw new Error(message ?? `HTTP ${res.status}`);
    }
    // An export answers with dump lines, everything else with JSON.
    return res.headers.get('content-type')?.includes('ndjson') ? text : (JSON.parse(text) as unknown);
  } finally {
    await agent.close();
  }
}

async function offline<T>(dataDir: string, fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir, databaseUrl: process.env['DATABASE_URL'] });
  try {
    return await fn(store);
  } finally {
    await store.sql.close();
  }
}

function moveWaitMs(f: Map<string, string>): number | undefined {
  const v = f.get('move-wait-days');
  if (v === undefined) return undefined;
  const days = Number(v);
  if (!Number.isFinite(days) || days <= 0 || days > 365) throw new Usage('--move-wait-days expects a number of days from more than 0 to 365');
  return days * 24 * 60 * 60_000;
}

async function serve(f: Map<string, string>): Promise<void> {
  const port = Number(f.get('port') ?? 8443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Usage(`--port expects a port number`);
  const p = await startPlatform({
    dataDir: resolve(need(f, 'data-dir')),
    port,
    host: f.get('host') ?? '0.0.0.0',
    databaseUrl: process.env['DATABASE_URL'],
    certFile: f.get('cert'),
    keyFile: f.get('key'),
    moveRequestWaitMs: moveWaitMs(f),
  });
  console.log(`Cunyi platform on ${p.url} (${p.sql.kind})`);
  console.log(`certificate ${p.tls.generated ? 'made now (self-signed)' : 'loaded'}; SHA-256 fingerprint:`);
  console.log(p.tls.fingerprint256);
  const stop = (): void => {
    void p.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function main(argv: string[]): Promise<number> {
  const [a, b, ...rest] = argv;
  try {
    if (a === 'clinic' && b === 'add') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const clinic = { code: need(f, 'code'), name: need(f, 'name'), villages: parseVillages(need(f, 'villages')) };
      if (!/^\d{9}(\d{3})?$/.test(clinic.code)) throw new Usage('--code expects a 9-digit township or 12-digit village code');
      const deviceVillages = f.has('device-villages') ? villageList(need(f, 'device-villages')) : undefined;
      const server = runningServer(dataDir);
      const r = server
        ? ((await adminCall(dataDir, server, 'POST', '/admin/clinics', { ...clinic, ...(deviceVillages ? { deviceVillages } : {}) })) as { enrolmentCode: string })
        : await offline(dataDir, (s) => s.addClinic(clinic, deviceVillages));
      console.log(`clinic ${clinic.code} ${clinic.name}: one-time enrolment code (give it to one device${deviceVillages ? ` of villages ${deviceVillages.join(', ')}` : ''}):`);
      console.log(r.enrolmentCode);
      return 0;
    }
    if (a === 'clinic' && b === 'code') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const clinic = need(f, 'clinic');
      if (!/^\d{9}(\d{3})?$/.test(clinic)) throw new Usage('--clinic expects a 9-digit township or 12-digit village code');
      const villages = f.has('villages') ? villageList(need(f, 'villages')) : undefined;
      const server = runningServer(dataDir);
      const r = server
        ? ((await adminCall(dataDir, server, 'POST', '/admin/codes', { clinic, ...(villages ? { villages } : {}) })) as { enrolmentCode: string })
        : await offline(dataDir, (s) => s.issueCode(clinic, villages));
      console.log(`clinic ${clinic}: one-time enrolment code for one device of ${villages ? `villages ${villages.join(', ')}` : 'all its villages'}:`);
      console.log(r.enrolmentCode);
      return 0;
    }
    if (a === 'resident' && b === 'move') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const move = { residentId: need(f, 'id'), villageCode: need(f, 'village'), clinicCode: f.get('clinic'), requestedBy: `operator (${userInfo().username})` };
      if (!isVillageCode(move.villageCode)) throw new Usage('--village expects a 12-digit village code');
      if (move.clinicCode !== undefined && !/^\d{9}(\d{3})?$/.test(move.clinicCode)) throw new Usage('--clinic expects a 9-digit township or 12-digit village code');
      const server = runningServer(dataDir);
      const r = server ? await adminCall(dataDir, server, 'POST', '/admin/moves', move) : await offline(dataDir, (s) => s.moveResident(move));
      console.log(JSON.stringify(r));
      return 0;
    }
    if (a === 'policy' && b === 'set') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const [standardRule, extra, ...more] = need(f, 'standard-rule').split('+');
      if ((extra !== undefined && extra !== 'ANNUAL_CHECK') || more.length > 0) throw new Usage('--standard-rule expects ONE_PER_QUARTER or FOUR_PER_YEAR, optionally +ANNUAL_CHECK');
      const parsed = IndicatorRulesInput.safeParse({
        from: need(f, 'from'),
        standardRule,
        annualCheck: extra === 'ANNUAL_CHECK',
        dynamicUseDenominator: f.get('dynamic-denominator') ?? 'records',
        elderlyAgeRule: f.get('elderly-age') ?? 'atPeriodEnd',
      });
      const flagOf: Record<string, string> = { from: 'from', standardRule: 'standard-rule', dynamicUseDenominator: 'dynamic-denominator', elderlyAgeRule: 'elderly-age' };
      if (!parsed.success) throw new Usage(`not accepted: ${parsed.error.issues.map((i) => `--${flagOf[String(i.path[0])] ?? String(i.path[0])}`).join(', ')}`);
      const by = `operator (${userInfo().username})`;
      const server = runningServer(dataDir);
      const r = server ? await adminCall(dataDir, server, 'POST', '/admin/policy', { ...parsed.data, by }) : await offline(dataDir, (s) => setCountyPolicy(s, parsed.data, by, Date.now()));
      console.log(JSON.stringify(r));
      return 0;
    }
    if (a === 'policy' && b === 'list') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const server = runningServer(dataDir);
      const r = server ? await adminCall(dataDir, server, 'GET', '/admin/policy') : { versions: await offline(dataDir, (s) => countyPolicy(s.sql)) };
      console.log(JSON.stringify(r, null, 2));
      return 0;
    }
    if (a === 'parked' && (b === 'apply' || b === 'discard')) {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const id = Number(need(f, 'id'));
      if (!Number.isInteger(id) || id < 1) throw new Usage('--id expects the number of a parked edit (platform parked lists them)');
      const reason = f.get('reason')?.trim();
      if (b === 'discard' && !reason) throw new Usage('--reason is required to discard a parked edit');
      const settle = { action: b, ...(reason ? { reason } : {}), by: `operator (${userInfo().username})` } as const;
      const server = runningServer(dataDir);
      const r = server ? await adminCall(dataDir, server, 'POST', `/admin/parked/${id}`, settle) : await offline(dataDir, (s) => s.settleParked({ id, ...settle }));
      console.log(JSON.stringify(r));
      return 0;
    }
    if (a === 'parked') {
      const f = flags([b, ...rest].filter((x): x is string => x !== undefined));
      const dataDir = resolve(need(f, 'data-dir'));
      const server = runningServer(dataDir);
      const r = server ? await adminCall(dataDir, server, 'GET', '/admin/parked') : { parked: await offline(dataDir, (s) => s.parkedEdits()) };
      console.log(JSON.stringify(r, null, 2));
      return 0;
    }
    if (a === 'device' && b === 'revoke') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const id = need(f, 'device');
      const server = runningServer(dataDir);
      if (server) await adminCall(dataDir, server, 'POST', `/admin/devices/${encodeURIComponent(id)}/revoke`);
      else await offline(dataDir, (s) => s.revokeDevice(id));
      console.log(`device ${id} revoked`);
      return 0;
    }
    if (a === 'config') {
      const f = flags([b, ...rest].filter((x): x is string => x !== undefined));
      const dataDir = resolve(need(f, 'data-dir'));
      const unknown = [...f.keys()].find((k) => k !== 'data-dir' && k !== 'move-wait-days');
      if (unknown) throw new Usage(`platform config does not know --${unknown}`);
      const waitMs = moveWaitMs(f);
      const by = `operator (${userInfo().username})`;
      const server = runningServer(dataDir);
      const days = waitMs === undefined ? undefined : waitMs / (24 * 60 * 60_000);
      const config = server
        ? await adminCall(dataDir, server, days === undefined ? 'GET' : 'POST', '/admin/config', days === undefined ? undefined : { moveWaitDays: days, by })
        : await offline(dataDir, async (s) => {
            if (days !== undefined) await saveMoveWait(s.sql, { days, setAt: Date.now(), setBy: by });
            return { moveWait: await moveWaitSetting(s.sql) };
          });
      console.log(JSON.stringify(config, null, 2));
      return 0;
    }
    if (a === 'status') {
      const f = flags([b, ...rest].filter((x): x is string => x !== undefined));
      const dataDir = resolve(need(f, 'data-dir'));
      const server = runningServer(dataDir);
      const waitMs = moveWaitMs(f);
      const status = server
        ? await adminCall(dataDir, server, 'GET', '/status')
        : await offline(dataDir, (s) => {
            if (waitMs !== undefined) s.moveRequestWaitMs = waitMs;
            return s.status();
          });
      console.log(JSON.stringify(status, null, 2));
      return 0;
    }
    if (a === 'operator' && b === 'add') {
      const f = flags(rest);
      const dataDir = resolve(need(f, 'data-dir'));
      const operator = { username: need(f, 'user'), displayName: f.get('name') ?? need(f, 'user'), password: process.env['PLATFORM_OPERATOR_PASSWORD'] ?? '' };
      if (!OperatorBody.safeParse(operator).success) throw new Usage('--user expects 2-64 letters, digits, _ . or -');
      const problem = passwordProblem(operator.password);
      if (problem) throw new Usage(`PLATFORM_OPERATOR_PASSWORD: ${problem}`);
      const server = runningServer(dataDir);
      const r = server
        ? ((await adminCall(dataDir, server, 'POST', '/admin/operators', operator)) as { created: boolean })
        : await offline(dataDir, (s) => new Operators(s.sql).add(operator.username, operator.displayName, operator.password));
      console.log(`operator ${operator.username} ${r.created ? 'added' : 'updated (new password; their sessions ended)'}`);
      return 0;
    }
    if (a === 'export') {
      const f = flags([b, ...rest].filter((x): x is string => x !== undefined));
      const dataDir = resolve(need(f, 'data-dir'));
      const code = need(f, 'clinic');
      if (!/^\d{9}(\d{3})?$/.test(code)) throw new Usage('--clinic expects a 9-digit township or 12-digit village code');
      const server = runningServer(dataDir);
      const text = server
        ? String(await adminCall(dataDir, server, 'GET', `/admin/export?clinic=${code}`))
        : await offline(dataDir, async (s) => {
            const lines = await s.exportClinic(code, `operator (${userInfo().username})`);
            return lines.length ? `${lines.join('\n')}\n` : '';
          });
      const out = f.get('out');
      if (out) {
        writeFileSync(out, text, { mode: 0o600 });
        console.log(JSON.stringify({ out, documents: text.split('\n').filter(Boolean).length }));
      } else process.stdout.write(text);
      return 0;
    }
    if (a === 'help' || a === '--help') {
      console.log(USAGE);
      return 0;
    }
    await serve(flags(a === 'serve' ? [b, ...rest].filter((x): x is string => x !== undefined) : argv));
    return 0;
  } catch (e) {
    if (e instanceof Usage) {
      console.error(`platform: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`platform: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

const isEntry = process.argv[1] && /platform[\\/]cli\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
