/**
 * 筛查 and 门诊测量 (issue 12 §1): records an outpatient BP / glucose as a completed `measurement` encounter and
 * answers a resident's screening state from every reading on file (health checks, measurements, follow-ups), with
 * the registries and 既往史 the rules need. The work list reads the same readings through the patient index.
 */
import type { ReadingView, ResidentScreening } from '../../../shared/api/screening';
import { ageOn, compareDates } from '../../../shared/domain/dates';
import { readingIssues } from '../../../shared/domain/readings';
import { screen, type ReadingSource, type ScreeningReading } from '../../../shared/domain/screening';
import type { EncounterDoc } from '../../../shared/schemas/collections';
import type { MeasurementForm } from '../../../shared/schemas/measurement';
import { DeviceReadingForm } from '../../../shared/schemas/device-reading';
import { ChronicEnrolment } from '../../../shared/schemas/followup';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { newEncounterDoc } from '../encounter-docs';
import { checkReadingFields } from '../followups/patient-index';
import { latestVersions } from '../../../shared/domain/encounter-versions';
import { loadResident } from '../followups/registries-service';
import { validationFailed } from '../residents/residents-service';

const SOURCE: Partial<Record<EncounterDoc['type'], ReadingSource>> = {
  healthCheck: 'healthCheck',
  measurement: 'measurement',
  htnFollowup: 'followup',
  t2dmFollowup: 'followup',
  deviceReading: 'device',
};

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * A stored glucometer row counts as a fasting glucose only when it is the patient's (no control solution, HI/LO or
 * flag) and the doctor marked it fasting: a meter does not know, and a meal-time value is not a screening value.
 */
function meterReading(e: EncounterDoc, form: Record<string, unknown>): ReadingView | null {
  const row = DeviceReadingForm.safeParse(form);
  if (!row.success || !row.data.isPatientGlucose || !row.data.isFasting || row.data.mmol === null) return null;
  return { encounterId: e.amends || e.id, date: e.date, source: 'device', sbp: null, dbp: null, fastingGlucose: row.data.mmol };
}

/** The reading an encounter carries, or null when it has no BP and no glucose. */
export function readingOfEncounter(e: EncounterDoc): ReadingView | null {
  const source = SOURCE[e.type];
  if (!source || e.status !== 'completed') return null;
  const form = (e.data['form'] ?? {}) as Record<string, unknown>;
  if (e.type === 'deviceReading') return meterReading(e, form);
  const values = e.type === 'healthCheck' ? checkReadingFields(form, (e.data['computed'] ?? {}) as Record<string, unknown>) : form;
  const r = { encounterId: e.amends || e.id, date: e.date, source, sbp: num(values['sbp']), dbp: num(values['dbp']), fastingGlucose: num(values['fastingGlucose']) };
  return r.sbp === null && r.fastingGlucose === null ? null : r;
}

export class ScreeningService {
  constructor(private readonly ctx: ClinicContext) {}

  async forResident(residentId: string): Promise<ResidentScreening> {
    const resident = await loadResident(this.ctx, residentId);
    const today = clinicToday(this.ctx);
    const docs = (await this.ctx.db.rx.encounters.find({ selector: { residentId } }).exec()).map((d) => d.toJSON() as EncounterDoc);
    const versions = latestVersions(docs);
    const readings = versions.map((v) => readingOfEncounter(v.shown)).filter((r): r is ReadingView => r !== null);
    readings.sort((a, b) => compareDates(b.date, a.date));
    const active = (type: EncounterDoc['type']) =>
      versions.some((v) => v.root.type === type && v.shown.status === 'completed' && ChronicEnrolment.safeParse(v.shown.data['form']).data?.status === 'active');
    const past = Array.isArray(resident.data['pastDiseases']) ? (resident.data['pastDiseases'] as { code?: unknown }[]).map((p) => p.code) : [];
    const latestCheck = versions
      .filter((v) => v.root.type === 'healthCheck' && v.shown.status === 'completed')
      .sort((a, b) => compareDates(b.shown.date, a.shown.date))[0];
    const checkValues = latestCheck
      ? checkReadingFields((latestCheck.shown.data['form'] ?? {}) as Record<string, unknown>, (latestCheck.shown.data['computed'] ?? {}) as Record<string, unknown>)
      : {};
    const s = screen({
      birthDate: resident.birthDate,
      today,
      readings: readings.map((r): ScreeningReading => ({ date: r.date, sbp: r.sbp, dbp: r.dbp, fastingGlucose: r.fastingGlucose, source: r.source })),
      // records.md §2: 既往史 2 高血压 / 3 糖尿病.
      history: { htn: past.includes('2'), t2dm: past.includes('3') },
      enrolled: { htn: active('htnEnrolment'), t2dm: active('t2dmEnrolment') },
      risk: { bmi: checkValues['bmi'] ?? null, waistCm: checkValues['waist'] ?? null, sex: resident.sex },
    });
    return { residentId, today, age: ageOn(resident.birthDate, today), htn: s.htn, t2dm: s.t2dm, readings };
  }

  /** Saves a measurement (completed at once: it is one reading, corrected by another) and returns the new state. */
  async record(input: MeasurementForm): Promise<ResidentScreening> {
    const resident = await loadResident(this.ctx, input.residentId);
    const issues = readingIssues(input, clinicToday(this.ctx));
    if (compareDates(input.date, resident.birthDate) < 0) issues.push({ path: 'date', message: 'validation.beforeBirth' });
    if (issues.length > 0) throw validationFailed(issues);
    const doc = newEncounterDoc(this.ctx, { type: 'measurement', resident, date: input.date, status: 'completed', data: { form: input } });
    this.ctx.uow.run((tx) => {
      tx.insert('encounters', doc);
      tx.audit({ action: 'insert', collection: 'encounters', recordId: doc.id, residentId: resident.id });
    });
    return this.forResident(resident.id);
  }
}
