import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkIdDocument,
  convert15To18,
  idNumberForms,
  storedIdNumber,
  hasValidCheckDigit,
  idCheckDigit,
  idTypes,
  maskIdNumber,
  parseIdNumber,
} from '../../../../shared/domain/id-number';

const TODAY = '2026-11-22';

describe('idCheckDigit (identifiers.md §1 worked examples)', () => {
  it.each([
    ['44030420000229123', '6'],
    ['51162119900307041', '5'],
    ['65010119850101000', '4'],
    ['11010519491231002', 'X'],
  ])('%s → %s', (first17, check) => expect(idCheckDigit(first17)).toBe(check));

  it.each(['1101051949123100', '110105194912310021', '1101051949123100A'])('refuses non-17-digit input %s', (s) =>
    expect(idCheckDigit(s)).toBeNull(),
  );

  it('round-trips: any 17 digits plus their check character validate, and every other check character fails', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), fc.constantFrom(...'0123456789X'), (first17, other) => {
        const check = idCheckDigit(first17);
        expect(check).not.toBeNull();
        expect(hasValidCheckDigit(first17 + check)).toBe(true);
        if (other !== check) expect(hasValidCheckDigit(first17 + other)).toBe(false);
      }),
    );
  });

  it('satisfies Σ a[i]·2^(18−i) ≡ 1 (mod 11) over all 18 characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        const full = first17 + idCheckDigit(first17);
        let sum = 0;
        for (let i = 0; i < 18; i++) {
          const a = full[i] === 'X' ? 10 : Number(full[i]);
          sum += a * (2 ** (17 - i) % 11);
        }
        expect(sum % 11).toBe(1);
      }),
    );
  });
});

describe('parseIdNumber', () => {
  it.each([
    ['440304200002291236', '2000-02-29', 1, '440304'],
    ['511621199003070415', '1990-03-07', 1, '511621'],
    ['650101198501010004', '1985-01-01', 2, '650101'],
    ['11010519491231002X', '1949-12-31', 2, '110105'],
    ['11010519491231002x', '1949-12-31', 2, '110105'],
    [' 440304200002291236 ', '2000-02-29', 1, '440304'],
  ])('%s → born %s, sex %i', (id, birthDate, sex, addressCode) => {
    const r = parseIdNumber(id, TODAY);
    expect(r).toEqual({ ok: true, idNumber: id.trim().toUpperCase(), birthDate, sex, addressCode });
  });

  function withCheck(first17: string): string {
    return first17 + (idCheckDigit(first17) ?? '');
  }

  it.each([
    ['440304200002291235', 'checkDigit'],
    [withCheck('44030419000229123'), 'birthDate'],
    [withCheck('44030420010229123'), 'birthDate'],
    [withCheck('44030420011301123'), 'birthDate'],
    [withCheck('44030420010100123'), 'birthDate'],
    [withCheck('44030420010132123'), 'birthDate'],
    [withCheck('44030420261123123'), 'futureBirthDate'],
    ['44030420000229123', 'length'],
    ['4403042000022912366', 'length'],
    ['', 'length'],
    ['44030420000229123A', 'format'],
    ['4403042000022912X6', 'format'],
    ['X40304200002291236', 'format'],
    ['44030420000229 236', 'format'],
  ] as const)('%s is refused: %s', (id, reason) => expect(parseIdNumber(id, TODAY)).toEqual({ ok: false, reason }));

  it('accepts a birth date equal to today and refuses tomorrow', () => {
    expect(parseIdNumber(withCheck('44030420261122123'), TODAY).ok).toBe(true);
    expect(parseIdNumber(withCheck('44030420261123123'), TODAY)).toEqual({ ok: false, reason: 'futureBirthDate' });
  });

  it('accepts 29 February 2000 (divisible by 400) but not 1900 (divisible by 100)', () => {
    expect(parseIdNumber(withCheck('44030420000229123'), TODAY).ok).toBe(true);
    expect(parseIdNumber(withCheck('44030419000229123'), TODAY).ok).toBe(false);
  });

  it.each([
    ['0', 2],
    ['1', 1],
    ['8', 2],
    ['9', 1],
  ])('17th digit %s → sex %i', (digit, sex) => {
    const r = parseIdNumber(withCheck(`4403041990010112${digit}`), TODAY);
    expect(r.ok && r.sex).toBe(sex);
  });

  it('converts a 15-digit number before parsing', () => {
    const r = parseIdNumber('440304850101123', TODAY);
    expect(r).toMatchObject({ ok: true, birthDate: '1985-01-01', sex: 1 });
    expect(r.ok && r.idNumber).toBe(withCheck('44030419850101123'));
  });

  it.each([
    ['44030485010112A', 'format'],
    ['440304850230123', 'birthDate'],
  ] as const)('15-digit %s refused: %s', (id, reason) => expect(parseIdNumber(id, TODAY)).toEqual({ ok: false, reason }));
});

