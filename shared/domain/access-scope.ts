/**
 * Who may use a method of each scope (shared/api/method.ts `Scope`; issue 11 §1). Clinic-wide settings (packages,
 * prices, teams, users, villages) are admin-only; a method nobody decided about is closed to all but admins.
 * Which villages a village doctor's `village` calls may reach is the record-level check (not in this table).
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
