import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import * as cs from '../../../shared/domain/code-sets';
import type { Resident } from '../../../shared/schemas/resident';
import { codeLabel, useLang } from './code-options';

/** 个人基本信息表, read-only, with the code sets' labels. */
export function PersonalInfo({ resident: r }: { resident: Resident }) {
  const { t } = useTranslation();
  const lang = useLang();
  const one = (set: readonly cs.CodeItem[], code: string | undefined) => codeLabel(set, code, lang);
  const many = (set: readonly cs.CodeItem[], codes: readonly string[] | undefined) => (codes ?? []).map((c) => codeLabel(set, c, lang)).join('、');
  const events = (rows: Resident['surgeries']) =>
    rows === undefined ? '' : rows.length === 0 ? codeLabel(cs.noneOrHas, '1', lang) : rows.map((e) => `${e.name} ${e.date ?? ''}`.trim()).join('；');
  const family = r.familyHistory;
  const items: [string, string][] = [
    ['employer', r.employer ?? ''],
    ['contactName', [r.contactName, r.contactPhone].filter(Boolean).join(' ')],
    ['residenceType', one(cs.residenceType, r.residenceType)],
    ['ethnicity', one(cs.ethnicity, r.ethnicity)],
    ['bloodType', [one(cs.bloodType, r.bloodType), r.rhNegative ? `RH ${one(cs.rhNegative, r.rhNegative)}` : ''].filter(Boolean).join(' ')],
    ['education', one(cs.education, r.education)],
    ['occupation', one(cs.occupation, r.occupation)],
    ['maritalStatus', one(cs.maritalStatus, r.maritalStatus)],
    ['paymentMethods', [many(cs.paymentMethods, r.paymentMethods), r.paymentOther].filter(Boolean).join(' ')],
    ['drugAllergies', [many(cs.drugAllergies, r.drugAllergies), r.drugAllergyOther].filter(Boolean).join(' ')],
    ['exposures', many(cs.exposures, r.exposures)],
    ['pastDiseases', r.pastDiseases.map((d) => [one(cs.pastDiseases, d.code), d.name, d.diagnosedMonth].filter(Boolean).join(' ')).join('；')],
    ['surgeries', events(r.surgeries)],
    ['injuries', events(r.injuries)],
    ['transfusions', events(r.transfusions)],
    [
      'familyHistory',
      family
        ? (['father', 'mother', 'siblings', 'children'] as const)
            .filter((k) => family[k].length > 0)
            .map((k) => `${t(`residents.field.family${k[0]?.toUpperCase()}${k.slice(1)}`)}: ${many(cs.familyHistory, family[k])}`)
            .join('；')
        : '',
    ],
    ['geneticHas', [one(cs.noneOrHas, r.geneticDisease?.has), r.geneticDisease?.name].filter(Boolean).join(' ')],
    ['disabilities', [many(cs.disabilities, r.disabilities), r.disabilityOther].filter(Boolean).join(' ')],
    ['kitchenExhaust', one(cs.kitchenExhaust, r.kitchenExhaust)],
    ['fuelType', one(cs.fuelType, r.fuelType)],
    ['drinkingWater', one(cs.drinkingWater, r.drinkingWater)],
    ['toiletType', one(cs.toiletType, r.toiletType)],
    ['livestockPen', one(cs.livestockPen, r.livestockPen)],
  ];
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2 }}
      items={items.map(([key, value]) => ({ key, label: t(`residents.field.${key}`), children: value || '—' }))}
    />
  );
}
