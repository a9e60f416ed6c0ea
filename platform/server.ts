/**
 * The platform's HTTPS API (Fastify 5: Node's own HTTPS server, a body limit per route, schema hooks at the door,
 * and a compression plugin). Every route lives under `/v1`; a request for another version gets 426 and a reason.
 * Every body is size-limited and parsed with the zod schemas of `shared/sync/protocol.ts` before the store sees it.
 */
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  AckRequest,
  API_PREFIX,
  EnrolRequest,
  MAX_PULL_BATCH,
  PushRow,
  SYNC_PROTOCOL_VERSION,
  type WireDocument,
} from '../shared/sync/protocol';
import { PlatformError, type ChangeNotice, type Device, type PlatformStore } from './store';
import type { TlsIdentity } from './tls';
import { COUNTY_PREFIX, registerCounty } from './county/routes';
import { IndicatorRulesInput } from '../shared/schemas/indicator-rules';
import { countyPolicy, setCountyPolicy } from './policy';
import { deviceLateEdits } from './late-edits';
import { MAX_MOVE_WAIT_DAYS, moveWaitMs, moveWaitSetting, saveMoveWait } from './move-requests';

export interface ServerOptions {
  store: PlatformStore;
  tls: TlsIdentity;
  /** Per collection, the zod schema a pushed document must pass (shared/sync wireSchemas, plus test collections). */
  schemas: Record<string, z.ZodType<WireDocument>>;
  /** The operator's token for `/v1/status` and `/v1/admin/*` (the CLI reads it from the data directory). */
  adminToken: string;
  bodyLimit?: number;
  logger?: boolean;
  /** SSE keep-alive comment interval. */
  heartbeatMs?: number;
  /** The county view's clock (sessions, "this month"). */
  now?: () => number;
}

/**
 * Answers smaller than this go out as they are: a live pull of the one or two documents just saved elsewhere is a
 * packet or two either way, and compressing it only adds a trip through zlib on both ends (bench/edits.ts, issue 13).
 * Pull pages of an initial sync are hundreds of KB and are compressed.
 */
export const COMPRESS_THRESHOLD = 8 * 1024;

/** A push of 200 residents with their forms stays far below this; anything larger is refused with TOO_LARGE. */
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

const PullQuery = z.object({ seq: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(MAX_PULL_BATCH).default(200) });
const ClinicBody = z.object({
  code: z.string().regex(/^\d{9}(\d{3})?$/),
  name: z.string().min(1).max(100),
  villages: z.array(z.object({ code: z.string().regex(/^\d{12}$/), name: z.string().max(100) })).max(500),
  /** The villages the device that enrols with this code may hold (default: all of the clinic's). */
  deviceVillages: z.array(z.string().regex(/^\d{12}$/)).min(1).max(500).optional(),
});
const CodeBody = z.object({ clinic: z.string().regex(/^\d{9}(\d{3})?$/), villages: z.array(z.string().regex(/^\d{12}$/)).min(1).max(500).optional() });
const PolicyBody = IndicatorRulesInput.extend({ by: z.string().min(1).max(200).optional() }).strict();
const ConfigBody = z.object({ moveWaitDays: z.number().positive().max(MAX_MOVE_WAIT_DAYS), by: z.string().min(1).max(200).optional() }).strict();
const SettleBody = z.object({ action: z.enum(['apply', 'discard']), reason: z.string().trim().min(1).max(500).optional(), by: z.string().min(1).max(100).optional() });
const MoveBody = z.object({
  residentId: z.string().min(1).max(64),
  villageCode: z.string().regex(/^\d{12}$/),
  clinicCode: z.string().regex(/^\d{9}(\d{3})?$/).optional(),
  requestedBy: z.string().min(1).max(100).optional(),
});

function refuse(reply: FastifyReply, status: number, error: string, message: string, details?: Record<string, unknown>): FastifyReply {
  return reply.code(status).send({ error, message, ...(details ? { details } : {}) });
}

const STATUS_OF: Record<PlatformError['code'], number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  REVOKED: 403,
  OUT_OF_JURISDICTION: 403,
  ENROLMENT_CODE_INVALID: 403,
  NOT_FOUND: 404,
  ALREADY_SETTLED: 409,
};

interface Stream {
  device: Device;
  res: ServerResponse;
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const app = Fastify({
    https: { key: opts.tls.key, cert: opts.tls.cert },
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: opts.logger ?? false,
    forceCloseConnections: true,
  });
  await app.register(compress, { global: true, threshold: COMPRESS_THRESHOLD });

