/**
 * A clinic's indicators as the county sees them: computed on the platform from the indicator records it keeps for
 * that clinic's documents (facts.ts; the same set a device of the clinic pulls: residents, encounters and contracts of
 * its villages) and its settings, with the very same shared/ functions the clinic uses (report-compute.ts), so both
 * sides agree once they are in sync.
 *
 * Each clinic's report for a period is stored (county_reports, platform migration 0140) with the digest of what it was
 * computed from: the code (REPORT_SOURCES_SHA256), the records' FACTS_VERSION, the clinic's villages, the change
 * counter of each of them (indicator_facts_changes, moved by every write of a record, a move's old and new village
 * alike) and the id and seq of each of its settings documents. A report is computed again only when that digest
 * differs, so after a restart, or a push to another clinic, the overview reads stored numbers; a push to one clinic
 * recomputes that clinic alone. Computing reads one clinic's records at a time, and at most `clinicsInMemory` clinics'
 * records stay in memory (default 1: a 30,000-resident township is a few hundred MB of records).
 */
import { createHash } from 'node:crypto';
import { periodKey, type ReportPeriod } from '../../shared/domain/indicators/period';
import type { Queryable, Sql } from '../db';
import type { Clinic, PlatformStore } from '../store';
import { ensureFactsVersion, FACTS_VERSION, hasStaleFacts, rebuildFacts, villageFacts } from './facts';
import { clinicSettings, FactsGroups, reportFigures, type ClinicSettings, type ReportFigures } from './report-compute';
import type { IndicatorInput } from '../../shared/domain/indicators/types';

export type { CountyFigure } from './report-compute';

/**
 * The SHA-256 of the report's sources: report-compute.ts and what it imports for its values within shared/domain,
 * shared/schemas and platform/county (the shared indicator functions, the records' decoding).
 * test/unit/platform/report-version.test.ts recomputes it and fails while it does not match the files, so stored
 * reports made by other code are computed again after an upgrade.
 */
export const REPORT_SOURCES_SHA256 = '80b78b02148976a61aefc770d09112fe7c291cffe0d5c6d9e7326f877e22b2c6';

export interface ClinicReport extends ReportFigures {
  clinic: Clinic;
}

/** Each clinic's last contact, pending uploads and acknowledged time, summed over its active devices. */
export interface ClinicSync {
  code: string;
  name: string;
  documents: number;
  devices: number;
  lastContactAt: number | null;
  /** null when no device has reported its pending count yet. */
  pending: number | null;
  /** Everything recorded up to this instant is on the platform (the oldest acknowledgement among the devices). */
  ackedUpTo: number | null;
}

interface Loaded {
  input: IndicatorInput;
  settings: ClinicSettings;
}

/** How many clinics' records are kept in memory at once (a 30,000-resident township is a few hundred MB of records). */
export const DEFAULT_CLINICS_IN_MEMORY = 1;
/** Reports kept in memory (small: numbers only), so the overview of many clinics reads nothing while nothing changed. */
const REPORTS_KEPT = 500;

/** A Map used as a least-recently-used cache of at most `max` entries. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}

export interface CountyReportsOptions {
  /** Clinics whose records stay in memory (least recently used leaves first); default 1. */
  clinicsInMemory?: number;
}

/** What a clinic's reports are computed from, as of now: its settings documents and the change counters of its villages. */
async function inputsDigest(q: Queryable, clinic: Clinic): Promise<string> {
  const codes = clinic.villages.map((v) => v.code);
  const counters = await q.query<{ village_code: string; changes: string | number }>('SELECT village_code, changes FROM indicator_facts_changes WHERE village_code = ANY($1::text[])', [codes]);
  const settings = await q.query<{ id: string; seq: string | number }>(`SELECT id, seq FROM documents WHERE collection = 'settings' AND clinic_code = $1 ORDER BY id`, [clinic.code]);
  const changes = new Map(counters.map((c) => [c.village_code, String(c.changes)]));
  const what = [REPORT_SOURCES_SHA256, FACTS_VERSION, clinic.villages, codes.map((c) => changes.get(c) ?? '0'), settings.map((s) => [s.id, String(s.seq)])];
  return createHash('sha256').update(JSON.stringify(what)).digest('base64url');
}

export class CountyReports {
  private readonly inputs = new Map<string, { digest: string; loaded: Promise<Loaded> }>();
  private readonly reports = new Map<string, { digest: string; report: Promise<ClinicReport> }>();
  private readonly clinicsInMemory: number;
  /**
   * Since this instance began: indicator records read, stale ones remade before reading (facts.ts rebuildFacts), and
   * reports computed from the records, read from county_reports, or answered from memory.
   */
  readonly factsRead = { rows: 0, rebuilt: 0 };
  readonly served = { computed: 0, stored: 0, kept: 0 };

