/**
 * One patient's work items on a date, from the patient index's few fields: the pure rules of
 * shared/domain/worklist-rules.ts for follow-ups, checks and referral checks, plus the contracting items
 * (contracting.md §6: contracts expiring within 30 days, key-population residents without a contract).
 */
import type { WorkKind, WorkRow } from '../../../shared/api/followups';
import { isInForce, RENEWAL_WINDOW_DAYS, type ContractFacts } from '../../../shared/domain/contract-rules';
import { addDays, compareDates, yearOf, type CalendarDate } from '../../../shared/domain/dates';
import type { FollowupClass, NextStep, VisitMode } from '../../../shared/domain/followup-classification';
import type { ChronicDisease } from '../../../shared/domain/followup-emergency';
import { populationTags, type Registry } from '../../../shared/domain/population-tags';
import type { ReadingSource, RiskFactors, ScreeningReading } from '../../../shared/domain/screening';
import {
  coveredQuarters,
  isFaceToFace,
  patientScreening,
  patientWorkItems,
  requiredFaceToFace,
  type FollowupSummary,
  type PatientSummary,
  type ReferralSummary,
  type RegistryStatus,
  type RegistrySummary,
} from '../../../shared/domain/worklist-rules';
import { latestVersions } from '../../../shared/domain/encounter-versions';
import { contractChangesOn, earlierChange, workChangesOn } from '../../../shared/domain/worklist-changes';
import type { ContractLite, EncounterLite, PatientEntry } from './patient-index';

/** A row before the display fields (village name, age) are added by the service. */
export type PatientWork = Omit<WorkRow, 'villageName' | 'age'>;

/** Encounters whose BP / glucose feed screening (issue 12 §1); a device reading will be one more source. */
const READING_SOURCE: Partial<Record<EncounterLite['type'], ReadingSource>> = {
  healthCheck: 'healthCheck',
  measurement: 'measurement',
  htnFollowup: 'followup',
  t2dmFollowup: 'followup',
};

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function readingOf(e: EncounterLite, source: ReadingSource): ScreeningReading {
  return { date: e.date, sbp: num(e.f['sbp']), dbp: num(e.f['dbp']), fastingGlucose: num(e.f['fastingGlucose']), source };
}

const FOLLOWUP_DISEASE: Partial<Record<EncounterLite['type'], ChronicDisease>> = { htnFollowup: 'htn', t2dmFollowup: 't2dm' };
const ENROLMENT_DISEASE: Partial<Record<EncounterLite['type'], ChronicDisease>> = { htnEnrolment: 'htn', t2dmEnrolment: 't2dm' };

export function contractFacts(c: ContractLite, residentId: string): ContractFacts {
  return { id: c.id, residentId, startDate: c.startDate, endDate: c.endDate, signDate: c.signDate, terminatedDate: c.terminatedDate };
}