describe('convert15To18', () => {
  it.each([
    ['110105491231002', '11010519491231002X'],
    ['650101850101000', '650101198501010004'],
  ])('%s → %s', (id15, id18) => expect(convert15To18(id15)).toBe(id18));
  it.each(['11010549123100', '1101054912310021', '110105491331002'])('refuses %s', (s) => expect(convert15To18(s)).toBeNull());
});

describe('maskIdNumber', () => {
  it.each([
    ['440304200002291236', '440304********1236'],
    ['11010519491231002X', '110105********002X'],
    ['1234', '****'],
  ])('%s → %s', (id, masked) => expect(maskIdNumber(id)).toBe(masked));
});

describe('checkIdDocument', () => {
  it('lists four document types and says which carry a check digit', () => {
    expect(idTypes.map((t) => [t.code, t.hasCheckDigit])).toEqual([
      ['residentId', true],
      ['foreignerPermanent', true],
      ['hkMacaoTaiwanPermit', true],
      ['other', false],
    ]);
  });

  const permit = (prefix: string) => `${prefix}19900101002` + (idCheckDigit(`${prefix}19900101002`) ?? '');
  const foreign = '9' + '44' + '156' + '19900101' + '002';
  const foreignId = foreign + (idCheckDigit(foreign) ?? '');

  it.each([
    ['residentId', '440304200002291236', true],
    ['residentId', '440304200002291235', false],
    ['residentId', permit('810000'), false],
    ['residentId', foreignId, false],
    ['hkMacaoTaiwanPermit', permit('810000'), true],
    ['hkMacaoTaiwanPermit', permit('830000'), true],
    ['hkMacaoTaiwanPermit', permit('440304'), false],
    ['foreignerPermanent', foreignId, true],
    ['foreignerPermanent', foreignId.slice(0, 17) + (foreignId[17] === '0' ? '1' : '0'), false],
    ['foreignerPermanent', '440304200002291236', false],
    // Issue 12 fix 8: the 2017 card, 3 letters + 12 digits (identifiers.md §1).
    ['foreignerPermanent', 'USA440390012345', true],
    ['foreignerPermanent', 'usa440390012345', true],
    ['foreignerPermanent', 'US4440390012345', false],
    ['foreignerPermanent', 'USA44039001234X', false],
    ['foreignerPermanent', 'USA44039001234', false],
    ['foreignerPermanent', 'USA4403900123456', false],
    ['residentId', 'USA440390012345', false],
    ['other', 'E12345678', true],
    ['other', 'AB1', false],
    ['other', 'E1234 5678', false],
  ] as const)('%s %s → ok %s', (type, id, ok) => expect(checkIdDocument(type, id, TODAY).ok).toBe(ok));

  it('derives birth date and sex from a HK/Macao/Taiwan permit', () => {
    expect(checkIdDocument('hkMacaoTaiwanPermit', permit('820000'), TODAY)).toMatchObject({ birthDate: '1990-01-01', sex: 2 });
  });
});

describe('one person, two ID forms (issue 12 fix 7)', () => {
  it.each([
    ['110105491231002', ['11010519491231002X', '110105491231002']],
    ['11010519491231002x', ['11010519491231002X', '110105491231002']],
    ['440304200002291236', ['440304200002291236']],
  ] as const)('%s is found under %j', (input, forms) => expect(idNumberForms('residentId', input)).toEqual(forms));
  it('a 15-digit number is stored in its 18-digit form and kept as typed', () =>
    expect(storedIdNumber('residentId', ' 110105491231002 ')).toEqual({ idNumber: '11010519491231002X', idNumber15: '110105491231002' }));
  it('an 18-digit number is stored as it is, uppercased', () =>
    expect(storedIdNumber('residentId', '11010519491231002x')).toEqual({ idNumber: '11010519491231002X' }));
  it('another document type keeps one form', () => {
    expect(idNumberForms('foreignerPermanent', 'usa440390012345')).toEqual(['USA440390012345']);
    expect(storedIdNumber('foreignerPermanent', 'usa440390012345')).toEqual({ idNumber: 'USA440390012345' });
  });
});
