/**
 * Past 健康体检表 for the seeded township: completed, one a year, with values inside the soft ranges of
 * health-check-rules (so none needs the doctor's confirmation) and consistent with the person: chronic patients
 * have higher BP or glucose, smokers have their habits recorded, residents 65+ on the check date have the
 * self-care assessment. `data.computed` is what `computeHealthCheck` derives, as the service stores it.
 */
import { type CalendarDate, addDays, ageOn } from '../../shared/domain/dates';
import { computeHealthCheck } from '../../shared/domain/health-check-rules';
import { SELF_CARE_ITEMS, SELF_CARE_LEVEL_SCORES } from '../../shared/domain/self-care';
import type { EncounterDoc } from '../../shared/schemas/collections';
import type { HealthCheckDraft, Lifestyle, SelfCareAssessment } from '../../shared/schemas/health-check';
import type { Person } from './people';
import type { IdSequence, Rng } from './random';
import { instantOn } from './resident-docs';

export interface EncounterContext {
  clinicCode: string;
  clinicName: string;
  today: CalendarDate;
  now: number;
  userId: string;
  doctorName: string;
  ids: IdSequence;
}

/** Check dates: the most recent 10–300 days ago, then one a year before it. */
export function checkDates(rng: Rng, count: number, today: CalendarDate): CalendarDate[] {
  const dates: CalendarDate[] = [];
  for (let k = 0; k < count; k++) dates.push(addDays(today, -(k * 365 + rng.int(10, 300))));
  return dates;
}

function selfCare(rng: Rng, age: number): SelfCareAssessment {
  // Most of the 65+ manage alone; dependency grows with age.
  const dependency = age >= 85 ? 0.35 : age >= 75 ? 0.15 : 0.05;
  const scores = Object.fromEntries(
    SELF_CARE_ITEMS.map((item) => {
      const levels = SELF_CARE_LEVEL_SCORES[item];
      const level = rng.chance(dependency) ? rng.weighted([[1, 70], [2, 25], [3, 5]] as const) : 0;
      return [item, levels[level] ?? 0];
    }),
  );
  return scores as SelfCareAssessment;
}

function lifestyle(p: Person, age: number, rng: Rng): Lifestyle {
  const h = p.habits;
  const out: Lifestyle = {
    exerciseFrequency: h.exercise,
    dietHabits: [rng.weighted([['1', 60], ['3', 20], ['2', 8], ['4', 12]] as const)],
    smokingStatus: h.smoking,
    drinkingFrequency: h.drinking,
    occupationalExposure: { has: '1' },
  };
  if (h.exercise !== '4') {
    out.exerciseMinutes = rng.pick([20, 30, 40, 60]);
    out.exerciseYears = Math.min(age, rng.int(1, 20));
    out.exerciseType = rng.pick(['散步', '广场舞', '太极拳', '农活', '快走']);
  }
  if (h.smoking !== '1') {
    out.smokingStartAge = Math.min(age, h.smokingStartAge);
    if (h.smoking === '3') out.cigarettesPerDay = h.cigarettesPerDay;
    else out.smokingQuitAge = Math.min(age, Math.max(out.smokingStartAge, h.smokingQuitAge));
  }
  if (h.drinking !== '1') {
    out.alcoholPerDayLiang = h.alcoholLiang;
    out.drinkingStartAge = Math.min(age, h.drinkingStartAge);
    out.quitDrinking = '1';
    out.drunkLastYear = rng.chance(0.1) ? '1' : '2';
    out.alcoholTypes = [rng.weighted([['1', 60], ['2', 30], ['4', 10]] as const)];
  }
  return out;
}

