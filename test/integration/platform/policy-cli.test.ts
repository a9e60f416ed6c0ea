/**
 * The county's 指标口径 policy from the operator's command line (`npm run platform -- policy set/list`, through the
 * running server's admin API): written into every clinic's settings, pulled by each clinic's devices, copied to a
 * clinic registered later; bad flags exit 2 and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../platform/cli';
import { CLINIC_A, CLINIC_B, enrolDevice, startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await p?.dispose();
});

const countyDocs = async () =>
  (await p.sql.query<{ id: string; body: string }>(`SELECT id, body FROM documents WHERE collection = 'settings' AND id LIKE '%/indicatorRules:county:%' ORDER BY id`)).map((r) => ({
    id: r.id,
    body: JSON.parse(r.body) as { clinicCode: string; type: string; data: Record<string, unknown> },
  }));

describe('platform policy set / list', () => {
  it('refuses bad flags with exit 2 and writes nothing', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await p.store.addClinic(CLINIC_A);
    const base = ['policy', 'set', '--data-dir', p.dataDir];
    expect(await main([...base, '--from', '2026-01-01', '--standard-rule', 'TWO_PER_YEAR'])).toBe(2);
    expect(await main([...base, '--from', '2026-01-01', '--standard-rule', 'FOUR_PER_YEAR+MONTHLY'])).toBe(2);
    expect(await main([...base, '--from', '2026-02-30', '--standard-rule', 'FOUR_PER_YEAR'])).toBe(2);
    expect(await main([...base, '--from', '2026-01-01', '--standard-rule', 'FOUR_PER_YEAR', '--elderly-age', 'atBirthday'])).toBe(2);
    expect(await main([...base, '--standard-rule', 'FOUR_PER_YEAR'])).toBe(2);
    expect(await countyDocs()).toEqual([]);
  });

  it('writes the version into every clinic, where its devices pull it; a clinic registered later gets it too', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { credential } = await enrolDevice(p, CLINIC_A, 'dev-a');
    const device = await p.store.authenticate(credential);
    const before = (await p.store.pull(device, 'settings', 0, 1000)).seq;
    expect(
      await main(['policy', 'set', '--data-dir', p.dataDir, '--from', '2026-01-01', '--standard-rule', 'FOUR_PER_YEAR+ANNUAL_CHECK', '--dynamic-denominator', 'persons', '--elderly-age', 'turnsInYear']),
    ).toBe(0);
    const docs = await countyDocs();
    expect(docs.map((d) => d.id)).toEqual([`${CLINIC_A.code}/indicatorRules:county:2026-01-01`]);
    expect(docs[0]!.body).toMatchObject({
      type: 'indicatorRules',
      clinicCode: CLINIC_A.code,
      data: { from: '2026-01-01', standardRule: 'FOUR_PER_YEAR', annualCheck: true, dynamicUseDenominator: 'persons', elderlyAgeRule: 'turnsInYear', issuedBy: 'county' },
    });
    const pulled = await p.store.pull(device, 'settings', before, 1000);
    expect(pulled.bodies.map((b) => (JSON.parse(b) as { id: string }).id)).toContain('indicatorRules:county:2026-01-01');

    await p.store.addClinic(CLINIC_B);
    expect((await countyDocs()).map((d) => d.id)).toEqual([`${CLINIC_A.code}/indicatorRules:county:2026-01-01`, `${CLINIC_B.code}/indicatorRules:county:2026-01-01`]);

    log.mockClear();
    expect(await main(['policy', 'list', '--data-dir', p.dataDir])).toBe(0);
    const listed = JSON.parse(String(log.mock.calls[0]?.[0])) as { versions: Array<{ id: string }> };
    expect(listed.versions.map((v) => v.id)).toEqual(['indicatorRules:county:2026-01-01']);
  });
});