  constructor(
    private readonly store: PlatformStore,
    opts: CountyReportsOptions = {},
  ) {
    this.clinicsInMemory = Math.max(1, opts.clinicsInMemory ?? DEFAULT_CLINICS_IN_MEMORY);
  }

  private get sql(): Sql {
    return this.store.sql;
  }

  /** The clinics whose records are held now (least recently used first): what the memory bound is tested by. */
  heldClinics(): string[] {
    return [...this.inputs.keys()];
  }

  async sync(): Promise<ClinicSync[]> {
    const status = await this.store.status();
    return status.clinics.map((c) => {
      const active = c.devices.filter((d) => d.revokedAt === null);
      const contacts = active.flatMap((d) => (d.lastContactAt === null ? [] : [d.lastContactAt]));
      const pendings = active.flatMap((d) => (d.pending === null ? [] : [d.pending]));
      const acks = active.map((d) => d.ackedUpTo);
      return {
        code: c.code,
        name: c.name,
        documents: c.documents,
        devices: active.length,
        lastContactAt: contacts.length > 0 ? Math.max(...contacts) : null,
        pending: pendings.length > 0 ? pendings.reduce((a, b) => a + b, 0) : null,
        ackedUpTo: acks.length > 0 && acks.every((a) => a !== null) ? Math.min(...acks) : null,
      };
    });
  }

  /** The clinic's settings and records, read village by village in resident order, page by page (no document text). */
  private async load(clinic: Clinic): Promise<Loaded> {
    const bodies = await this.sql.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'settings' AND clinic_code = $1 AND deleted = false`, [clinic.code]);
    const settings = clinicSettings(bodies.map((r) => r.body));
    const groups = new FactsGroups(settings.packages);
    for (const v of clinic.villages) {
      for await (const page of villageFacts(this.sql, v.code)) {
        this.factsRead.rows += page.length;
        groups.add(page);
      }
    }
    return { input: groups.input(), settings };
  }

  private loaded(clinic: Clinic, digest: string): Promise<Loaded> {
    const hit = this.inputs.get(clinic.code);
    if (hit && hit.digest === digest) {
      remember(this.inputs, clinic.code, hit, this.clinicsInMemory);
      return hit.loaded;
    }
    // The clinic held before is let go first, so two versions of one clinic's records are never held at once.
    this.inputs.delete(clinic.code);
    const loaded = this.load(clinic);
    remember(this.inputs, clinic.code, { digest, loaded }, this.clinicsInMemory);
    loaded.catch(() => {
      if (this.inputs.get(clinic.code)?.loaded === loaded) this.inputs.delete(clinic.code);
    });
    return loaded;
  }

  async report(clinicCode: string, period: ReportPeriod): Promise<ClinicReport | null> {
    const clinic = await this.store.clinic(clinicCode);
    if (!clinic) return null;
    // Stale records are remade first: their remaking moves the counters the digest is made of.
    await ensureFactsVersion(this.sql);
    if (await hasStaleFacts(this.sql)) this.factsRead.rebuilt += await rebuildFacts(this.sql);
    const digest = await inputsDigest(this.sql, clinic);
    const key = `${clinic.code}|${periodKey(period)}`;
    const hit = this.reports.get(key);
    if (hit && hit.digest === digest) {
      this.served.kept += 1;
      return hit.report.then((r) => ({ ...r, clinic }));
    }
    const report = this.storedOrComputed(clinic, period, digest);
    remember(this.reports, key, { digest, report }, REPORTS_KEPT);
    report.catch(() => {
      if (this.reports.get(key)?.report === report) this.reports.delete(key);
    });
    return report;
  }

  private async storedOrComputed(clinic: Clinic, period: ReportPeriod, digest: string): Promise<ClinicReport> {
    const key = periodKey(period);
    const [stored] = await this.sql.query<{ inputs: string; report: string }>('SELECT inputs, report FROM county_reports WHERE clinic_code = $1 AND period_key = $2', [clinic.code, key]);
    if (stored && stored.inputs === digest) {
      this.served.stored += 1;
      return { ...(JSON.parse(stored.report) as ReportFigures), clinic };
    }
    const { input, settings } = await this.loaded(clinic, digest);
    const figures = reportFigures(input, settings, clinic.villages, period);
    this.served.computed += 1;
    await this.sql.query(
      `INSERT INTO county_reports (clinic_code, period_key, inputs, report, computed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (clinic_code, period_key) DO UPDATE SET inputs = EXCLUDED.inputs, report = EXCLUDED.report, computed_at = EXCLUDED.computed_at`,
      [clinic.code, key, digest, JSON.stringify(figures), Date.now()],
    );
    return { ...figures, clinic };
  }
}
