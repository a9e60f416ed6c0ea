/**
 * The villages the signed-in user serves, for every place that offers villages (or what belongs to villages) to
 * choose from: list filters, the 建档 form, the work list, the sign form's teams, reports, a sync conflict's 所属村.
 * A village doctor is offered only their own, since the API refuses the others with FORBIDDEN (issue 11); admins,
 * township doctors and check staff work clinic-wide and are offered all. AppFrame sets it for each signed-in user;
 * until then every village is offered.
 */
import type { SessionUser } from '../../shared/api/session';
import { villagesVisibleTo } from '../../shared/domain/access-scope';

let visible: ReadonlySet<string> | null = null;

export function setScopeUser(user: Pick<SessionUser, 'role' | 'villages'> | null): void {
  visible = user ? villagesVisibleTo(user) : null;
}

/** True when the user works clinic-wide (every role but the village doctor): whole-clinic and team choices apply. */
export function isClinicWide(): boolean {
  return visible === null;
}

/** True when the user may choose this village. */
export function isSelectableVillage(code: string): boolean {
  return visible === null || visible.has(code);
}

/** `villages` without those the user may not reach. */
export function selectableVillages<V extends { code: string }>(villages: readonly V[]): V[] {
  return villages.filter((v) => isSelectableVillage(v.code));
}

/** The doctor teams that serve at least one of the user's villages (a village doctor signs for those only). */
export function selectableTeams<T extends { villages: readonly string[] }>(teams: readonly T[]): T[] {
  return teams.filter((t) => visible === null || t.villages.some((v) => isSelectableVillage(v)));
}
