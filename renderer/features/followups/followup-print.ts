/**
 * 高血压患者随访服务记录表 / 2型糖尿病患者随访服务记录表 on paper (issue 12), as the 国家基本公共卫生服务规范（第三版）
 * prints them: one row per item, one column per visit, four visits to a sheet, grouped 体征 / 生活方式指导 /
 * 辅助检查 / 转诊 as on the form (followups.md §3.1–3.2). Pure: the rows are unit-tested, FollowupPrint.tsx draws them.
 */
import type { Disease, FollowupView } from '../../../shared/api/followups';
import type { HtnFollowup, Insulin, Medication, T2dmFollowup } from '../../../shared/schemas/followup';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export interface PrintRow {
  /** The group printed left of the item (体征 …); rows of one group are adjacent. */
  group?: string;
  label: string;
  cells: string[];
}

/** Visits on one sheet, as on the paper form. */
export const VISITS_PER_SHEET = 4;

type AnyForm = HtnFollowup & Partial<T2dmFollowup>;

const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
const pair = (now: string, target: string) => (now || target ? `${now} / ${target}` : '');

function drugText(t: Translate, m: Medication): string {
  const dose = m.doseMg != null ? `${m.doseMg}${t('followups.print.mg')}` : (m.doseText ?? '');
  return [m.drugName, m.timesPerDay != null ? t('followups.print.times', { n: m.timesPerDay }) : '', dose ? t('followups.print.each', { dose }) : '']
    .filter(Boolean)
    .join(' ');
}

