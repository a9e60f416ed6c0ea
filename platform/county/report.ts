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
 * recomputes that clinic alone. Computing reads the clinic village by village and sums each village's residents as it
 * goes (report-compute.ts ReportSum), so at most one village's records are held (a 30,000-resident township's are a
 * few hundred MB), with the few residents whose records sit in several villages (a move in progress) held to the end.
 */
import { createHash } from 'node:crypto';
import { periodKey, type ReportPeriod } from '../../shared/domain/indicators/period';
import type { Queryable, Sql } from '../db';
import type { Clinic, PlatformStore } from '../store';
import { ensureFactsVersion, FACTS_VERSION, hasStaleFacts, rebuildFacts, clinicRecords } from './facts';
import { clinicSettings, FactsGroups, ReportSum, type ReportFigures } from './report-compute';

export type { CountyFigure } from './report-compute';

/**
 * The SHA-256 of the report's sources: report-compute.ts and what it imports for its values within shared/domain,
 * shared/schemas and platform/county (the shared indicator functions, the records' decoding).
 * test/unit/platform/report-version.test.ts recomputes it and fails while it does not match the files, so stored
 * reports made by other code are computed again after an upgrade.
 */
export const REPORT_SOURCES_SHA256 = '228e13828390cfb172935e14dac8735c873254a8d9647a4798d8f17e5e0f3c4e';

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

/** Reports kept in memory (small: numbers only), so the overview of many clinics reads nothing while nothing changed. */
const REPORTS_KEPT = 500;

/** A Map used as a least-recently-used cache of at most `max` entries. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
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
  private readonly reports = new Map<string, { digest: string; report: Promise<ClinicReport> }>();
  /**
   * Since this instance began: indicator records read, stale ones remade before reading (facts.ts rebuildFacts), and
   * reports computed from the records, read from county_reports, or answered from memory.
   */
  readonly factsRead = { rows: 0, rebuilt: 0 };
  readonly served = { computed: 0, stored: 0, kept: 0 };
  /** The most indicator records one computation held at once (its village's and the spread residents'): the memory bound. */
  peakHeld = 0;

  constructor(private readonly store: PlatformStore) {}

  private get sql(): Sql {
    return this.store.sql;
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

  /**
   * The clinic's figures for `period` from its settings and records, read in one query as a text per village and
   * collection (facts.ts clinicRecords; no document text): each village's residents are made into records, summed and
   * let go before the next village's are made; the residents whose records sit in several villages (a move in
   * progress) are grouped over the whole clinic and summed at the end.
   */
  private async compute(clinic: Clinic, period: ReportPeriod): Promise<ReportFigures> {
    const bodies = await this.sql.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'settings' AND clinic_code = $1 AND deleted = false`, [clinic.code]);
    const settings = clinicSettings(bodies.map((r) => r.body));
    const parts = await clinicRecords(this.sql, clinic.villages.map((v) => v.code));
    const spread = new FactsGroups(settings.packages);
    const sum = new ReportSum(settings, clinic.villages, period);
    for (const v of clinic.villages) {
      const village = new FactsGroups(settings.packages);
      for (const part of parts) {
        if (part.villageCode !== v.code) continue;
        this.factsRead.rows += part.count;
        (part.spread ? spread : village).add(part);
        this.peakHeld = Math.max(this.peakHeld, village.rows + spread.rows);
      }
      sum.add(village.input());
    }
    sum.add(spread.input());
    return sum.figures();
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
    const figures = await this.compute(clinic, period);
    this.served.computed += 1;
    await this.sql.query(
      `INSERT INTO county_reports (clinic_code, period_key, inputs, report, computed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (clinic_code, period_key) DO UPDATE SET inputs = EXCLUDED.inputs, report = EXCLUDED.report, computed_at = EXCLUDED.computed_at`,
      [clinic.code, key, digest, JSON.stringify(figures), Date.now()],
    );
    return { ...figures, clinic };
  }
}