/** One completed health check of `p` on `checkDate`. */
export function healthCheckForm(rng: Rng, p: Person, residentId: string, checkDate: CalendarDate, doctorName: string): HealthCheckDraft {
  const age = ageOn(p.birthDate, checkDate);
  const htn = p.registrations.some((r) => r.disease === 'htn');
  const t2dm = p.registrations.some((r) => r.disease === 't2dm');
  const sbp = htn ? rng.int(124, 168) : rng.int(100, age >= 60 ? 142 : 136);
  const dbp = Math.min(sbp - 25, htn ? rng.int(72, 98) : rng.int(60, 88));
  const weight = Math.round(((p.bmi + rng.float(-0.8, 0.8)) * (p.heightCm / 100) ** 2) * 10) / 10;
  const bmiNow = weight / (p.heightCm / 100) ** 2;
  const waist = Math.round(Math.min(140, Math.max(55, (p.sex === 1 ? 3.1 : 3.0) * bmiNow + (p.sex === 1 ? 10 : 8) + rng.int(-4, 4))));
  const glucose = t2dm ? rng.float(6.2, 11.5) : rng.float(4.3, 6.0);
  const abnormal: string[] = [];
  if (sbp >= 140 || dbp >= 90) abnormal.push(`血压偏高 ${sbp}/${dbp} mmHg`);
  if (glucose >= 6.1) abnormal.push(`空腹血糖偏高 ${glucose} mmol/L`);
  if (bmiNow >= 28) abnormal.push('肥胖');
  const elder = age >= 65;
  const form: HealthCheckDraft = {
    residentId: residentId as HealthCheckDraft['residentId'],
    checkDate,
    responsibleDoctor: doctorName,
    symptoms: rng.chance(0.7) ? ['1'] : [rng.pick(['3', '13', '14', '16', '19', '23'] as const)],
    generalCondition: {
      temperature: rng.float(36.0, 37.1),
      pulseRate: rng.int(60, 92),
      respiratoryRate: rng.int(16, 20),
      bpLeft: { sbp, dbp },
      bpRight: { sbp: Math.max(dbp + 20, sbp - rng.int(0, 6)), dbp },
      height: p.heightCm,
      weight,
      waist,
      ...(elder
        ? {
            elderSelfHealth: rng.weighted([['1', 30], ['2', 45], ['3', 15], ['4', 10]] as const),
            elderCognition: '1' as const,
            elderMood: '1' as const,
          }
        : {}),
    },
    ...(elder ? { selfCare: selfCare(rng, age) } : {}),
    lifestyle: lifestyle(p, age, rng),
    organFunction: {
      lips: '1',
      dentition: [{ code: elder ? rng.pick(['1', '2', '4'] as const) : '1' }],
      pharynx: '1',
      visionLeft: rng.pick([0.4, 0.5, 0.6, 0.8, 1.0, 1.2]),
      visionRight: rng.pick([0.4, 0.5, 0.6, 0.8, 1.0, 1.2]),
      hearing: elder && rng.chance(0.12) ? '2' : '1',
      motorFunction: '1',
    },
    physicalExam: {
      skin: { code: '1' },
      sclera: { code: '1' },
      lymphNodes: { code: '1' },
      barrelChest: '1',
      breathSounds: { code: '1' },
      rales: { code: '1' },
      heartRate: rng.int(60, 92),
      heartRhythm: '1',
      heartMurmur: { code: '1' },
      abdTenderness: { code: '1' },
      abdMass: { code: '1' },
      hepatomegaly: { code: '1' },
      splenomegaly: { code: '1' },
      shiftingDullness: { code: '1' },
      legEdema: '1',
      ...(t2dm ? { dorsalisPedisPulse: '2' as const } : {}),
    },
    auxExams: {
      hemoglobin: p.sex === 1 ? rng.int(125, 160) : rng.int(112, 145),
      wbc: rng.float(4.0, 9.5),
      platelets: rng.int(130, 320),
      urineProtein: '-',
      urineGlucose: t2dm && glucose >= 10 ? '1+' : '-',
      urineKetone: '-',
      urineOccultBlood: '-',
      fastingGlucose: glucose,
      ecg: { code: '1' },
      alt: rng.int(10, 45),
      ast: rng.int(12, 40),
      creatinine: p.sex === 1 ? rng.int(60, 110) : rng.int(45, 90),
      urea: rng.float(3.0, 7.5),
      tc: rng.float(3.6, 6.2),
      tg: rng.float(0.6, 2.4),
      ldlc: rng.float(1.8, 3.9),
      hdlc: rng.float(0.9, 1.8),
      ...(elder || htn || t2dm ? { ultrasoundAbdomen: { code: '1' as const } } : {}),
    },
    existingProblems: {
      cerebrovascular: p.otherDiseases.some((d) => d.code === '7') ? ['2'] : ['1'],
      renal: ['1'],
      cardiac: p.otherDiseases.some((d) => d.code === '4') ? ['3'] : ['1'],
      vascular: ['1'],
      eye: elder && rng.chance(0.1) ? ['4'] : ['1'],
      neurological: ['1'],
      otherSystem: ['1'],
    },
    assessment: abnormal.length > 0 ? '2' : '1',
    ...(abnormal.length > 0 ? { abnormalities: abnormal } : {}),
    guidance: htn || t2dm ? ['1'] : abnormal.length > 0 ? ['2'] : [],
    riskControl: [
      ...(p.habits.smoking === '3' ? (['1'] as const) : []),
      ...(p.habits.drinking === '3' || p.habits.drinking === '4' ? (['2'] as const) : []),
      '3',
      '4',
      ...(bmiNow >= 24 ? (['5'] as const) : []),
    ],
    ...(bmiNow >= 24 ? { targetWeightKg: Math.round(23 * (p.heightCm / 100) ** 2) } : {}),
  };
  return form;
}

export function healthCheckDocs(rng: Rng, p: Person, resident: { id: string; villageCode: string }, ctx: EncounterContext): EncounterDoc[] {
  return checkDates(rng, p.checks, ctx.today).map((checkDate) => {
    const form = healthCheckForm(rng, p, resident.id, checkDate, ctx.doctorName);
    const at = instantOn(rng, checkDate, ctx.now);
    return {
      id: ctx.ids.next(),
      type: 'healthCheck',
      clinicCode: ctx.clinicCode,
      villageCode: resident.villageCode,
      residentId: resident.id,
      date: checkDate,
      status: 'completed',
      amends: '',
      amendReason: '',
      data: { form, computed: computeHealthCheck(form, p.birthDate) },
      createdBy: ctx.userId,
      createdAt: at,
      updatedAt: at,
      completedAt: at,
    };
  });
}