  const streams = new Set<Stream>();
  const onChange = (n: ChangeNotice): void => {
    for (const s of streams) {
      // Telling the pushing device would make it pull its own documents back at once, which delays its next save
      // and every other device's pull (bench/sync.ts, 100 changes end to end); other devices' pushes notify anyway.
      if (s.device.id === n.fromDeviceId) continue;
      const villages = new Set(s.device.villages.map((v) => v.code));
      const concerns =
        store.rules[n.collection]?.scope === 'none' || n.clinicCodes.includes(s.device.clinic.code) || n.villageCodes.some((v) => villages.has(v));
      if (concerns) s.res.write(`event: change\ndata: ${JSON.stringify({ collection: n.collection })}\n\n`);
    }
  };
  const onRevoked = (deviceId: string): void => {
    for (const s of streams) if (s.device.id === deviceId) s.res.end();
  };
  store.changes.on('change', onChange);
  store.changes.on('revoked', onRevoked);
  const heartbeat = setInterval(() => {
    for (const s of streams) s.res.write(': keep-alive\n\n');
  }, opts.heartbeatMs ?? 25_000);
  heartbeat.unref();
  // Event streams never end by themselves: end them before the server waits for its connections to close.
  app.addHook('preClose', async () => {
    for (const s of streams) s.res.destroy();
  });
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    store.changes.off('change', onChange);
    store.changes.off('revoked', onRevoked);
    for (const s of streams) s.res.end();
    streams.clear();
  });

  app.addHook('onRequest', async (req, reply) => {
    const url = req.url;
    if (url.startsWith(`${API_PREFIX}/`) || url === COUNTY_PREFIX || url.startsWith(`${COUNTY_PREFIX}/`) || url.startsWith(`${COUNTY_PREFIX}?`)) return;
    const m = /^\/v(\d+)\//.exec(url);
    if (m) {
      const asked = Number(m[1]);
      if (asked < SYNC_PROTOCOL_VERSION) {
        return refuse(reply, 426, 'CLIENT_TOO_OLD', `This platform speaks sync protocol v${SYNC_PROTOCOL_VERSION}; update the Cunyi app.`, { supported: SYNC_PROTOCOL_VERSION });
      }
      return refuse(reply, 400, 'BAD_REQUEST', `Unknown sync protocol v${asked}; this platform speaks v${SYNC_PROTOCOL_VERSION}.`);
    }
    return refuse(reply, 404, 'NOT_FOUND', 'Not a platform URL.');
  });

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof PlatformError) return refuse(reply, STATUS_OF[err.code], err.code, err.message, err.details);
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(reply, 413, 'TOO_LARGE', 'The request body is larger than the platform accepts; send fewer documents per request.');
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return refuse(reply, e.statusCode, 'BAD_REQUEST', e.message ?? 'Bad request.');
    app.log.error(err);
    return refuse(reply, 500, 'INTERNAL', 'The platform failed to handle this request; it was logged.');
  });

  function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const r = schema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new PlatformError('BAD_REQUEST', `${what} does not parse: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}.`);
    }
    return r.data;
  }

  async function device(req: FastifyRequest): Promise<Device> {
    const h = req.headers.authorization;
    if (!h?.startsWith('Bearer ')) throw new PlatformError('UNAUTHORIZED', 'This request carries no device credential.');
    return store.authenticate(h.slice('Bearer '.length));
  }

  function admin(req: FastifyRequest): void {
    if (req.headers['x-cunyi-admin'] !== opts.adminToken) throw new PlatformError('UNAUTHORIZED', 'The operator token is missing or wrong.');
  }

  function collectionOf(req: FastifyRequest): string {
    const c = (req.params as { collection: string }).collection;
    if (!(c in opts.schemas)) throw new PlatformError('NOT_FOUND', `Unknown collection ${c}.`);
    return c;
  }

  app.post(`${API_PREFIX}/enrol`, async (req) => {
    const input = parse(EnrolRequest, req.body, 'The enrolment request');
    const r = await store.enrol({ code: input.code, deviceId: input.deviceId, blocks: input.blocks });
    return { clinicCode: r.clinic.code, clinicName: r.clinic.name, villages: r.villages, deviceId: input.deviceId, credential: r.credential, blocks: r.blocks };
  });

  app.get(`${API_PREFIX}/:collection/pull`, async (req, reply) => {
    const d = await device(req);
    const collection = collectionOf(req);
    const q = parse(PullQuery, req.query, 'The pull query');
    const page = await store.pull(d, collection, q.seq, q.limit);
    // Stored bodies are already canonical JSON: join them rather than parse and re-encode 1,000 documents.
    const departed = page.departed.length > 0 ? `,"departed":${JSON.stringify(page.departed)}` : '';
    return reply.type('application/json').send(`{"documents":[${page.bodies.join(',')}],"checkpoint":{"seq":${page.seq}}${departed}}`);
  });

  app.get(`${API_PREFIX}/:collection/remaining`, async (req) => {
    const d = await device(req);
    const collection = collectionOf(req);
    const q = parse(PullQuery, req.query, 'The query');
    return { remaining: await store.remaining(d, collection, q.seq) };
  });

  app.post(`${API_PREFIX}/:collection/push`, async (req) => {
    const d = await device(req);
    const collection = collectionOf(req);
    const docSchema = opts.schemas[collection]!;
    const rows = parse(z.array(PushRow).max(1000), req.body, 'The push');
    for (const [i, row] of rows.entries()) {
      row.newDocumentState = parse(docSchema, row.newDocumentState, `Row ${i} (newDocumentState)`);
      if (row.assumedMasterState) row.assumedMasterState = parse(docSchema, row.assumedMasterState, `Row ${i} (assumedMasterState)`);
    }
    return store.push(d, collection, rows);
  });

  // A device asks which of its edits were parked for review (they were uploaded, not applied): it says so to its user.
  app.get(`${API_PREFIX}/parked`, async (req) => {
    const d = await device(req);
    // And what became of every late edit of the device (forwarded to the new clinic, parked, settled): late-edits.ts.
    return { parked: (await store.parkedEdits(d.id)).map(({ document: _body, ...rest }) => rest), lateEdits: await deviceLateEdits(store.sql, d.id) };
  });

  app.post(`${API_PREFIX}/record-blocks`, async (req) => {
    const d = await device(req);
    return { block: await store.grantBlock(d) };
  });

  app.post(`${API_PREFIX}/ack`, async (req) => {
    const d = await device(req);
    const input = parse(AckRequest, req.body, 'The acknowledgement');
    return { ackedUpTo: await store.ack(d, input.upTo, input.pending), receivedAt: Date.now() };
  });

  app.get(`${API_PREFIX}/stream`, { compress: false }, async (req, reply) => {
    const d = await device(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${JSON.stringify({ deviceId: d.id })}\n\n`);
    const s: Stream = { device: d, res };
    streams.add(s);
    res.on('close', () => streams.delete(s));
  });

  app.get(`${API_PREFIX}/status`, async (req) => {
    admin(req);
    return store.status();
  });

  app.get(`${API_PREFIX}/admin/export`, async (req, reply) => {
    admin(req);
    const clinic = parse(z.object({ clinic: z.string().regex(/^\d{9}(\d{3})?$/) }), req.query, 'The export request');
    const lines = await store.exportClinic(clinic.clinic, 'operator (server)');
    return reply.type('application/x-ndjson').send(lines.length ? `${lines.join('\n')}\n` : '');
  });

  app.post(`${API_PREFIX}/admin/clinics`, async (req) => {
    admin(req);
    const c = parse(ClinicBody, req.body, 'The clinic');
    return store.addClinic({ code: c.code, name: c.name, villages: c.villages }, c.deviceVillages);
  });

  app.post(`${API_PREFIX}/admin/codes`, async (req) => {
    admin(req);
    const c = parse(CodeBody, req.body, 'The enrolment code request');
    return store.issueCode(c.clinic, c.villages);
  });

  app.post(`${API_PREFIX}/admin/moves`, async (req) => {
    admin(req);
    const m = parse(MoveBody, req.body, 'The move');
    return store.moveResident({ residentId: m.residentId, villageCode: m.villageCode, clinicCode: m.clinicCode, requestedBy: m.requestedBy ?? 'operator (server)' });
  });

  app.get(`${API_PREFIX}/admin/policy`, async (req) => {
    admin(req);
    return { versions: await countyPolicy(store.sql) };
  });

  app.post(`${API_PREFIX}/admin/policy`, async (req) => {
    admin(req);
    const { by, ...input } = parse(PolicyBody, req.body, 'The indicator rules');
    return setCountyPolicy(store, input, by ?? 'operator (server)', (opts.now ?? Date.now)());
  });

  app.get(`${API_PREFIX}/admin/parked`, async (req) => {
    admin(req);
    return { parked: await store.parkedEdits() };
  });

  app.post(`${API_PREFIX}/admin/parked/:id`, async (req) => {
    admin(req);
    const id = parse(z.coerce.number().int().min(1), (req.params as { id: string }).id, 'The parked edit id');
    const s = parse(SettleBody, req.body, 'The settlement');
    return store.settleParked({ id, action: s.action, reason: s.reason, by: s.by ?? 'operator (server)' });
  });

  // The operator's settings (`platform config`): stored, and used by the running platform at once.
  app.get(`${API_PREFIX}/admin/config`, async (req) => {
    admin(req);
    return { moveWait: await moveWaitSetting(store.sql) };
  });

  app.post(`${API_PREFIX}/admin/config`, async (req) => {
    admin(req);
    const c = parse(ConfigBody, req.body, 'The settings');
    await saveMoveWait(store.sql, { days: c.moveWaitDays, setAt: (opts.now ?? Date.now)(), setBy: c.by ?? 'operator (server)' });
    store.moveRequestWaitMs = moveWaitMs(c.moveWaitDays);
    // A shorter wait may already have run out for some requests: they are answered now, not at the next hourly check.
    await store.expireMoveRequests();
    return { moveWait: await moveWaitSetting(store.sql) };
  });

  await registerCounty(app, { store, adminToken: opts.adminToken, ...(opts.now ? { now: opts.now } : {}) });

  app.post(`${API_PREFIX}/admin/devices/:id/revoke`, async (req) => {
    admin(req);
    await store.revokeDevice((req.params as { id: string }).id);
    return { revoked: true };
  });

  return app;
}