/** The rules' view of one patient, from the latest version of every encounter. */
export function patientSummary(entry: PatientEntry): PatientSummary & { registries: RegistrySummary[]; followups: FollowupSummary[] } {
  const versions = latestVersions(entry.encounters.values());
  const registries: RegistrySummary[] = [];
  const followups: FollowupSummary[] = [];
  const referrals: ReferralSummary[] = [];
  const readings: ScreeningReading[] = [];
  const risk: RiskFactors = {};
  let lastHealthCheckDate: CalendarDate | null = null;
  for (const { root, shown } of versions) {
    const source = READING_SOURCE[root.type];
    if (source && shown.status === 'completed') readings.push(readingOf(shown, source));
    const enrolled = ENROLMENT_DISEASE[root.type];
    const followed = FOLLOWUP_DISEASE[root.type];
    if (enrolled && shown.status === 'completed') {
      registries.push({
        disease: enrolled,
        status: (shown.f['status'] as RegistryStatus | undefined) ?? 'active',
        enrolledDate: (shown.f['enrolledDate'] as string | undefined) ?? root.date,
      });
    } else if (followed && typeof shown.f['visitMode'] === 'number') {
      followups.push({
        disease: followed,
        visitDate: shown.date,
        visitMode: shown.f['visitMode'] as VisitMode,
        classification: (shown.f['classification'] as FollowupClass | undefined) ?? null,
        nextStep: (shown.f['nextStep'] as NextStep | undefined) ?? null,
        nextVisitDate: (shown.f['nextVisitDate'] as string | undefined) ?? null,
        isCompleted: shown.status === 'completed',
      });
    } else if (root.type === 'referralCheck') {
      referrals.push({
        sourceId: typeof shown.f['sourceId'] === 'string' ? shown.f['sourceId'] : '',
        disease: (shown.f['disease'] as ChronicDisease | undefined) ?? 'htn',
        checkDue: (shown.f['dueDate'] as string | undefined) ?? shown.date,
        checkedDate: shown.status === 'completed' ? ((shown.f['checkedDate'] as string | undefined) ?? shown.date) : null,
      });
    } else if (root.type === 'healthCheck' && shown.status === 'completed') {
      if (!lastHealthCheckDate || compareDates(shown.date, lastHealthCheckDate) > 0) {
        lastHealthCheckDate = shown.date;
        risk.bmi = num(shown.f['bmi']);
        risk.waistCm = num(shown.f['waist']);
      }
    }
  }
  // A referral check whose visit was amended to no referral is no longer owed.
  const stillReferred = new Set(
    versions.filter((v) => FOLLOWUP_DISEASE[v.root.type] && typeof v.shown.f['referralCheckDue'] === 'string').map((v) => v.root.id),
  );
  const r = entry.resident;
  return {
    residentId: entry.residentId,
    birthDate: r?.birthDate ?? '1900-01-01',
    residentStatus: r?.status ?? 'active',
    registries,
    followups,
    referrals: referrals.filter((x) => x.checkedDate || stillReferred.has(x.sourceId)),
    lastHealthCheckDate,
    screening: {
      readings,
      // records.md §2: 既往史 2 高血压 / 3 糖尿病 prompts enrolment.
      history: { htn: r?.pastDiseaseCodes.includes('2') ?? false, t2dm: r?.pastDiseaseCodes.includes('3') ?? false },
      risk: { ...risk, sex: r ? Number(r.sex) : null },
    },
  };
}

const RECHECK_REASONS = new Set(['worklist.reason.recheckFollowup', 'worklist.reason.referralFollowup', 'worklist.reason.urgentReferralFollowup']);

/** Kind shown on the work list: a follow-up after an unsatisfactory visit is the 2-week re-check (随访 2周复查). */
function kindOf(kind: string, reason: string): WorkKind {
  if (kind === 'followup' && RECHECK_REASONS.has(reason)) return 'recheck';
  return kind as WorkKind;
}

export interface PatientWorkResult {
  rows: PatientWork[];
  /** Names and ids a doctor filter matches: the responsible doctor and the doctors of contracts in force. */
  doctors: string[];
  /**
   * The first later day on which rows or doctors may differ with no document written (null: never); until then they
   * are the same, apart from the due date of rows that float with the day (worklist-changes.ts).
   */
  changesOn: CalendarDate | null;
}

