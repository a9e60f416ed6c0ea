/**
 * Who may use a method of each scope (shared/api/method.ts `Scope`; issue 11 §1). Clinic-wide settings (packages,
 * prices, teams, users, villages) are admin-only; a method nobody decided about is closed to all but admins.
 * Which villages a village doctor's `village` calls may reach is the record-level check: `villagesVisibleTo` says
 * which villages a user sees, `scopeTargets` reads from a call's input which records and villages it touches, and
 * main/services/village-scope.ts resolves those records to their villages and refuses what is out of scope.
 */
import type { Scope } from '../api/method';
import type { Role } from '../api/session';

export function roleMayUse(role: Role, scope: Scope): boolean {
  switch (scope) {
    case 'public':
    case 'self':
    case 'clinic':
    case 'village':
      return true;
    case 'admin':
    case 'undecided':
      return role === 'admin';
  }
}

/**
 * The villages a user's resident-level calls may reach: `null` is clinic-wide (township doctors, check staff and
 * admins work across the clinic, issue 11 §1); a village doctor sees only the villages an admin gave them, and
 * none at all before one is given (a profile from before villages existed has none).
 */
export function villagesVisibleTo(user: { role: Role; villages?: readonly string[] | undefined }): ReadonlySet<string> | null {
  if (user.role !== 'villageDoctor') return null;
  return new Set(user.villages ?? []);
}

/** What a call's input points at, to be resolved to a village (records) or checked as it is (villages). */
export type ScopeTarget =
  | { kind: 'resident' | 'household' | 'encounter' | 'contract' | 'review'; id: string }
  | { kind: 'village'; code: string }
  /** A clinic- or team-wide scope (a report over the whole clinic): beyond any one village. */
  | { kind: 'clinicWide'; what: string };

/** Keys that name a resident wherever they appear in an input. */
const RESIDENT_KEYS = new Set(['residentId', 'keepId', 'mergeId', 'headResidentId', 'signerResidentId']);

/** What a top-level `id` (and `basedOn`, `clientId`) names, per domain of the contract. */
const ID_KIND: Record<string, Exclude<ScopeTarget['kind'], 'village' | 'clinicWide'>> = {
  residents: 'resident',
  households: 'household',
  healthChecks: 'encounter',
  followups: 'encounter',
  measurements: 'encounter',
  tcm: 'encounter',
  contracts: 'contract',
  syncReview: 'review',
};
const ID_KEYS = ['id', 'basedOn', 'clientId'] as const;
const MAX_DEPTH = 4;

/**
 * Every record and village a call's (parsed) input names. A key means the same thing in every method
 * (`residentId`, `householdId`, `villageCode`), except a top-level `id`, whose kind the domain says; a report's
 * `scope` of the whole clinic or a team is clinic-wide. An input naming nothing (a list, a search) yields nothing:
 * those are filtered by the services instead.
 */
export function scopeTargets(methodName: string, input: unknown): ScopeTarget[] {
  const targets: ScopeTarget[] = [];
  const domain = methodName.split('.')[0] ?? '';
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      if (typeof value === 'string' && value) {
        if (RESIDENT_KEYS.has(key)) targets.push({ kind: 'resident', id: value });
        else if (key === 'householdId') targets.push({ kind: 'household', id: value });
        else if (key === 'villageCode') targets.push({ kind: 'village', code: value });
      } else {
        walk(value, depth + 1);
      }
    }
  };
  walk(input, 0);
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const top = input as Record<string, unknown>;
    const idKind = ID_KIND[domain];
    if (idKind) {
      for (const key of ID_KEYS) {
        const value = top[key];
        if (typeof value === 'string' && value) targets.push({ kind: idKind, id: value });
      }
    }
    const scope = top['scope'];
    if (domain === 'reports' && scope !== null && typeof scope === 'object') {
      const kind = (scope as { kind?: unknown }).kind;
      if (kind === 'clinic' || kind === 'team') targets.push({ kind: 'clinicWide', what: `report:${kind}` });
    }
  }
  return targets;
}
