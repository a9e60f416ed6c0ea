/**
 * The county view under `/county/` (issue 15 item 5): read-only pages for county operators, with their own sign-in.
 * Every page request looks the session cookie up again and checks the operator's role; sign-in is throttled per
 * account and per address (in the platform database, so a restart does not forget it). Operators are added with `npm run platform -- operator add` (POST /v1/admin/operators
 * with the operator token while the server runs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dateInZone } from '../../shared/domain/dates';
import { isValidPeriod, type ReportPeriod } from '../../shared/domain/indicators/period';
import { PlatformError, type PlatformStore } from '../store';
import type { CountyLang } from './messages';
import { Operators, passwordProblem, SESSION_MS, Throttle, type Operator } from './operators';
import { clinicPage, COUNTY_CSS, loginPage, notFoundPage, overviewPage, type PeriodChoice } from './pages';
import { CountyReports } from './report';

export const COUNTY_PREFIX = '/county';
const COOKIE = 'cunyi_county';
/** The operator's language, remembered from the last `?lang=`, so pages reached without it (sign-out, links) keep it. */
const LANG_COOKIE = 'cunyi_county_lang';
/** The county's clock for "this month" and for the times shown. */
const TIME_ZONE = 'Asia/Shanghai';
const FONT_FILE = /^noto-sans-sc-[a-z0-9-]+-(400|700)-normal\.woff2?$/;

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export const OperatorBody = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.-]{2,64}$/),
  displayName: z.string().trim().min(1).max(64),
  password: z.string(),
});

const LoginBody = z.object({ username: z.string().max(64).default(''), password: z.string().max(200).default('') });

function fontDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@fontsource/noto-sans-sc/400.css')), 'files');
}

/** The bundled font's @font-face rules (400 and 700), pointing at our own font route. */
function fontFaces(): string {
  const require = createRequire(import.meta.url);
  return ['400', '700']
    .map((w) => readFileSync(require.resolve(`@fontsource/noto-sans-sc/${w}.css`), 'utf8').replaceAll('url(./files/', `url(${COUNTY_PREFIX}/assets/fonts/`))
    .join('\n');
}

