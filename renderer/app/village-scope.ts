/**
 * The villages the signed-in user serves, for the few places that offer villages to choose from (list filters, the
 * 建档 form): a village doctor is offered only their own, since the API refuses the others with FORBIDDEN (issue 11).
 * AppFrame sets it for each signed-in user; until then every village is offered.
 */
import type { SessionUser } from '../../shared/api/session';
import { villagesVisibleTo } from '../../shared/domain/access-scope';

let visible: ReadonlySet<string> | null = null;

export function setScopeUser(user: Pick<SessionUser, 'role' | 'villages'> | null): void {
  visible = user ? villagesVisibleTo(user) : null;
}

/** `villages` without those the user may not reach. */
export function selectableVillages<V extends { code: string }>(villages: readonly V[]): V[] {
  return visible === null ? [...villages] : villages.filter((v) => visible?.has(v.code));
}
