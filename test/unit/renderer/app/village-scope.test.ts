// Issue 11 (pickers): every village picker, and the teams of the sign form, offer a village doctor only what they
// serve; every other role is offered everything, as is the sign-in screen before anyone is signed in.
import { afterEach, describe, expect, it } from 'vitest';
import { isClinicWide, isSelectableVillage, selectableTeams, selectableVillages, setScopeUser } from '../../../../renderer/app/village-scope';
import { Role } from '../../../../shared/api/session';

const VILLAGES = [
  { code: '441521101201', name: '东光村' },
  { code: '441521101202', name: '西山村' },
  { code: '441521101203', name: '南塘村' },
];
const TEAMS = [
  { teamId: 't1', villages: ['441521101201'] },
  { teamId: 't2', villages: ['441521101202', '441521101203'] },
  { teamId: 't3', villages: [] },
];

afterEach(() => setScopeUser(null));

describe('what pickers offer', () => {
  it.each(Role.options.filter((r) => r !== 'villageDoctor'))('%s: every village and every team', (role) => {
    setScopeUser({ role, villages: ['441521101201'] });
    expect(isClinicWide()).toBe(true);
    expect(selectableVillages(VILLAGES)).toEqual(VILLAGES);
    expect(selectableTeams(TEAMS)).toEqual(TEAMS);
  });

  it('a village doctor: their villages, and the teams that serve one of them', () => {
    setScopeUser({ role: 'villageDoctor', villages: ['441521101201', '441521101203'] });
    expect(isClinicWide()).toBe(false);
    expect(selectableVillages(VILLAGES).map((v) => v.name)).toEqual(['东光村', '南塘村']);
    expect(selectableTeams(TEAMS).map((t) => t.teamId)).toEqual(['t1', 't2']);
    expect(isSelectableVillage('441521101202')).toBe(false);
    expect(isSelectableVillage('441521101203')).toBe(true);
  });

  it('a village doctor no admin has given villages: nothing', () => {
    setScopeUser({ role: 'villageDoctor' });
    expect(selectableVillages(VILLAGES)).toEqual([]);
    expect(selectableTeams(TEAMS)).toEqual([]);
  });

  it('nobody signed in: everything (the API decides once someone is)', () => {
    setScopeUser(null);
    expect(selectableVillages(VILLAGES)).toEqual(VILLAGES);
    expect(isSelectableVillage('441521101202')).toBe(true);
  });
});