export function patientWork(entry: PatientEntry, today: CalendarDate, upcomingDays: number): PatientWorkResult {
  const r = entry.resident;
  if (!r) return { rows: [], doctors: [], changesOn: null };
  const summary = patientSummary(entry);
  const contracts = [...entry.contracts.values()];
  const inForce = contracts.filter((c) => isInForce(contractFacts(c, entry.residentId), today));
  const doctors = [r.responsibleDoctor, ...inForce.flatMap((c) => [c.doctorId, c.doctorName])].filter((d) => d !== '');
  const doctor = r.responsibleDoctor || inForce[0]?.doctorName || '';
  const year = yearOf(today);
  const yearPrefix = `${today.slice(0, 4)}-`;
  const activeRegs = summary.registries.filter((g) => g.status === 'active' && compareDates(g.enrolledDate, today) <= 0);
  // The year's 规范管理 counts quarters with a face-to-face visit, not visits (issue 12 §3).
  const yearly = activeRegs.map((g) => ({
    disease: g.disease,
    done: coveredQuarters(
      g.enrolledDate,
      summary.followups.filter((f) => f.disease === g.disease && f.isCompleted && isFaceToFace(f.visitMode) && f.visitDate.startsWith(yearPrefix)).map((f) => f.visitDate),
      year,
      today,
    ),
    required: requiredFaceToFace(g.enrolledDate, year),
  }));
  const base = { residentId: r.id, name: r.name, sex: r.sex, phone: r.phone, villageCode: r.villageCode, doctor, yearly };
  // The screening is the costliest rule: computed once, for the rows and for their change date.
  const screened = patientScreening(summary, today);
  const rows: PatientWork[] = patientWorkItems(summary, today, { upcomingDays, screened }).map((i) => {
    const row: PatientWork = { ...base, kind: kindOf(i.kind, i.reason), dueDate: i.dueDate, status: i.status, reason: i.reason };
    if (i.disease) row.disease = i.disease;
    if (i.params) row.params = i.params;
    return row;
  });
  const facts = contracts.map((c) => contractFacts(c, entry.residentId));
  const changesOn = earlierChange(workChangesOn(summary, today, upcomingDays, screened), contractChangesOn(facts, r.birthDate, today));
  if (r.status !== 'active') return { rows, doctors, changesOn };

  const renewed = new Set(contracts.map((c) => c.previousContractId).filter((id) => id !== ''));
  for (const c of inForce) {
    if (c.terminatedDate || renewed.has(c.id)) continue;
    if (compareDates(c.endDate, addDays(today, RENEWAL_WINDOW_DAYS)) <= 0) {
      rows.push({ ...base, kind: 'contractExpiring', dueDate: c.endDate, status: 'due', reason: 'worklist.reason.contractExpiring', params: { contractId: c.id } });
    }
  }
  // A contract that ran out unrenewed turns overdue at its end date and stays so for the renewal window (issue 12 §3).
  const lapsed = inForce.length === 0
    ? contracts.filter(
        (c) => c.signDate && !c.terminatedDate && !renewed.has(c.id) && compareDates(c.endDate, today) < 0 && compareDates(today, addDays(c.endDate, RENEWAL_WINDOW_DAYS)) <= 0,
      )
    : [];
  for (const c of lapsed) {
    rows.push({ ...base, kind: 'contractExpiring', dueDate: c.endDate, status: 'overdue', reason: 'worklist.reason.contractExpiring', params: { contractId: c.id } });
  }
  const registriesActive: Registry[] = activeRegs.map((g) => g.disease);
  const tags = populationTags(
    {
      birthDate: r.birthDate,
      sex: r.sex,
      pastDiseaseCodes: r.pastDiseaseCodes,
      disabilityCodes: r.disabilityCodes,
      activeRegistries: registriesActive,
      flags: r.flags,
    },
    today,
  );
  const signedAhead = contracts.some((c) => c.signDate && !c.terminatedDate && compareDates(c.startDate, today) > 0);
  // During the renewal window a lapsed contract's own overdue line says it; 未签约 follows once the window closes.
  if (tags.length > 0 && inForce.length === 0 && !signedAhead && lapsed.length === 0) {
    // Overdue when a previous contract lapsed without renewal; a resident never signed is simply due.
    const lastEnd = contracts.filter((c) => c.signDate && compareDates(c.endDate, today) < 0).map((c) => c.endDate).sort(compareDates).pop();
    const status = lastEnd ? 'overdue' : 'due';
    rows.push({ ...base, kind: 'noContract', dueDate: lastEnd ?? today, status, reason: 'worklist.reason.noContract', params: { tags: tags.join(',') } });
  }
  return { rows, doctors, changesOn };
}