function insulinText(t: Translate, i: Insulin | null | undefined): string {
  if (!i) return '';
  const use = [
    i.timesPerDay != null ? t('followups.print.times', { n: i.timesPerDay }) : '',
    i.doseUnits != null ? t('followups.print.each', { dose: t('followups.print.iu', { n: i.doseUnits }) }) : '',
    i.usage ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return [t('followups.print.insulinKind', { kind: i.kind }), use ? t('followups.print.insulinUse', { text: use }) : ''].filter(Boolean).join('；');
}

/**
 * The sheet a visit belongs to: the completed visits of its disease in the same calendar year, oldest first, cut
 * into groups of four as the paper form is filled (the 5th visit of a year starts a second sheet).
 */
export function sheetFor(view: FollowupView, all: readonly FollowupView[]): FollowupView[] {
  const year = view.visitDate.slice(0, 4);
  const same = all
    .filter((v) => v.status === 'completed' && v.followup.disease === view.followup.disease && v.visitDate.slice(0, 4) === year)
    .sort((a, b) => (a.visitDate === b.visitDate ? a.id.localeCompare(b.id) : a.visitDate.localeCompare(b.visitDate)));
  const at = Math.max(0, same.findIndex((v) => v.id === view.id));
  const start = Math.floor(at / VISITS_PER_SHEET) * VISITS_PER_SHEET;
  return same.slice(start, start + VISITS_PER_SHEET);
}

/** The rows of one sheet; `cells` has one entry per visit (at most four), blank where nothing was recorded. */
export function printRows(t: Translate, disease: Disease, views: readonly FollowupView[]): PrintRow[] {
  const forms = views.map((v) => v.followup.form as AnyForm);
  const row = (label: string, cell: (f: AnyForm) => string, group?: string): PrintRow => ({ group, label, cells: forms.map(cell) });
  const code = (prefix: string, v: number | null | undefined) => (v ? `${v} ${t(`${prefix}.${v}`)}` : '');
  const isT2dm = disease === 't2dm';
  const signs = t('followups.print.group.signs');
  const life = t('followups.print.group.lifestyle');
  const exams = t('followups.print.group.exams');
  const referral = t('followups.print.group.referral');
  const rows: PrintRow[] = [
    row(t('followups.form.visitDate'), (f) => f.visitDate ?? ''),
    row(t('followups.form.visitMode'), (f) => code('followup.visitMode', f.visitMode)),
    row(t('followups.form.symptoms'), (f) =>
      [...(f.symptoms ?? []).map((c) => `${c} ${t(`followups.symptom.${disease}.${c}`)}`), f.symptomsOther ? `${t('followups.form.symptomsOther')}：${f.symptomsOther}` : '']
        .filter(Boolean)
        .join('、'),
    ),
    row(t('followups.print.bp'), (f) => (f.sbp != null && f.dbp != null ? `${f.sbp}/${f.dbp}` : ''), signs),
    row(t('followups.print.weight'), (f) => pair(num(f.weight), num(f.targetWeight)), signs),
    row(t('followups.print.bmi'), (f) => pair(num(f.bmi), num(f.targetBmi)), signs),
    isT2dm
      ? row(t('followups.form.dorsalisPedis'), (f) =>
          f.dorsalisPedis ? `${code('followups.dorsalis', f.dorsalisPedis.result)}${f.dorsalisPedis.side ? `（${t(`followups.print.pulseSide.${f.dorsalisPedis.side}`)}）` : ''}` : '',
        signs)
      : row(t('followups.print.heartRate'), (f) => num(f.heartRate), signs),
    row(t('followups.print.signsOther'), (f) => f.signsOther ?? '', signs),
    row(t('followups.print.cigarettes'), (f) => pair(num(f.cigarettesPerDay), num(f.targetCigarettes)), life),
    row(t('followups.print.alcohol'), (f) => pair(num(f.alcoholLiang), num(f.targetAlcoholLiang)), life),
    row(t('followups.print.exercise'), (f) => {
      const now = f.exerciseTimesPerWeek != null || f.exerciseMinutes != null ? t('followups.print.exerciseValue', { times: num(f.exerciseTimesPerWeek), minutes: num(f.exerciseMinutes) }) : '';
      const target = f.targetExerciseTimesPerWeek != null || f.targetExerciseMinutes != null ? t('followups.print.exerciseValue', { times: num(f.targetExerciseTimesPerWeek), minutes: num(f.targetExerciseMinutes) }) : '';
      return pair(now, target);
    }, life),
    isT2dm
      ? row(t('followups.print.staple'), (f) => pair(num(f.stapleGramsPerDay), num(f.targetStapleGramsPerDay)), life)
      : row(t('followups.print.salt'), (f) => pair(f.saltIntake ? t(`followups.salt.${f.saltIntake}`) : '', f.targetSaltIntake ? t(`followups.salt.${f.targetSaltIntake}`) : ''), life),
    row(t('followups.form.psych'), (f) => code('followups.level.good', f.psychAdjustment), life),
    row(t('followups.form.compliance'), (f) => code('followups.level.good', f.compliance), life),
  ];
  if (isT2dm) {
    rows.push(
      row(t('followups.print.glucose'), (f) => num(f.fastingGlucose), exams),
      row(t('followups.print.otherExams'), (f) => (f.hba1c != null ? t('followups.print.hba1c', { value: f.hba1c, date: f.hba1cDate ?? '' }) : ''), exams),
      row(t('followups.print.auxExam'), (f) => f.auxExamText ?? '', exams),
    );
  } else {
    rows.push(row(t('followups.form.auxExam'), (f) => f.auxExamText ?? ''));
  }
  rows.push(
    row(t('followups.form.adherence'), (f) => code('followups.adherence', f.adherence)),
    row(t('followups.form.adverseReaction'), (f) => (f.adverseReaction === 2 ? `2 ${t('followups.yesNo.2')}：${f.adverseReactionText ?? ''}` : code('followups.yesNo', f.adverseReaction))),
  );
  if (isT2dm) rows.push(row(t('followups.form.hypoglycemia'), (f) => code('followups.hypo', f.hypoglycemia)));
  const drugsOf = (list: readonly Medication[] | undefined, insulin: Insulin | null | undefined) =>
    [...(list ?? []).map((m) => drugText(t, m)), isT2dm && insulin ? `${t('followups.form.insulin')} ${insulinText(t, insulin)}` : ''].filter(Boolean).join('\n');
  rows.push(
    row(t('followups.print.classification'), (f) => code('followup.class', f.classification)),
    row(t('followups.form.medications'), (f) => drugsOf(f.medications, f.insulin)),
    row(t('followups.decision.nextStep'), (f) => code('followup.nextStep', f.nextStep)),
    row(t('followups.form.medAdjustment'), (f) => drugsOf(f.medAdjustment, f.insulinAdjustment)),
    row(t('followups.print.referralReason'), (f) => f.referral?.reason ?? '', referral),
    row(t('followups.print.referralOrg'), (f) => f.referral?.orgDept ?? '', referral),
    row(t('followups.print.referralContact'), (f) => [f.referral?.contactPerson, f.referral?.contactPhone].filter(Boolean).join(' '), referral),
    row(t('followups.print.referralResult'), (f) => (f.referral?.result ? t(`followups.referral.result.${f.referral.result}`) : ''), referral),
    row(t('followups.decision.nextDate'), (f) => f.nextVisitDate ?? ''),
    row(t('followups.form.doctorSignature'), (f) => f.doctorSignature ?? ''),
  );
  return rows;
}
