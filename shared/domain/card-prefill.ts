/**
 * 读卡 (issue 14 §2): what an identity read from a card fills in a new resident's 建档 form. The card's codes are
 * already the record's: sex per GB/T 2261.1 (1 男, 2 女) and ethnicity per GB 3304 (01 汉 …); the card's address is
 * the 户籍地址 (registered address), which is also where most village residents live, so it fills both.
 */
import type { CardIdentity } from '../api/devices';
import * as cs from './code-sets';
import type { IdType } from './id-number';

export interface CardPrefill {
  name: string;
  idType: IdType;
  idNumber: string;
  sex?: string;
  birthDate: string;
  ethnicity?: string;
  registeredAddress?: string;
  currentAddress?: string;
}

const ID_TYPE: Record<CardIdentity['documentType'], IdType> = {
  residentId: 'residentId',
  hkMacaoTaiwanPermit: 'hkMacaoTaiwanPermit',
  foreignerPermanent2017: 'foreignerPermanent',
  foreignerPermanent2023: 'foreignerPermanent',
};

export function cardPrefill(id: CardIdentity): CardPrefill {
  const out: CardPrefill = { name: id.name.trim(), idType: ID_TYPE[id.documentType], idNumber: id.idNumber.trim().toUpperCase(), birthDate: id.birthDate };
  // 0 unknown and 9 unspecified are not choices on the form: the doctor picks.
  if (id.sex === '1' || id.sex === '2') out.sex = id.sex;
  const ethnicity = id.ethnicity ?? '';
  if ((cs.codesOf(cs.ethnicity) as readonly string[]).includes(ethnicity)) out.ethnicity = ethnicity;
  const address = id.address?.trim();
  if (address) {
    out.registeredAddress = address;
    out.currentAddress = address;
  }
  return out;
}
