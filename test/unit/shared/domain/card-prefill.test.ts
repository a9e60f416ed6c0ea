import { describe, expect, it } from 'vitest';
import type { CardIdentity } from '../../../../shared/api/devices';
import { cardPrefill } from '../../../../shared/domain/card-prefill';

const card: CardIdentity = {
  documentType: 'residentId',
  name: '张三丰',
  nameEnglish: null,
  sex: '1',
  ethnicity: '01',
  birthDate: '1990-03-07',
  address: '北京市东城区示例路1号',
  idNumber: '110105199003070017',
  issuer: '北京市公安局东城分局',
  validFrom: '2015-01-01',
  validTo: '2035-01-01',
};

describe('读卡 pre-fills the 建档 form (id-card-sam.md layouts)', () => {
  it('a resident ID card fills name, sex, ethnicity, birth date, both addresses and the ID number', () => {
    expect(cardPrefill(card)).toEqual({
      name: '张三丰',
      idType: 'residentId',
      idNumber: '110105199003070017',
      sex: '1',
      birthDate: '1990-03-07',
      ethnicity: '01',
      registeredAddress: '北京市东城区示例路1号',
      currentAddress: '北京市东城区示例路1号',
    });
  });

  it.each([
    ['hkMacaoTaiwanPermit', 'hkMacaoTaiwanPermit'],
    ['foreignerPermanent2017', 'foreignerPermanent'],
    ['foreignerPermanent2023', 'foreignerPermanent'],
  ] as const)('a %s card is the record\'s %s document', (documentType, idType) => {
    expect(cardPrefill({ ...card, documentType, ethnicity: null, address: null }).idType).toBe(idType);
  });

  it.each([
    ['0', undefined],
    ['9', undefined],
    ['2', '2'],
  ])('sex code %s → %s (unknown and unspecified are left for the doctor)', (sex, expected) => {
    expect(cardPrefill({ ...card, sex }).sex).toBe(expected);
  });

  it('no ethnicity, an unknown ethnicity code, a blank address: those fields stay empty; a lower-case x is upper-cased', () => {
    const p = cardPrefill({ ...card, ethnicity: '99x', address: '  ', idNumber: '11010519491231002x' });
    expect(p.ethnicity).toBeUndefined();
    expect(p.currentAddress).toBeUndefined();
    expect(p.registeredAddress).toBeUndefined();
    expect(p.idNumber).toBe('11010519491231002X');
    expect(cardPrefill({ ...card, ethnicity: null }).ethnicity).toBeUndefined();
  });
});
