/**
 * Builds SAM read replies from card fields (id-card-sam.md "Recipe to rebuild V2/V3"): used by the simulator and
 * the tests. Each field is UCS-2LE, right-padded with U+0020 to its width; the type flag sits at bytes 248–249.
 */
import { encodeReply } from './frame';

export interface ResidentFields {
  layout?: ' ' | 'J';
  name: string;
  sex: string;
  ethnicity: string;
  birth: string;
  address: string;
  id: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  passNumber?: string;
  issueCount?: string;
}
export interface Foreign2017Fields {
  layout: 'I';
  nameEnglish: string;
  sex: string;
  cardNumber: string;
  nationality: string;
  nameChinese: string;
  validFrom: string;
  validTo: string;
  birth: string;
  cardVersion: string;
  authority: string;
}
export interface Foreign2023Fields {
  layout: 'Y';
  name: string;
  sex: string;
  renewal: string;
  birth: string;
  nameEnglish1: string;
  idNumber: string;
  validFrom: string;
  validTo: string;
  nameEnglish2: string;
  nationality: string;
  previous: string;
}
export type CardFields = ResidentFields | Foreign2017Fields | Foreign2023Fields;

/** V2 of id-card-sam.md (synthetic person). */
export const V2_FIELDS: ResidentFields = {
  name: '张三丰',
  sex: '1',
  ethnicity: '01',
  birth: '19900307',
  address: '北京市东城区示例路1号',
  id: '110105199003070017',
  issuer: '北京市公安局东城分局',
  validFrom: '20150101',
  validTo: '20350101',
};

/** V3 of id-card-sam.md: Hong Kong resident's residence permit (synthetic person). */
export const V3_FIELDS: ResidentFields = {
  layout: 'J',
  name: '陈大文',
  sex: '1',
  ethnicity: '',
  birth: '19850612',
  address: '广东省深圳市福田区示例路8号',
  id: '810000198506120032',
  issuer: '深圳市公安局',
  validFrom: '20190901',
  validTo: '20290901',
  passNumber: 'H60123456',
  issueCount: '01',
};

export function buildText(f: CardFields): Uint8Array {
  const text = Buffer.alloc(256);
  for (let i = 0; i < 256; i += 2) text.writeUInt16LE(0x20, i);
  const put = (from: number, to: number, value: string) => {
    const b = Buffer.from(value, 'utf16le');
    b.copy(text, from, 0, Math.min(b.length, to - from));
  };
  switch (f.layout) {
    case 'I':
      put(0, 120, f.nameEnglish);
      put(120, 122, f.sex);
      put(122, 152, f.cardNumber);
      put(152, 158, f.nationality);
      put(158, 188, f.nameChinese);
      put(188, 204, f.validFrom);
      put(204, 220, f.validTo);
      put(220, 236, f.birth);
      put(236, 240, f.cardVersion);
      put(240, 248, f.authority);
      put(248, 250, 'I');
      break;
    case 'Y':
      put(0, 30, f.name);
      put(30, 32, f.sex);
      put(32, 36, f.renewal);
      put(36, 52, f.birth);
      put(52, 122, f.nameEnglish1);
      put(122, 158, f.idNumber);
      put(188, 204, f.validFrom);
      put(204, 220, f.validTo);
      put(220, 242, f.nameEnglish2);
      put(242, 248, f.nationality);
      put(248, 250, 'Y');
      put(250, 256, f.previous);
      break;
    default:
      put(0, 30, f.name);
      put(30, 32, f.sex);
      put(32, 36, f.ethnicity);
      put(36, 52, f.birth);
      put(52, 122, f.address);
      put(122, 158, f.id);
      put(158, 188, f.issuer);
      put(188, 204, f.validFrom);
      put(204, 220, f.validTo);
      if (f.layout === 'J') {
        put(220, 238, f.passNumber ?? '');
        put(238, 242, f.issueCount ?? '');
        put(248, 250, 'J');
      }
  }
  return Uint8Array.from(text);
}

/** A `30 01` OK reply: text length 256, photo length, text, photo. */
export function readReply(text: Uint8Array, photo: Uint8Array): Uint8Array {
  return encodeReply(0x90, [0x01, 0x00, (photo.length >> 8) & 0xff, photo.length & 0xff, ...text, ...photo]);
}
