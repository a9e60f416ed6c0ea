/**
 * The registry enrolment and the quarterly follow-ups of a chronic patient. Each visit is face to face (clinic or
 * home) and decided by FollowupsService's own `decide` (with the previous face-to-face class), so the form and the
 * stored evaluation are exactly what completing it in the app would have saved; the doctor never overrode it.
 * Values stay below the emergency thresholds: a seeded township has no urgent referrals.
 */
import { type CalendarDate, addDays, addMonths, ageOn, compareDates } from '../../shared/domain/dates';
import { computeBmi } from '../../shared/domain/bmi';
import type { FollowupFormInput } from '../../shared/api/followups';
import { bpTargetFor, previousFaceToFaceClass, type PastVisit } from '../../shared/domain/followup-classification';
import type { EncounterDoc } from '../../shared/schemas/collections';
import type { ChronicEnrolment, Medication } from '../../shared/schemas/followup';
import { decide } from '../services/followups/followup-decision';
import type { EncounterContext } from './health-checks';
import { REFERRAL_DEPARTMENTS } from './names';
import type { Person, Registration } from './people';
import type { Rng } from './random';
import { instantOn } from './resident-docs';

export const MAX_FOLLOWUPS = 12;

const HTN_DRUGS: readonly Medication[] = [
  { drugName: '苯磺酸氨氯地平片', timesPerDay: 1, doseMg: 5 },
  { drugName: '硝苯地平缓释片', timesPerDay: 2, doseMg: 20 },
  { drugName: '厄贝沙坦片', timesPerDay: 1, doseMg: 150 },
  { drugName: '缬沙坦胶囊', timesPerDay: 1, doseMg: 80 },
  { drugName: '酒石酸美托洛尔片', timesPerDay: 2, doseMg: 25 },
  { drugName: '氢氯噻嗪片', timesPerDay: 1, doseMg: 12.5 },
];
const T2DM_DRUGS: readonly Medication[] = [
  { drugName: '盐酸二甲双胍片', timesPerDay: 3, doseMg: 500 },
  { drugName: '格列美脲片', timesPerDay: 1, doseMg: 2 },
  { drugName: '阿卡波糖片', timesPerDay: 3, doseMg: 50 },
  { drugName: '格列齐德缓释片', timesPerDay: 1, doseMg: 30 },
];

/**
 * Visit dates, oldest first: the latest 5–85 days ago, then every three months (± a week) back to the enrolment,
 * at most `max`. A patient enrolled after the latest slot has one visit, on the enrolment date.
 */
export function visitDates(rng: Rng, enrolledDate: CalendarDate, today: CalendarDate, max: number): CalendarDate[] {
  const latest = addDays(today, -rng.int(5, 85));
  const dates: CalendarDate[] = [];
  for (let k = 0; k < max; k++) {
    const d = k === 0 ? latest : addDays(addMonths(latest, -3 * k), rng.int(-7, 7));
    if (compareDates(d, enrolledDate) < 0) break;
    dates.push(d);
  }
  if (dates.length === 0) dates.push(enrolledDate);
  return dates.reverse();
}

function drugsFor(rng: Rng, disease: 'htn' | 't2dm'): Medication[] {
  const list = disease === 'htn' ? HTN_DRUGS : T2DM_DRUGS;
  const first = rng.int(0, list.length - 1);
  const count = rng.chance(0.35) ? 2 : 1;
  return Array.from({ length: count }, (_, i) => ({ ...(list[(first + i * 2) % list.length] as Medication) }));
}

function encounter(
  rng: Rng,
  type: EncounterDoc['type'],
  date: CalendarDate,
  resident: { id: string; villageCode: string },
  data: Record<string, unknown>,
  ctx: EncounterContext,
): EncounterDoc {
  const at = instantOn(rng, date, ctx.now);
  return {
    id: ctx.ids.next(),
    type,
    clinicCode: ctx.clinicCode,
    villageCode: resident.villageCode,
    residentId: resident.id,
    date,
    status: 'completed',
    amends: '',
    amendReason: '',
    data,
    createdBy: ctx.userId,
    createdAt: at,
    updatedAt: at,
    completedAt: at,
  };
}

export function enrolmentDoc(rng: Rng, reg: Registration, resident: { id: string; villageCode: string }, ctx: EncounterContext): EncounterDoc {
  const form: ChronicEnrolment = {
    disease: reg.disease,
    diagnosisDate: reg.diagnosisDate,
    diagnosingOrg: rng.chance(0.6) ? REFERRAL_DEPARTMENTS[reg.disease].split(' ')[0] ?? '' : ctx.clinicName,
    enrolledDate: reg.enrolledDate,
    status: 'active',
  };
  return encounter(rng, reg.disease === 'htn' ? 'htnEnrolment' : 't2dmEnrolment', reg.enrolledDate, resident, { form }, ctx);
}

interface ReferralCheckForm {
  sourceId: string;
  disease: Registration['disease'];
  dueDate: CalendarDate;
  reason: 'urgent' | 'planned';
  checkedDate?: CalendarDate;
  result?: 1 | 2;
  outcome?: string;
}

/**
 * The 2-week referral check a referral opens (followups.md §6), as FollowupsService opens it; done (到位) when
 * its due date has passed, still open otherwise.
 */
