// 电子健康卡 codes scanned offline (issue 14 §2): an unknown code is stored, unverified, on the resident the doctor
// picks; the next scan finds that resident; a code cannot belong to two residents. What counts as a code is the
// clinic's pattern (settings healthCardPattern; admin only: scope-matrix.test.ts checks settings.update's access).
import { afterEach, describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../../shared/domain/id-number';
import { clinicHarness, type ApiHarness } from '../../helpers/api';

let h: ApiHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function resident(harness: ApiHarness, seq: number): Promise<string> {
  const first17 = `44152119700101${String(seq).padStart(3, '0')}`;
  const r = await harness.ok<{ resident: { id: string } }>('residents.create', {
    input: { name: `扫码${seq}`, createdDate: '2026-03-01', sex: seq % 2 === 1 ? '1' : '2', birthDate: '1970-01-01', idNumber: first17 + (idCheckDigit(first17) ?? ''), phone: `1391234${String(seq).padStart(4, '0')}`, villageCode: '441521101201' },
  });
  return r.resident.id;
}

const CODE = '6A0B3F2C9D1E4A5B7C8D9E0F1A2B3C4D:1';

describe('e-health-card codes', () => {
  it('unknown → stored for the picked resident → found next time; once per resident; CONFLICT for another', async () => {
    h = await clinicHarness();
    const harness = h;
    const a = await resident(harness, 1);
    const b = await resident(harness, 2);
    expect(await harness.ok('devices.findByCode', { code: CODE })).toEqual({ residentId: null });
    expect(await harness.ok('devices.saveCode', { residentId: a, code: CODE })).toEqual({ isNew: true });
    expect(await harness.ok('devices.findByCode', { code: CODE })).toEqual({ residentId: a });
    expect(await harness.ok('devices.saveCode', { residentId: a, code: CODE })).toEqual({ isNew: false });
    const taken = await harness.call('devices.saveCode', { residentId: b, code: CODE });
    expect(taken.ok === false && taken.error.code).toBe('CONFLICT');
    const timeline = await harness.ok<{ kind: string }[]>('residents.timeline', { id: a });
    expect(timeline.filter((e) => e.kind === 'deviceReading')).toHaveLength(1);
  });

  it.each([['short'], ['has spaces in the code 123'], ['中文中文中文中文中文中文中文中文']])('a code that does not fit the placeholder pattern (%s) is VALIDATION_FAILED', async (code) => {
    h = await clinicHarness();
    const r = await h.call('devices.findByCode', { code });
    expect(r.ok === false && r.error.code).toBe('VALIDATION_FAILED');
  });

  it('an empty or over-long code is BAD_REQUEST', async () => {
    h = await clinicHarness();
    for (const code of ['', 'A'.repeat(513)]) {
      const r = await h.call('devices.findByCode', { code });
      expect(r.ok === false && r.error.code).toBe('BAD_REQUEST');
    }
  });

  it('the clinic pattern set by an admin is what the server accepts; the placeholder is the default', async () => {
    h = await clinicHarness();
    const harness = h;
    const a = await resident(harness, 3);
    expect((await harness.ok<{ healthCardPattern: unknown }>('settings.get', {})).healthCardPattern).toEqual({ kind: 'regex', source: '[0-9A-Za-z:+/=._-]{16,256}' });
    await harness.ok('settings.update', { healthCardPattern: { kind: 'prefix', prefix: 'EHC', minLength: 10, maxLength: 12 } });
    // The old placeholder-shaped code no longer fits; a short prefixed one now does.
    const old = await harness.call('devices.findByCode', { code: CODE });
    expect(old.ok === false && old.error.code).toBe('VALIDATION_FAILED');
    expect(await harness.ok('devices.saveCode', { residentId: a, code: 'EHC1234567' })).toEqual({ isNew: true });
    expect(await harness.ok('devices.findByCode', { code: 'EHC1234567' })).toEqual({ residentId: a });
    const tooLong = await harness.call('devices.saveCode', { residentId: a, code: 'EHC1234567890' });
    expect(tooLong.ok === false && tooLong.error.code).toBe('VALIDATION_FAILED');
    await harness.ok('settings.update', { healthCardPattern: { kind: 'regex', source: '粤[0-9]{9}' } });
    expect(await harness.ok('devices.findByCode', { code: '粤123456789' })).toEqual({ residentId: null });
  });

  it.each([
    [{ kind: 'regex', source: '[0-9' }, 'source', 'validation.healthCardBadRegex'],
    [{ kind: 'regex', source: '[0-9]*' }, 'source', 'validation.healthCardMatchesEmpty'],
    [{ kind: 'regex', source: '' }, 'source', 'validation.healthCardMatchesEmpty'],
    [{ kind: 'prefix', prefix: '', minLength: 0, maxLength: 20 }, 'minLength', 'validation.healthCardMatchesEmpty'],
    [{ kind: 'prefix', prefix: 'EHC', minLength: 20, maxLength: 10 }, 'maxLength', 'validation.healthCardLengthRange'],
    [{ kind: 'prefix', prefix: 'E H', minLength: 10, maxLength: 20 }, 'prefix', 'validation.healthCardPrefixChars'],
  ])('a pattern that cannot be used (%j) is refused on %s, and the saved one stays', async (pattern, field, message) => {
    h = await clinicHarness();
    const r = await h.call('settings.update', { healthCardPattern: pattern });
    expect(r.ok === false && r.error.code).toBe('VALIDATION_FAILED');
    expect(r.ok === false && (r.error.fields ?? []).map((f) => [f.path, f.message])).toEqual([[`healthCardPattern.${field}`, message]]);
    expect((await h.ok<{ healthCardPattern: unknown }>('settings.get', {})).healthCardPattern).toEqual({ kind: 'regex', source: '[0-9A-Za-z:+/=._-]{16,256}' });
  });


  it('an unknown resident is NOT_FOUND', async () => {
    h = await clinicHarness();
    const r = await h.call('devices.saveCode', { residentId: 'nobody', code: CODE });
    expect(r.ok === false && r.error.code).toBe('NOT_FOUND');
  });
});
