/**
 * A clinic's indicators as the county sees them: computed on the platform from the documents it holds for that
 * clinic (the same set a device of the clinic pulls: residents, encounters and contracts of its villages, settings
 * of its clinic), mapped and computed with the very same shared/ functions the clinic uses, so both sides agree
 * once they are in sync. See CountyReports for what is kept in memory.
 */
import { indicatorWindow, periodDates, periodKey, type ReportPeriod } from '../../shared/domain/indicators/period';
import { computeIndicators, INDICATOR_IDS, sumDenominators, type IndicatorValue } from '../../shared/domain/indicators/compute';
import { contractRecordOf } from '../../shared/domain/indicators/from-documents';
import type { ContractRecord, EncounterRecord, IndicatorInput, ResidentGroup, ResidentRecord, ScopeDenominators } from '../../shared/domain/indicators/types';
import { DEFAULT_PACKAGES } from '../../shared/domain/service-packages';
import { ServicePackage } from '../../shared/schemas/contract';
import { Denominator } from '../../shared/schemas/denominator';
import { rulesInForce, type RulesInForce, type RulesVersion } from '../../shared/domain/indicators/rules';
import { rulesVersionsOf } from '../../shared/schemas/indicator-rules';
import type { Sql } from '../db';
import type { Clinic, PlatformStore } from '../store';
import { ensureFactsVersion, hasStaleFacts, rebuildFacts, villageFacts } from './facts';
import { decodeContract, decodeEncounter, decodeResident } from './facts-record';

export interface CountyFigure {
  id: IndicatorValue['id'];
  numerator: number;
  denominator: number | null;
  rate: number | null;
  reason: IndicatorValue['reason'];
  enteredAsOf: string | null;
}

export interface ClinicReport {
  clinic: Clinic;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  windowStart: string;
  windowEnd: string;
  indicators: CountyFigure[];
  villages: Array<{ code: string; name: string; indicators: CountyFigure[] }>;
  /** The 口径 computed with: the version in force on the window's end among the clinic's settings, as the clinic picks it. */
  rules: RulesInForce;
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
  denominators: Denominator[];
  rules: RulesVersion[];
}

/** How many clinics' mapped documents are kept in memory at once (a 30,000-resident township is ~300 MB of records). */
export const DEFAULT_CLINICS_IN_MEMORY = 2;
/** Computed reports kept (small: numbers only), so the overview of many clinics is not recomputed while nothing changed. */
const REPORTS_KEPT = 500;

const figure = (v: IndicatorValue): CountyFigure => ({ id: v.id, numerator: v.numerator, denominator: v.denominator, rate: v.rate, reason: v.reason, enteredAsOf: v.enteredAsOf });

/** A Map used as a least-recently-used cache of at most `max` entries. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}

export interface CountyReportsOptions {
  /** Clinics whose mapped documents stay in memory (least recently used leaves first); default 2. */
  clinicsInMemory?: number;
}

/**
 * Each clinic's input is kept until the platform's change sequence moves (any push anywhere: a move between clinics
 * changes two clinics at once, so one clinic's own documents cannot tell that it lost one), and at most
 * `clinicsInMemory` clinics are held; the reports computed from them (numbers only) are kept under the same rule.
 */
export class CountyReports {
  private readonly inputs = new Map<string, { seq: string; villages: string; loaded: Promise<Loaded> }>();
  private readonly reports = new Map<string, { seq: string; report: Promise<ClinicReport> }>();
  private readonly clinicsInMemory: number;
  /** Since this instance began: indicator records read, and stale ones remade before reading (facts.ts rebuildFacts). */
  readonly factsRead = { rows: 0, rebuilt: 0 };

  constructor(
    private readonly store: PlatformStore,
    opts: CountyReportsOptions = {},
  ) {
    this.clinicsInMemory = Math.max(1, opts.clinicsInMemory ?? DEFAULT_CLINICS_IN_MEMORY);
  }

  private get sql(): Sql {
    return this.store.sql;
  }