function referralCheckDoc(rng: Rng, source: EncounterDoc, disease: Registration['disease'], dueDate: CalendarDate, ctx: EncounterContext): EncounterDoc {
  const done = compareDates(dueDate, ctx.today) <= 0;
  const form: ReferralCheckForm = {
    sourceId: source.id,
    disease,
    dueDate,
    reason: 'planned',
    ...(done ? { checkedDate: dueDate, result: 1 as const, outcome: '已到上级医院就诊，调整用药' } : {}),
  };
  const doc = encounter(rng, 'referralCheck', dueDate, { id: source.residentId, villageCode: source.villageCode }, { form }, ctx);
  // Opened when the visit was completed; closed on the day it was checked.
  return done ? { ...doc, createdAt: source.createdAt } : { ...doc, status: 'draft', createdAt: source.createdAt, updatedAt: source.createdAt, completedAt: 0 };
}

/**
 * The follow-up forms of one registration, oldest first, each decided by the follow-up service's own rules
 * (`decide`: the proposal, no override, the evaluation stored as `computed`), plus the referral checks referrals open.
 */
export function followupDocs(
  rng: Rng,
  p: Person,
  reg: Registration,
  resident: { id: string; villageCode: string },
  ctx: EncounterContext,
  max: number,
): EncounterDoc[] {
  const controlRate = rng.float(0.45, 0.95, 2);
  const meds = drugsFor(rng, reg.disease);
  const past: PastVisit[] = [];
  const docs: EncounterDoc[] = [];
  const dates = visitDates(rng, reg.enrolledDate, ctx.today, max);
  dates.forEach((visitDate, k) => {
    const age = ageOn(p.birthDate, visitDate);
    // The latest visit is more often a good one: a village doctor rechecks the poorly controlled within two weeks.
    const controlled = rng.chance(k === dates.length - 1 ? Math.max(controlRate, 0.9) : controlRate);
    const target = bpTargetFor(age);
    // HTN: BP decides. T2DM: glucose decides; BP is recorded and mostly fine.
    const bpOk = reg.disease === 'htn' ? controlled : rng.chance(0.8);
    const sbp = bpOk ? rng.int(112, target.sbp - 1) : rng.int(target.sbp, 172);
    const dbp = Math.min(sbp - 30, bpOk ? rng.int(66, target.dbp - 1) : rng.int(80, 104));
    const fastingGlucose = controlled ? rng.float(4.6, 6.9) : rng.float(7.0, 13.8);
    const adverse = rng.chance(0.02);
    const complication = rng.chance(0.008);
    const visitMode: 1 | 2 = rng.chance(0.7) ? 1 : 2;
    const weight = Math.round((p.bmi + rng.float(-0.6, 0.6)) * (p.heightCm / 100) ** 2 * 10) / 10;
    const bmi = computeBmi(weight, p.heightCm);
    const adherence = rng.weighted([[1, 82], [2, 15], [3, 3]] as const);
    const common = {
      visitDate,
      visitMode,
      sbp,
      dbp,
      weight,
      ...(bmi !== null ? { bmi } : {}),
      heartRate: rng.int(62, 94),
      ...(p.habits.smoking === '3' ? { cigarettesPerDay: p.habits.cigarettesPerDay, targetCigarettes: Math.max(0, p.habits.cigarettesPerDay - 5) } : {}),
      ...(p.habits.drinking !== '1' ? { alcoholLiang: p.habits.alcoholLiang, targetAlcoholLiang: Math.min(p.habits.alcoholLiang, 1) } : {}),
      exerciseTimesPerWeek: p.habits.exercise === '4' ? 0 : rng.int(2, 7),
      exerciseMinutes: p.habits.exercise === '4' ? 0 : rng.pick([20, 30, 40]),
      targetExerciseTimesPerWeek: 5,
      targetExerciseMinutes: 30,
      psychAdjustment: 1 as const,
      compliance: rng.chance(0.85) ? (1 as const) : (2 as const),
      adherence,
      adverseReaction: adverse ? (2 as const) : (1 as const),
      ...(adverse ? { adverseReactionText: reg.disease === 'htn' ? '踝部水肿' : '胃肠不适' } : {}),
      hasNewOrWorseComplication: complication,
      ...(adherence !== 3 ? { medications: meds } : {}),
      doctorSignature: ctx.doctorName,
      symptoms: rng.chance(0.8) ? [1 as const] : [rng.pick([2, 3, 4, 5, 6, 7, 8, 9] as const)],
    };
    const input: FollowupFormInput =
      reg.disease === 'htn'
        ? { disease: 'htn', form: { ...common, saltIntake: rng.weighted([[1, 50], [2, 40], [3, 10]] as const), targetSaltIntake: 1 } }
        : {
            disease: 't2dm',
            form: {
              ...common,
              fastingGlucose,
              dorsalisPedis: { result: 1 },
              stapleGramsPerDay: rng.pick([250, 300, 350, 400]),
              targetStapleGramsPerDay: 250,
              hypoglycemia: 1,
            },
          };
    const decision = decide(input, { birthDate: p.birthDate, bpTarget: null, previousClass: previousFaceToFaceClass(past, visitDate), today: ctx.today });
    let form = decision.form.form;
    if (decision.referralCheckDue !== null) {
      form = { ...form, referral: { reason: complication ? '并发症加重' : '两次控制不满意', orgDept: REFERRAL_DEPARTMENTS[reg.disease] } };
    }
    past.push({ visitDate, visitMode, classification: form.classification ?? null });
    const doc = encounter(rng, reg.disease === 'htn' ? 'htnFollowup' : 't2dmFollowup', visitDate, resident, { form, computed: decision.computed }, ctx);
    docs.push(doc);
    if (decision.referralCheckDue !== null) docs.push(referralCheckDoc(rng, doc, reg.disease, decision.referralCheckDue, ctx));
  });
  return docs;
}
