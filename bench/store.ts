/**
 * Storage benchmark: our RxStorage against raw better-sqlite3-multiple-ciphers doing the same work on an encrypted
 * file with the same pragmas, in the same run (DESIGN.md §4). Usage: `npx tsx bench/store.ts [--data-dir D]`;
 * D receives both files and is kept (default: a temp folder, removed afterwards). Prints one JSON object on stdout;
 * progress goes to stderr.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createRevision,
  fillWithDefaultSettings,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
} from 'rxdb/plugins/core';
import type {
  MangoQuery,
  PreparedQuery,
  RxDocumentData,
  RxJsonSchema,
  RxStorageInstance,
} from 'rxdb/plugins/core';
import { defaultFileName, getRxStorageSqlcipher } from '../main/store/rx-storage-sqlcipher';
import { openEncryptedFile } from '../main/store/sqlite-file';
import type { Database } from '../main/store/sqlite-file';

const RESIDENTS = 30_000;
const FOLLOW_UPS_PER_MANAGED = 12;
const MANAGED = 15_000;
const BATCH = 10_000;
const POINT_READS = 5_000;
const VILLAGE_QUERIES = 100;
const RESIDENT_RANGE_QUERIES = 2_000;
const COUNT_QUERIES = 200;
const KEY = Buffer.alloc(32, 0x3c);

interface Resident {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  idNumber: string;
  phone: string;
  villageCode: string;
  householdId: string;
  address: string;
  clinicCode: string;
}

interface FollowUp {
  id: string;
  residentId: string;
  visitDate: string;
  type: 'hypertension' | 'diabetes';
  sbp: number;
  dbp: number;
  glucose: number;
  doctor: string;
  advice: string;
  clinicCode: string;
  villageCode: string;
}

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;

const residentSchema = fillWithDefaultSettings<Resident>({
  version: 0,
  type: 'object',
  primaryKey: 'id',
  properties: {
    id: str(40),
    name: str(20),
    gender: { type: 'string', enum: ['male', 'female'] },
    birthDate: str(10),
    idNumber: str(18),
    phone: str(11),
    villageCode: str(12),
    householdId: str(40),
    address: str(100),
    clinicCode: str(12),
  },
  required: ['id', 'name', 'villageCode', 'householdId'],
  indexes: [['villageCode', 'name'], 'householdId'],
});

const followUpSchema = fillWithDefaultSettings<FollowUp>({
  version: 0,
  type: 'object',
  primaryKey: 'id',
  properties: {
    id: str(40),
    residentId: str(40),
    visitDate: str(10),
    type: { type: 'string', enum: ['hypertension', 'diabetes'] },
    sbp: { type: 'integer', minimum: 0, maximum: 400, multipleOf: 1 },
    dbp: { type: 'integer', minimum: 0, maximum: 300, multipleOf: 1 },
    glucose: { type: 'number', minimum: 0, maximum: 100, multipleOf: 0.1 },
    doctor: str(20),
    advice: str(200),
    clinicCode: str(12),
    villageCode: str(12),
  },
  required: ['id', 'residentId', 'visitDate'],
  indexes: [['residentId', 'visitDate'], 'visitDate'],
});

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤𠮷';
const GIVEN = '建国秀英桂兰志强玉珍淑芬德华春梅海燕文明振华丽娟红霞永刚凤英金花国强明亮秀珍晓东小红';
const VILLAGES = Array.from({ length: 20 }, (_, i) => `3201150010${String(i + 1).padStart(2, '0')}`);
const ADVICE = [
  '低盐低脂饮食，规律服药，每日监测血压',
  '控制主食量，餐后散步三十分钟，按时复查血糖',
  '戒烟限酒，保持情绪稳定，如有头晕胸闷及时就诊',
];

function log(message: string): void {
  process.stderr.write(`[bench:store] ${message}\n`);
}

/** Deterministic pseudo-random numbers, so two runs store the same data. */
function rng(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

function pick(text: string, next: (n: number) => number): string {
  const chars = [...text];
  return chars[next(chars.length)] ?? '';
}

function withMeta<T>(doc: T): RxDocumentData<T> {
  return { ...doc, _deleted: false, _attachments: {}, _meta: { lwt: now() }, _rev: createRevision(randomToken(10)) };
}

function makeResidents(from: number, to: number, next: (n: number) => number): RxDocumentData<Resident>[] {
  const docs: RxDocumentData<Resident>[] = [];
  for (let i = from; i < to; i++) {
    const village = VILLAGES[next(VILLAGES.length)] ?? '';
    const year = 1930 + next(80);
    docs.push(
      withMeta<Resident>({
        id: `res-${String(i).padStart(6, '0')}`,
        name: pick(SURNAMES, next) + pick(GIVEN, next) + (next(2) ? pick(GIVEN, next) : ''),
        gender: next(2) ? 'male' : 'female',
        birthDate: `${year}-${String(1 + next(12)).padStart(2, '0')}-${String(1 + next(28)).padStart(2, '0')}`,
        idNumber: `320115${year}${String(next(1e8)).padStart(8, '0')}`.slice(0, 18),
        phone: `13${String(next(1e9)).padStart(9, '0')}`,
        villageCode: village,
        householdId: `hh-${village}-${String(Math.floor(i / 3)).padStart(5, '0')}`,
        address: `秣陵街道${village.slice(-2)}村${1 + next(12)}组${1 + next(80)}号`,
        clinicCode: '320115001',
      }),
    );
  }
  return docs;
}

function makeFollowUps(from: number, to: number, next: (n: number) => number): RxDocumentData<FollowUp>[] {
  const docs: RxDocumentData<FollowUp>[] = [];
  for (let i = from; i < to; i++) {
    const patient = Math.floor(i / FOLLOW_UPS_PER_MANAGED);
    const quarter = i % FOLLOW_UPS_PER_MANAGED;
    const year = 2023 + Math.floor(quarter / 4);
    const month = (quarter % 4) * 3 + 1 + next(3);
    docs.push(
      withMeta<FollowUp>({
        id: `fu-${String(i).padStart(7, '0')}`,
        residentId: `res-${String(patient * 2).padStart(6, '0')}`,
        visitDate: `${year}-${String(month).padStart(2, '0')}-${String(1 + next(28)).padStart(2, '0')}`,
        type: patient % 4 === 0 ? 'diabetes' : 'hypertension',
        sbp: 110 + next(70),
        dbp: 65 + next(40),
        glucose: Math.round((4 + next(90) / 10) * 10) / 10,
        doctor: pick(SURNAMES, next) + '医生',
        advice: ADVICE[next(ADVICE.length)] ?? '',
        clinicCode: '320115001',
        villageCode: VILLAGES[patient % VILLAGES.length] ?? '',
      }),
    );
  }
  return docs;
}

/** The raw baseline: same documents as JSON, the same lookups indexed as plain columns. */
function createRawTables(db: Database): void {
  db.exec(`
    CREATE TABLE residents (id TEXT NOT NULL UNIQUE, lwt REAL NOT NULL, villageCode TEXT, name TEXT,
      householdId TEXT, data TEXT NOT NULL);
    CREATE INDEX residents_village_name ON residents (villageCode, name);
    CREATE INDEX residents_household ON residents (householdId);
    CREATE INDEX residents_lwt ON residents (lwt, id);
    CREATE TABLE followups (id TEXT NOT NULL UNIQUE, lwt REAL NOT NULL, residentId TEXT, visitDate TEXT,
      data TEXT NOT NULL);
    CREATE INDEX followups_resident_date ON followups (residentId, visitDate);
    CREATE INDEX followups_date ON followups (visitDate);
    CREATE INDEX followups_lwt ON followups (lwt, id);
  `);
}

interface Timing {
  ours_ms: number;
  raw_ms: number;
  ratio: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function timing(ours: number, raw: number, extra: Record<string, number> = {}): Timing & Record<string, number> {
  const round = (n: number) => Math.round(n * 10) / 10;
  return { ours_ms: round(ours), raw_ms: round(raw), ratio: Math.round((ours / raw) * 100) / 100, ...extra };
}

/** Best of REPEATS: the machine is shared, and the minimum is the least noisy estimate of the work itself. */
const REPEATS = 3;

async function bestAsync(fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) best = Math.min(best, await timeAsync(fn));
  return best;
}

function bestSync(fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) best = Math.min(best, timeSync(fn));
  return best;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function timeSync(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function prepare<T>(schema: RxJsonSchema<RxDocumentData<T>>, query: MangoQuery<RxDocumentData<T>>): PreparedQuery<T> {
  return prepareQuery<T>(schema, normalizeMangoQuery<T>(schema, query as MangoQuery<T>));
}

function parseArgs(argv: string[]): { dataDir: string | undefined } {
  const at = argv.indexOf('--data-dir');
  return { dataDir: at >= 0 ? argv[at + 1] : undefined };
}

async function main(): Promise<void> {
  const { dataDir } = parseArgs(process.argv.slice(2));
  const dir = dataDir ? resolve(dataDir) : mkdtempSync(join(tmpdir(), 'cunyi-bench-store-'));
  mkdirSync(dir, { recursive: true });
  const databaseName = `bench-${Date.now()}`;
  const rawPath = join(dir, `${databaseName}-raw.db`);
  const oursPath = join(dir, defaultFileName(databaseName));
  // The machine is shared: a ratio means little without the load it was measured under.
  const loadBefore = loadavg();
  log(`files in ${dir}`);

  const storage = getRxStorageSqlcipher({ directory: dir, key: KEY });
  const open = async <T>(collectionName: string, schema: RxJsonSchema<RxDocumentData<T>>) =>
    storage.createStorageInstance<T>({
      databaseInstanceToken: randomToken(10),
      databaseName,
      collectionName,
      schema,
      options: {},
      multiInstance: false,
      devMode: false,
    });
  let residents: RxStorageInstance<Resident, unknown, unknown> = await open('residents', residentSchema);
  const followUps = await open('followups', followUpSchema);
  let raw = openEncryptedFile(rawPath, KEY);
  createRawTables(raw);
  const rawInsertResident = raw.prepare(
    'INSERT INTO residents (id, lwt, villageCode, name, householdId, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const rawInsertFollowUp = raw.prepare(
    'INSERT INTO followups (id, lwt, residentId, visitDate, data) VALUES (?, ?, ?, ?, ?)',
  );

  const next = rng(42);
  let oursResidentMs = 0;
  let rawResidentMs = 0;
  for (let from = 0; from < RESIDENTS; from += BATCH) {
    const batch = makeResidents(from, Math.min(from + BATCH, RESIDENTS), next);
    oursResidentMs += await timeAsync(() => residents.bulkWrite(batch.map((document) => ({ document })), 'bench'));
    rawResidentMs += timeSync(() =>
      raw.transaction(() => {
        for (const d of batch) {
          rawInsertResident.run(d.id, d._meta.lwt, d.villageCode, d.name, d.householdId, JSON.stringify(d));
        }
      })(),
    );
    log(`residents ${Math.min(from + BATCH, RESIDENTS)}/${RESIDENTS}`);
  }

  const followUpCount = MANAGED * FOLLOW_UPS_PER_MANAGED;
  let oursFollowUpMs = 0;
  let rawFollowUpMs = 0;
  for (let from = 0; from < followUpCount; from += BATCH) {
    const batch = makeFollowUps(from, Math.min(from + BATCH, followUpCount), next);
    oursFollowUpMs += await timeAsync(() => followUps.bulkWrite(batch.map((document) => ({ document })), 'bench'));
    rawFollowUpMs += timeSync(() =>
      raw.transaction(() => {
        for (const d of batch) rawInsertFollowUp.run(d.id, d._meta.lwt, d.residentId, d.visitDate, JSON.stringify(d));
      })(),
    );
    log(`follow-ups ${Math.min(from + BATCH, followUpCount)}/${followUpCount}`);
  }

  const ids = Array.from({ length: POINT_READS }, () => `res-${String(next(RESIDENTS)).padStart(6, '0')}`);
  const rawById = raw.prepare('SELECT data FROM residents WHERE id = ?').pluck();
  const oursPointMs = await bestAsync(async () => {
    for (const id of ids) await residents.findDocumentsById([id], false);
  });
  const rawPointMs = bestSync(() => {
    for (const id of ids) void JSON.parse(String(rawById.get(id)));
  });
  log('point reads done');

  // 居民 list of one village sorted by name: the first screen of 居民档案.
  const villageQuery = (village: string) =>
    prepare(residentSchema, {
      selector: { _deleted: { $eq: false }, villageCode: { $eq: village } },
      sort: [{ villageCode: 'asc' }, { name: 'asc' }],
    });
  const rawVillage = raw.prepare('SELECT data FROM residents WHERE villageCode = ? ORDER BY name, id').pluck();
  const villages = Array.from({ length: VILLAGE_QUERIES }, (_, i) => VILLAGES[i % VILLAGES.length] ?? '');
  const villagePlans = villages.map(villageQuery);
  let villageRows = 0;
  const oursVillageMs = await bestAsync(async () => {
    villageRows = 0;
    for (const plan of villagePlans) villageRows += (await residents.query(plan)).documents.length;
  });
  const rawVillageMs = bestSync(() => {
    for (const village of villages) rawVillage.all(village).forEach((data) => void JSON.parse(String(data)));
  });
  log('village queries done');

  // A patient's follow-ups over two years: the 随访 history panel.
  const patients = Array.from({ length: RESIDENT_RANGE_QUERIES }, () => `res-${String(next(MANAGED) * 2).padStart(6, '0')}`);
  const historyPlans = patients.map((residentId) =>
    prepare(followUpSchema, {
      selector: {
        _deleted: { $eq: false },
        residentId: { $eq: residentId },
        visitDate: { $gte: '2024-01-01', $lte: '2025-12-31' },
      },
      sort: [{ residentId: 'asc' }, { visitDate: 'asc' }],
    }),
  );
  const rawHistory = raw
    .prepare('SELECT data FROM followups WHERE residentId = ? AND visitDate BETWEEN ? AND ? ORDER BY visitDate, id')
    .pluck();
  let historyRows = 0;
  const oursHistoryMs = await bestAsync(async () => {
    historyRows = 0;
    for (const plan of historyPlans) historyRows += (await followUps.query(plan)).documents.length;
  });
  const rawHistoryMs = bestSync(() => {
    for (const residentId of patients) {
      rawHistory.all(residentId, '2024-01-01', '2025-12-31').forEach((data) => void JSON.parse(String(data)));
    }
  });
  log('follow-up range queries done');

  // Follow-ups done in a year: the quarterly report's denominator.
  const countPlan = prepare(followUpSchema, {
    selector: { _deleted: { $eq: false }, visitDate: { $gte: '2025-01-01', $lte: '2025-12-31' } },
  });
  const rawCount = raw.prepare('SELECT count(*) FROM followups WHERE visitDate BETWEEN ? AND ?').pluck();
  let counted = 0;
  const oursCountMs = await bestAsync(async () => {
    for (let i = 0; i < COUNT_QUERIES; i++) counted = (await followUps.count(countPlan)).count;
  });
  let rawCounted = 0;
  const rawCountMs = bestSync(() => {
    for (let i = 0; i < COUNT_QUERIES; i++) rawCounted = Number(rawCount.get('2025-01-01', '2025-12-31'));
  });
  log('counts done');

  // Unlock + first query: the data key is already derived (the KDF is the key slots' cost, not the store's).
  await residents.close();
  await followUps.close();
  raw.close();
  const firstPlan = prepare(residentSchema, {
    selector: { _deleted: { $eq: false }, villageCode: { $eq: VILLAGES[0] ?? '' } },
    sort: [{ villageCode: 'asc' }, { name: 'asc' }],
    limit: 50,
  });
  const oursUnlockMs = await timeAsync(async () => {
    const fresh = getRxStorageSqlcipher({ directory: dir, key: KEY });
    residents = await fresh.createStorageInstance<Resident>({
      databaseInstanceToken: randomToken(10),
      databaseName,
      collectionName: 'residents',
      schema: residentSchema,
      options: {},
      multiInstance: false,
      devMode: false,
    });
    await residents.query(firstPlan);
  });
  const rawUnlockMs = timeSync(() => {
    raw = openEncryptedFile(rawPath, KEY);
    raw
      .prepare('SELECT data FROM residents WHERE villageCode = ? ORDER BY name, id LIMIT 50')
      .pluck()
      .all(VILLAGES[0] ?? '')
      .forEach((data) => void JSON.parse(String(data)));
  });
  await residents.close();
  raw.close();
  // Both handles are closed, so each WAL was checkpointed into its file and removed.
  const oursBytes = statSync(oursPath).size;
  const rawBytes = statSync(rawPath).size;
  if (!dataDir) rmSync(dir, { recursive: true, force: true });

  const insertResidents = timing(oursResidentMs, rawResidentMs, {
    docs: RESIDENTS,
    ours_docs_per_s: Math.round(RESIDENTS / (oursResidentMs / 1000)),
  });
  const insertFollowUps = timing(oursFollowUpMs, rawFollowUpMs, {
    docs: followUpCount,
    ours_docs_per_s: Math.round(followUpCount / (oursFollowUpMs / 1000)),
  });
  const villageList = timing(oursVillageMs, rawVillageMs, { queries: VILLAGE_QUERIES, rows: villageRows });
  const followUpHistory = timing(oursHistoryMs, rawHistoryMs, { queries: RESIDENT_RANGE_QUERIES, rows: historyRows });
  const count = timing(oursCountMs, rawCountMs, { queries: COUNT_QUERIES, result: counted, raw_result: rawCounted });
  const report = {
    bench: 'store',
    dataDir: dataDir ? dir : null,
    batchSize: BATCH,
    loadAverage: { before: loadBefore.map(round2), after: loadavg().map(round2) },
    results: {
      insertResidents,
      insertFollowUps,
      pointReads: timing(oursPointMs, rawPointMs, { reads: POINT_READS }),
      villageList,
      followUpHistory,
      count,
      unlockFirstQuery: timing(oursUnlockMs, rawUnlockMs),
      fileSize: { ours_mb: round2(oursBytes / 1e6), raw_mb: round2(rawBytes / 1e6), ratio: round2(oursBytes / rawBytes) },
    },
    targets: {
      insertWithin3xRaw: insertResidents.ratio <= 3 && insertFollowUps.ratio <= 3,
      indexedQueryWithin2xRaw: villageList.ratio <= 2 && followUpHistory.ratio <= 2,
      unlockFirstQueryUnder300ms: oursUnlockMs < 300,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:store] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
