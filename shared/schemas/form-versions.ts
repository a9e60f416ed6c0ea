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

/** Per type, the steps from each version to the next, in order (step i reads version i + 1). */
export const FORM_UPGRADES: FormUpgrades = {};

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
