/**
 * A clinic's indicators as the county sees them: computed on the platform from the documents it holds for that
 * clinic (the same set a device of the clinic pulls: residents, encounters and contracts of its villages, settings
 * of its clinic), mapped and computed with the very same shared/ functions the clinic uses, so both sides agree
 * once they are in sync. The mapped input is kept per clinic until the next change anywhere on the platform.
 */
import { indicatorWindow, periodDates, periodKey, type ReportPeriod } from '../../shared/domain/indicators/period';
import { computeIndicators, INDICATOR_IDS, sumDenominators, type IndicatorValue } from '../../shared/domain/indicators/compute';
import { indicatorInputFromDocuments } from '../../shared/domain/indicators/from-documents';
import type { IndicatorInput, ScopeDenominators } from '../../shared/domain/indicators/types';
import { DEFAULT_PACKAGES } from '../../shared/domain/service-packages';
import { ServicePackage } from '../../shared/schemas/contract';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../shared/schemas/collections';
import { Denominator } from '../../shared/schemas/denominator';
import type { Sql } from '../db';
import type { Clinic, PlatformStore } from '../store';

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
}

const figure = (v: IndicatorValue): CountyFigure => ({ id: v.id, numerator: v.numerator, denominator: v.denominator, rate: v.rate, reason: v.reason, enteredAsOf: v.enteredAsOf });

export class CountyReports {
  private readonly cache = new Map<string, { seq: string; loaded: Promise<Loaded> }>();

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
        ackedUpTo: acks.length > 0 && acks.every((a) => a !== null) ? Math.min(...(acks)) : null,
      };
    });
  }

  private async load(clinic: Clinic): Promise<Loaded> {
    const villages = clinic.villages.map((v) => v.code);
    const rows = await this.sql.query<{ collection: string; body: string }>(
      `SELECT collection, body FROM documents WHERE deleted = false AND (
         (collection IN ('residents', 'encounters', 'contracts') AND village_code = ANY($1::text[]))
         OR (collection = 'settings' AND clinic_code = $2))`,
      [villages, clinic.code],
    );
    const residents: ResidentDoc[] = [];
    const encounters: EncounterDoc[] = [];
    const contracts: ContractDoc[] = [];
    const packages: ServicePackage[] = [];
    const denominators: Denominator[] = [];
    for (const r of rows) {
      const doc = JSON.parse(r.body) as Record<string, unknown>;
      if (r.collection === 'residents') residents.push(doc as unknown as ResidentDoc);
      else if (r.collection === 'encounters') encounters.push(doc as unknown as EncounterDoc);
      else if (r.collection === 'contracts') contracts.push(doc as unknown as ContractDoc);
      else if (doc['type'] === 'package') {
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
    return { input: indicatorInputFromDocuments({ residents, encounters, contracts }, effective), denominators };
  }

  private async loaded(clinic: Clinic): Promise<Loaded> {
    // Any push takes the next value of the one change sequence: an unchanged value means unchanged documents.
    const seq = String((await this.sql.query<{ last_value: string }>('SELECT last_value FROM document_seq'))[0]?.last_value ?? '0');
    const hit = this.cache.get(clinic.code);
    if (hit && hit.seq === seq) return hit.loaded;
    const loaded = this.load(clinic);
    this.cache.set(clinic.code, { seq, loaded });
    loaded.catch(() => this.cache.delete(clinic.code));
    return loaded;
  }

  async report(clinicCode: string, period: ReportPeriod): Promise<ClinicReport | null> {
    const clinic = await this.store.clinic(clinicCode);
    if (!clinic) return null;
    const { input, denominators } = await this.loaded(clinic);
    const w = indicatorWindow(period);
    const dates = periodDates(period);
    const entered = (codes: readonly string[]): ScopeDenominators => {
      const of = (kind: Denominator['kind']) => sumDenominators(denominators.filter((d) => d.kind === kind), codes, w.end);
      return { population: of('population'), htnPatients: of('htnPatients'), t2dmPatients: of('t2dmPatients') };
    };
    const codes = clinic.villages.map((v) => v.code);
    const all = computeIndicators(input, w, { kind: 'clinic' }, entered(codes));
    return {
      clinic,
      periodKey: periodKey(period),
      periodStart: dates.start,
      periodEnd: dates.end,
      windowStart: w.start,
      windowEnd: w.end,
      indicators: INDICATOR_IDS.map((id) => figure(all[id])),
      villages: clinic.villages.map((v) => {
        const set = computeIndicators(input, w, { kind: 'village', villageCode: v.code }, entered([v.code]));
        return { code: v.code, name: v.name, indicators: INDICATOR_IDS.map((id) => figure(set[id])) };
      }),
    };
  }
}
