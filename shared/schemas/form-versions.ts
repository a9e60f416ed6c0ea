/**
 * Every encounter body stores the version of its form (`data.formVersion`). Stage 1 (release 0.1.0) stored none: a
 * body without one is version 1. When a form changes shape or becomes stricter, its version goes up here and an
 * upgrade step is added, so reading an old record upgrades it in code and a stricter form never makes an old record
 * unreadable; the stored document itself is never rewritten to upgrade it (it may be a completed, signed record).
 */
import type { EncounterType } from './collections';

type Form = Record<string, unknown>;
/** `from` is the version the step reads; it returns the next version's form. */
type UpgradeStep = { from: number; up: (form: Form) => Form };

export type FormUpgrades = Partial<Record<EncounterType, readonly UpgradeStep[]>>;

const isRecord = (v: unknown): v is Form => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * 2型糖尿病随访 version 1 → 2 (issue 12): insulin became structured (kind, units per injection, times a day) so that
 * 用药调整意见 can record it too. A version-1 record kept only two texts; they are carried over, never parsed into
 * numbers that the doctor did not type: `type` becomes `kind`, `usageAndDose` becomes `usage`. An insulin entry with
 * no kind keeps its text under the kind 未注明 rather than being dropped.
 */
export function t2dmInsulinV2(form: Form): Form {
  const old = form['insulin'];
  if (!isRecord(old)) return form;
  const kind = typeof old['type'] === 'string' ? old['type'].trim() : '';
  const usage = typeof old['usageAndDose'] === 'string' ? old['usageAndDose'].trim() : '';
  const { insulin: _v1, ...rest } = form;
  if (kind === '' && usage === '') return rest;
  return { ...rest, insulin: { kind: kind || '未注明', ...(usage ? { usage } : {}) } };
}

/** Per type, the steps from each version to the next, in order (step i reads version i + 1). */
export const FORM_UPGRADES: FormUpgrades = {
  t2dmFollowup: [{ from: 1, up: t2dmInsulinV2 }],
};

export function currentFormVersion(type: EncounterType, upgrades: FormUpgrades = FORM_UPGRADES): number {
  return 1 + (upgrades[type]?.length ?? 0);
}

/** The stored form brought up to the current version of its type. */
export function upgradeForm(type: EncounterType, data: Record<string, unknown>, upgrades: FormUpgrades = FORM_UPGRADES): Form {
  const stored = typeof data['formVersion'] === 'number' ? data['formVersion'] : 1;
  let form = (data['form'] ?? {}) as Form;
  for (const step of upgrades[type] ?? []) if (step.from >= stored) form = step.up(form);
  return form;
}
