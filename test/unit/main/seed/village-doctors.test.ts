import { describe, expect, it } from 'vitest';
import { generateTownship, type GenerateInput } from '../../../../main/seed/generator';

const input = (over: Partial<GenerateInput> = {}): GenerateInput => ({
  seed: 'demo',
  profile: 'realistic',
  residents: 400,
  clinic: { clinicCode: '441521101', clinicName: '演示乡镇卫生院', villages: [] },
  now: Date.parse('2026-03-02T02:00:00Z'),
  today: '2026-03-02',
  user: { id: 'seed-user' },
  ...over,
});

// Issue 16: the demo doctor owned no patients, so "my work list" was empty.
describe('seed: the demo village doctor owns the first village', () => {
  const town = generateTownship(input({ villageDoctors: ['王村医'] }));
  const first = town.villages[0]?.code;

  it('every resident of the first village has 王村医 as responsible doctor, and nobody else does', () => {
    const mine = town.residents.filter((r) => r.data.responsibleDoctor === '王村医');
    expect(mine.length).toBeGreaterThan(20);
    expect(mine.every((r) => r.villageCode === first)).toBe(true);
    expect(town.residents.filter((r) => r.villageCode === first).every((r) => r.data.responsibleDoctor === '王村医')).toBe(true);
  });

  it('includes managed chronic patients (a realistic caseload)', () => {
    const mine = new Set(town.residents.filter((r) => r.data.responsibleDoctor === '王村医').map((r) => r.id));
    const enrolled = [...town.encounters()].filter((e) => (e.type === 'htnEnrolment' || e.type === 't2dmEnrolment') && mine.has(e.residentId));
    expect(enrolled.length).toBeGreaterThan(3);
  });

  it('without the option the generated names stay as they were', () => {
    const plain = generateTownship(input());
    expect(plain.residents.some((r) => r.data.responsibleDoctor === '王村医')).toBe(false);
  });
});
