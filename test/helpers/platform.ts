/** The county platform on a temp directory (PGlite, or PostgreSQL with `databaseUrl`), bound to 127.0.0.1:0. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform';
import { PlatformHttp } from '../../main/sync/platform-http';
import { writeFacts } from '../../platform/county/facts';
import { main as platformCli } from '../../platform/cli';

export interface TestPlatform extends RunningPlatform {
  dataDir: string;
  /** Closes the server and removes its directory. */
  dispose(): Promise<void>;
  /** Starts it again on the same directory (and port when free), as after a crash or an upgrade. */
  restart(): Promise<void>;
}

export async function startTestPlatform(opts: Partial<PlatformOptions> = {}): Promise<TestPlatform> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cunyi-platform-'));
  let running = await startPlatform({ ...opts, dataDir });
  const p = {
    get url() { return running.url; },
    get port() { return running.port; },
    get tls() { return running.tls; },
    get store() { return running.store; },
    get sql() { return running.sql; },
    get adminToken() { return running.adminToken; },
    dataDir,
    close: () => running.close(),
    async restart() {
      const port = running.port;
      await running.close();
      running = await startPlatform({ ...opts, dataDir, port });
    },
    async dispose() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return p;
}

export const CLINIC_A = {
  code: '441521101',
  name: '海丰县赤坑镇卫生院',
  villages: [
    { code: '441521101201', name: '东光村' },
    { code: '441521101202', name: '西山村' },
  ],
};
export const CLINIC_B = {
  code: '441521102',
  name: '海丰县大湖镇卫生院',
  villages: [{ code: '441521102201', name: '大湖村' }],
};

/** Registers a clinic and enrols one device with a fresh code; returns a client carrying its credential. */
export async function enrolDevice(p: RunningPlatform, clinic: typeof CLINIC_A, deviceId: string): Promise<{ http: PlatformHttp; credential: string }> {
  const { enrolmentCode } = await p.store.addClinic(clinic);
  const r = await p.store.enrol({ code: enrolmentCode, deviceId, blocks: [] });
  return { credential: r.credential, http: new PlatformHttp({ url: p.url, fingerprint256: p.tls.fingerprint256, credential: r.credential }) };
}

let counter = 0;
/** A resident document as the device replicates it (RxDB's WithDeleted form). */
export function residentWire(villageCode: string, over: Record<string, unknown> = {}): Record<string, unknown> & { id: string; _deleted: boolean } {
  counter += 1;
  const id = `0190f0e0-0000-7000-8000-${String(counter).padStart(12, '0')}`;
  return {
    id,
    clinicCode: villageCode.slice(0, 9),
    villageCode,
    recordNo: `${villageCode}${String(counter).padStart(5, '0')}`,
    name: `居民${counter}`,
    idNumber: '',
    phone: '',
    birthDate: '1956-05-14',
    sex: 1,
    householdId: '',
    status: 'active',
    data: { note: '𠮷' },
    createdAt: 1_772_000_000_000,
    updatedAt: 1_772_000_000_000,
    _deleted: false,
    ...over,
  };
}

/** Runs the platform CLI in this process, capturing what it prints; returns the exit code and the output. */
export async function runPlatformCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...x: unknown[]) => void out.push(x.join(' '));
  console.error = (...x: unknown[]) => void err.push(x.join(' '));
  try {
    return { code: await platformCli(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

let encounterCounter = 0;
/** A draft follow-up of `resident` as the device replicates it; `over` sets other fields (a date, the times). */
export function encounterWire(resident: Record<string, unknown> & { id: string }, over: Record<string, unknown> = {}): Record<string, unknown> & { id: string; _deleted: boolean } {
  encounterCounter += 1;
  return {
    id: `0190f0e2-0000-7000-8000-${String(encounterCounter).padStart(12, '0')}`,
    type: 'htnFollowup',
    clinicCode: resident['clinicCode'],
    villageCode: resident['villageCode'],
    residentId: resident.id,
    date: '2026-03-01',
    status: 'draft',
    amends: '',
    data: {},
    createdAt: 1_772_000_000_000,
    updatedAt: 1_772_000_000_000,
    _deleted: false,
    ...over,
  };
}

const field = (d: object, key: string): string => {
  const v = (d as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : '';
};

/**
 * Writes documents straight into the platform's table, each with the next change sequence, as a push would store them
 * but without the sync path (benchmarks and tests of what the platform computes from what it holds).
 */
export async function insertDocuments(
  sql: RunningPlatform['sql'],
  collection: 'residents' | 'encounters' | 'contracts' | 'settings',
  docs: ReadonlyArray<{ id: string }>,
  writtenBy = 'test',
): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) {
    const page = docs.slice(i, i + 1000);
    const ids = page.map((d) => (collection === 'settings' ? `${field(d, 'clinicCode')}/${d.id}` : d.id));
    await sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
         SELECT $1, w.id, nextval('document_seq'), w.clinic_code, w.village_code, 'r', false, w.body, $2, 0
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS w(id, clinic_code, village_code, body, n) ORDER BY w.n`,
        [collection, writtenBy, ids, page.map((d) => field(d, 'clinicCode')), page.map((d) => field(d, 'villageCode') || null), page.map((d) => JSON.stringify(d))],
      );
      // As every write path of the platform does: the indicator records in the same transaction.
      await writeFacts(tx, collection, ids);
    });
  }
}
