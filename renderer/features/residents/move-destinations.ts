/**
 * The county's villages a resident can move to (`residents.moveDestinations`), for the 迁出 dialog and the edit form's
 * village field: fetched once per mount, grouped by the clinic (township) that serves them, searchable by name,
 * pinyin initials or code (shared/domain/move-destinations.ts); the clinic's own villages come with the same keys. `null` until answered; an empty list with
 * `issuedAt: null` means the list has not reached this computer yet and the code is typed instead.
 */
import { useEffect, useState } from 'react';
import type { MoveDestination, MoveDestinations } from '../../../shared/api/residents';
import { groupByClinic, placeMatches } from '../../../shared/domain/move-destinations';
import { api } from '../../api-client';

export function useMoveDestinations(enabled = true): MoveDestinations | null {
  const [list, setList] = useState<MoveDestinations | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    // An older host has no list: the dialog and the form behave as before it existed.
    api.residents
      .moveDestinations({})
      .then((l) => alive && setList(l))
      .catch(() => alive && setList({ villages: [], issuedAt: null, own: [] }));
    return () => {
      alive = false;
    };
  }, [enabled]);
  return list;
}

export interface VillageOption {
  value: string;
  label: string;
  /** What the search reads: the place's keys (absent for the clinic's own villages: their name and code only). */
  place: { code: string; name: string; clinicName: string; pinyin: string; initials: string };
}

export function destinationOption(v: MoveDestination): VillageOption {
  return { value: v.code, label: v.name, place: v };
}

/** antd Select option groups: one per clinic, titled by `groupLabel`. */
export function destinationGroups(villages: readonly MoveDestination[], groupLabel: (clinicName: string) => string): Array<{ label: string; title: string; options: VillageOption[] }> {
  return groupByClinic(villages).map((g) => ({ label: groupLabel(g.clinicName), title: g.clinicName, options: g.villages.map(destinationOption) }));
}

/** The Select's search: groups are kept whenever one of their options matches (antd filters options, not groups). */
export function filterVillageOption(input: string, option: unknown): boolean {
  const o = option as Partial<VillageOption> | undefined;
  if (!o?.place) return false;
  return placeMatches(o.place, input);
}