  /** The clinics whose input is held now (least recently used first): what the memory bound is tested by. */
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
        ackedUpTo: acks.length > 0 && acks.every((a) => a !== null) ? Math.min(...(acks)) : null,
      };
    });
  }

  private async load(clinic: Clinic): Promise<Loaded> {
    const settings = await this.sql.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'settings' AND clinic_code = $1 AND deleted = false`, [clinic.code]);
    const packages: ServicePackage[] = [];
    const denominators: Denominator[] = [];
    const docs = settings.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    for (const doc of docs) {
      if (doc['type'] === 'package') {
        const p = ServicePackage.safeParse(doc['data']);
        if (p.success) packages.push(p.data);
      } else if (doc['type'] === 'denominator') {
        const d = Denominator.safeParse(doc['data']);
        if (d.success) denominators.push(d.data);
      }
    }
    // A clinic that never changed its packages has the defaults, as the clinic itself does (teams-service.ts).
    const effective = packages.length > 0 ? packages : DEFAULT_PACKAGES.map((p) => ServicePackage.parse(p));
    effective.sort((a, b) => Number(b.isBasic) - Number(a.isBasic) || a.packageId.localeCompare(b.packageId));
    // Only indicator records are read (facts.ts), village by village in resident order, page by page: no document
    // text is held. A resident's encounters and contracts may sit in another village of the clinic (a move in
    // progress), so they are grouped by resident over the whole clinic, as the clinic itself groups them.
    await ensureFactsVersion(this.sql);
    if (await hasStaleFacts(this.sql)) this.factsRead.rebuilt += await rebuildFacts(this.sql);
    const groups = new Map<string, { resident: ResidentRecord | null; encounters: EncounterRecord[]; contracts: ContractRecord[] }>();
    const groupOf = (id: string) => {
      let g = groups.get(id);
      if (!g) {
        g = { resident: null, encounters: [], contracts: [] };
        groups.set(id, g);
      }
      return g;
    };
    for (const v of clinic.villages) {
      for await (const page of villageFacts(this.sql, v.code)) {
        this.factsRead.rows += page.length;
        for (const row of page) {
          const g = groupOf(row.resident_id);
          if (row.collection === 'encounters') g.encounters.push(decodeEncounter(row.record));
          else if (row.collection === 'residents') g.resident = decodeResident(row.record);
          else g.contracts.push(contractRecordOf(decodeContract(row.record), effective));
        }
      }
    }
    const residents: ResidentRecord[] = [];
    const resolved: ResidentGroup[] = [];
    for (const g of groups.values()) {
      if (g.resident === null) continue;
      residents.push(g.resident);
      resolved.push({ resident: g.resident, encounters: g.encounters, contracts: g.contracts });
    }
    const input: IndicatorInput = { residents, encounters: [], contracts: [], groups: resolved };
    return { input, denominators, rules: rulesVersionsOf(docs) };
  }

  /** The platform's change sequence: any push takes its next value, so an unchanged value means unchanged documents. */
  private async changeSeq(): Promise<string> {
    return String((await this.sql.query<{ last_value: string }>('SELECT last_value FROM document_seq'))[0]?.last_value ?? '0');
  }

  private loaded(clinic: Clinic, seq: string): Promise<Loaded> {
    // The clinic's villages live outside the documents: a change of them does not move the sequence.
    const villages = JSON.stringify(clinic.villages);
    const hit = this.inputs.get(clinic.code);
    if (hit && hit.seq === seq && hit.villages === villages) {
      remember(this.inputs, clinic.code, hit, this.clinicsInMemory);
      return hit.loaded;
    }
    const loaded = this.load(clinic);
    remember(this.inputs, clinic.code, { seq, villages, loaded }, this.clinicsInMemory);
    loaded.catch(() => {
      if (this.inputs.get(clinic.code)?.loaded === loaded) this.inputs.delete(clinic.code);
    });
    return loaded;
  }

  async report(clinicCode: string, period: ReportPeriod): Promise<ClinicReport | null> {
    const clinic = await this.store.clinic(clinicCode);
    if (!clinic) return null;
    const seq = await this.changeSeq();
    const key = `${clinic.code}|${JSON.stringify(clinic.villages)}|${periodKey(period)}`;
    const hit = this.reports.get(key);
    if (hit && hit.seq === seq) return hit.report;
    const report = this.compute(clinic, period, seq);
    remember(this.reports, key, { seq, report }, REPORTS_KEPT);
    report.catch(() => {
      if (this.reports.get(key)?.report === report) this.reports.delete(key);
    });
    return report;
  }

  private async compute(clinic: Clinic, period: ReportPeriod, seq: string): Promise<ClinicReport> {
    const { input, denominators, rules: versions } = await this.loaded(clinic, seq);
    const w = indicatorWindow(period);
    const rules = rulesInForce(versions, w.end);
    const dates = periodDates(period);
    const entered = (codes: readonly string[]): ScopeDenominators => {
      const of = (kind: Denominator['kind']) => sumDenominators(denominators.filter((d) => d.kind === kind), codes, w.end);
      return { population: of('population'), htnPatients: of('htnPatients'), t2dmPatients: of('t2dmPatients') };
    };
    const codes = clinic.villages.map((v) => v.code);
    const all = computeIndicators(input, w, { kind: 'clinic' }, entered(codes), rules.rules);
    return {
      clinic,
      periodKey: periodKey(period),
      periodStart: dates.start,
      periodEnd: dates.end,
      windowStart: w.start,
      windowEnd: w.end,
      indicators: INDICATOR_IDS.map((id) => figure(all[id])),
      villages: clinic.villages.map((v) => {
        const set = computeIndicators(input, w, { kind: 'village', villageCode: v.code }, entered([v.code]), rules.rules);
        return { code: v.code, name: v.name, indicators: INDICATOR_IDS.map((id) => figure(set[id])) };
      }),
      rules,
    };
  }
}
