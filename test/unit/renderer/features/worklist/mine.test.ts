import { describe, expect, it } from 'vitest';
import { defaultDoctorFilter } from '../../../../../renderer/features/worklist/WorklistPage';

// Issue 16: the work list opened on the whole township; a doctor starts with their own patients.
describe('whose work the list opens on', () => {
  it.each([
    ['villageDoctor', '王村医', '王村医'],
    ['townshipDoctor', '陈医生', '陈医生'],
    ['checkStaff', '赵护士', '赵护士'],
    ['admin', '李院长', ''],
  ])('%s %s → %j', (role, displayName, expected) => {
    expect(defaultDoctorFilter({ role, displayName })).toBe(expected);
  });
});