function cookies(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

const asked = (req: FastifyRequest): CountyLang | null => {
  const q = (req.query as Record<string, unknown> | undefined)?.['lang'];
  return q === 'en' || q === 'zh' ? q : null;
};
/** `?lang=` when given, else the language the operator chose last, else Chinese. */
const langOf = (req: FastifyRequest): CountyLang => asked(req) ?? (cookies(req).get(LANG_COOKIE) === 'en' ? 'en' : 'zh');

function periodOf(req: FastifyRequest, now: number): PeriodChoice | null {
  const q = (req.query ?? {}) as Record<string, string | undefined>;
  const today = dateInZone(now, TIME_ZONE);
  if (q['kind'] === undefined && q['year'] === undefined && q['index'] === undefined) return { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
  const kind = q['kind'] === 'quarter' || q['kind'] === 'year' ? q['kind'] : q['kind'] === 'month' ? 'month' : null;
  const p = { kind, year: Number(q['year']), index: kind === 'year' ? 1 : Number(q['index']) };
  return p.kind && isValidPeriod(p as ReportPeriod) ? (p as PeriodChoice) : null;
}

export interface CountyOptions {
  store: PlatformStore;
  adminToken: string;
  now?: () => number;
  /** Secure cookies need HTTPS, which the platform always serves; only a test may turn it off. */
  secureCookie?: boolean;
}

export async function registerCounty(app: FastifyInstance, opts: CountyOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const operators = new Operators(opts.store.sql, now);
  const throttle = new Throttle(opts.store.sql, now);
  const reports = new CountyReports(opts.store);
  const css = `${fontFaces()}\n${COUNTY_CSS}`;
  const fonts = fontDir();

  app.post('/v1/admin/operators', async (req) => {
    if (req.headers['x-cunyi-admin'] !== opts.adminToken) throw new PlatformError('UNAUTHORIZED', 'The operator token is missing or wrong.');
    const parsed = OperatorBody.safeParse(req.body);
    if (!parsed.success) throw new PlatformError('BAD_REQUEST', `The operator does not parse: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}.`);
    const problem = passwordProblem(parsed.data.password);
    if (problem) throw new PlatformError('BAD_REQUEST', `The password is refused: ${problem}.`);
    return operators.add(parsed.data.username, parsed.data.displayName, parsed.data.password);
  });

  await app.register(
    async (county) => {
      // Sign-in posts an ordinary HTML form; only this scope parses it, with a small limit.
      county.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      });
      county.addHook('onSend', async (req, reply, payload) => {
        reply.headers(SECURITY_HEADERS);
        const lang = asked(req);
        if (lang && cookies(req).get(LANG_COOKIE) !== lang) {
          reply.header('set-cookie', `${LANG_COOKIE}=${lang}; Path=${COUNTY_PREFIX}/; HttpOnly; SameSite=Strict; Max-Age=31536000${opts.secureCookie === false ? '' : '; Secure'}`);
        }
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
        return payload;
      });

      const html = (reply: FastifyReply, status: number, body: string): FastifyReply => reply.code(status).type('text/html; charset=utf-8').send(body);
      const setCookie = (reply: FastifyReply, value: string, maxAgeS: number): void => {
        reply.header('set-cookie', `${COOKIE}=${value}; Path=${COUNTY_PREFIX}/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${opts.secureCookie === false ? '' : '; Secure'}`);
      };

      /** The operator of this request's session, or null; checked on every request (role, account, expiry). */
      const operatorOf = async (req: FastifyRequest): Promise<Operator | null> => {
        const token = cookies(req).get(COOKIE);
        return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? operators.session(token) : null;
      };
      const signedIn = async (req: FastifyRequest, reply: FastifyReply): Promise<Operator | null> => {
        const op = await operatorOf(req);
        if (!op) {
          const hadCookie = cookies(req).has(COOKIE);
          void reply.redirect(`${COUNTY_PREFIX}/login?lang=${langOf(req)}${hadCookie ? '&expired=1' : ''}`, 303);
        }
        return op;
      };

      county.get('/assets/county.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(css));
      county.get('/assets/fonts/:file', async (req, reply) => {
        const file = (req.params as { file: string }).file;
        if (!FONT_FILE.test(file)) return html(reply, 404, notFoundPage(langOf(req)));
        const data = readFileSync(join(fonts, file));
        return reply.type(file.endsWith('.woff2') ? 'font/woff2' : 'font/woff').header('cache-control', 'public, max-age=604800').send(data);
      });

      county.get('/login', async (req, reply) => {
        const expired = (req.query as Record<string, unknown>)['expired'] === '1';
        return html(reply, 200, loginPage(langOf(req), expired ? 'expired' : null));
      });

      county.post('/login', async (req, reply) => {
        const lang = langOf(req);
        const body = LoginBody.safeParse(req.body ?? {});
        const input = body.success ? body.data : { username: '', password: '' };
        const keys = [`user:${input.username.toLowerCase()}`, `ip:${req.ip}`];
        const wait = await throttle.wait(keys);
        if (wait > 0) return html(reply.header('retry-after', String(Math.ceil(wait / 1000))), 429, loginPage(lang, 'throttled', input.username));
        const op = input.username && input.password ? await operators.check(input.username, input.password) : null;
        if (!op) {
          await throttle.failed(keys);
          return html(reply, 401, loginPage(lang, 'wrong', input.username));
        }
        await throttle.succeeded(keys);
        setCookie(reply, await operators.startSession(op.username), SESSION_MS / 1000);
        return reply.redirect(`${COUNTY_PREFIX}/?lang=${lang}`, 303);
      });

      county.post('/logout', async (req, reply) => {
        const token = cookies(req).get(COOKIE);
        if (token) await operators.endSession(token);
        setCookie(reply, '', 0);
        return reply.redirect(`${COUNTY_PREFIX}/login?lang=${langOf(req)}`, 303);
      });

      county.get('/', async (req, reply) => {
        const op = await signedIn(req, reply);
        if (!op) return reply;
        const lang = langOf(req);
        const period = periodOf(req, now());
        if (!period) return html(reply, 400, notFoundPage(lang, op.displayName));
        const sync = await reports.sync();
        const rows = [];
        for (const s of sync) rows.push({ sync: s, report: await reports.report(s.code, period) });
        return html(reply, 200, overviewPage(lang, op.displayName, period, rows, TIME_ZONE));
      });

      county.get('/clinic/:code', async (req, reply) => {
        const op = await signedIn(req, reply);
        if (!op) return reply;
        const lang = langOf(req);
        const period = periodOf(req, now());
        const code = (req.params as { code: string }).code;
        const sync = (await reports.sync()).find((s) => s.code === code);
        const report = period && sync ? await reports.report(code, period) : null;
        if (!period || !sync || !report) return html(reply, period ? 404 : 400, notFoundPage(lang, op.displayName));
        return html(reply, 200, clinicPage(lang, op.displayName, period, sync, report, TIME_ZONE));
      });
    },
    { prefix: COUNTY_PREFIX },
  );
}
