/**
 * Default 服务包 data (contracting.md §3). The basic package lists the national basic public health services a
 * resident is entitled to by population tag, so the follow-ups and checks already recorded count toward fulfilment
 * ("record once"). The personalised packages are examples: contents and prices are set by the county and are
 * edited in 设置; they are not national figures.
 */
import type { PopulationTag } from './population-tags';

export const TEAM_ROLES = [
  'familyDoctor',
  'nurse',
  'publicHealthDoctor',
  'villageDoctor',
  'pharmacist',
  'specialist',
  'other',
] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/**
 * Service codes. The first group is counted automatically from encounters (contract-rules.serviceRecordsFromEncounters);
 * the rest are recorded as `contractService` encounters when delivered.
 */
export const SERVICE_CODES = [
  'htnFollowup',
  't2dmFollowup',
  'fastingGlucoseTest',
  'healthCheck',
  'elderlySelfCareAssessment',
  'healthRecordMaintenance',
  'healthConsultation',
  'healthEducation',
  'tcmHealth',
  'homeVisit',
  'hba1cTest',
  'lipidPanel',
  'ecg',
  'fundusExam',
  'footExam',
  'medicationDelivery',
  'rehabGuidance',
] as const;
export type ServiceCode = (typeof SERVICE_CODES)[number];

export interface LocalizedName {
  zh: string;
  en: string;
}

export interface PackageItem {
  serviceCode: ServiceCode;
  name: LocalizedName;
  timesPerYear: number;
  who: TeamRole;
  /** The item applies to residents with any of these tags; absent = everyone the package is for. */
  forTags?: readonly PopulationTag[];
}

export interface ServicePackageData {
  packageId: string;
  name: LocalizedName;
  /** Who may choose it; empty = everyone. */
  targetTags: readonly PopulationTag[];
  priceYuan: number;
  isBasic: boolean;
  items: readonly PackageItem[];
}

export const BASIC_PACKAGE_ID = 'basic';

export const BASIC_PACKAGE: ServicePackageData = {
  packageId: BASIC_PACKAGE_ID,
  name: { zh: '基础服务包', en: 'Basic package' },
  targetTags: [],
  priceYuan: 0,
  isBasic: true,
  items: [
    // Spec service 1: the record is kept up to date for everyone; consultation is promised on demand, counted once a year.
    {
      serviceCode: 'healthRecordMaintenance',
      name: { zh: '健康档案维护', en: 'Health record maintenance' },
      timesPerYear: 1,
      who: 'villageDoctor',
    },
    {
      serviceCode: 'healthConsultation',
      name: { zh: '健康咨询', en: 'Health consultation' },
      timesPerYear: 1,
      who: 'familyDoctor',
    },
    // Spec service 7: ≥ 4 face-to-face follow-ups a year; T2DM patients get 4 free fasting glucose tests.
    {
      serviceCode: 'htnFollowup',
      name: { zh: '高血压患者随访', en: 'Hypertension follow-up' },
      timesPerYear: 4,
      who: 'villageDoctor',
      forTags: ['htn'],
    },
    {
      serviceCode: 't2dmFollowup',
      name: { zh: '2型糖尿病患者随访', en: 'Type 2 diabetes follow-up' },
      timesPerYear: 4,
      who: 'villageDoctor',
      forTags: ['t2dm'],
    },
    {
      serviceCode: 'fastingGlucoseTest',
      name: { zh: '空腹血糖检测', en: 'Fasting glucose test' },
      timesPerYear: 4,
      who: 'villageDoctor',
      forTags: ['t2dm'],
    },
    // Spec services 6 and 7: one health check a year for 65+ and for managed HTN/T2DM patients.
    {
      serviceCode: 'healthCheck',
      name: { zh: '健康体检', en: 'Health check' },
      timesPerYear: 1,
      who: 'familyDoctor',
      forTags: ['elderly65', 'htn', 't2dm'],
    },
    {
      serviceCode: 'elderlySelfCareAssessment',
      name: { zh: '老年人生活自理能力评估', en: 'Self-care assessment (65+)' },
      timesPerYear: 1,
      who: 'familyDoctor',
      forTags: ['elderly65'],
    },
    // Spec service 10: 中医体质辨识 once a year for 65+.
    {
      serviceCode: 'tcmHealth',
      name: { zh: '中医药健康管理', en: 'TCM health management' },
      timesPerYear: 1,
      who: 'familyDoctor',
      forTags: ['elderly65'],
    },
  ],
};

export const EXAMPLE_PERSONALISED_PACKAGES: readonly ServicePackageData[] = [
  {
    packageId: 'htn-plus',
    name: { zh: '高血压个性化服务包', en: 'Hypertension personalised package' },
    targetTags: ['htn'],
    priceYuan: 60,
    isBasic: false,
    items: [
      { serviceCode: 'lipidPanel', name: { zh: '血脂检测', en: 'Lipid panel' }, timesPerYear: 1, who: 'familyDoctor' },
      { serviceCode: 'ecg', name: { zh: '心电图', en: 'ECG' }, timesPerYear: 1, who: 'familyDoctor' },
      { serviceCode: 'homeVisit', name: { zh: '上门随访', en: 'Home visit' }, timesPerYear: 2, who: 'villageDoctor' },
    ],
  },
  {
    packageId: 't2dm-plus',
    name: { zh: '糖尿病个性化服务包', en: 'Diabetes personalised package' },
    targetTags: ['t2dm'],
    priceYuan: 80,
    isBasic: false,
    items: [
      { serviceCode: 'hba1cTest', name: { zh: '糖化血红蛋白检测', en: 'HbA1c test' }, timesPerYear: 2, who: 'familyDoctor' },
      { serviceCode: 'fundusExam', name: { zh: '眼底检查', en: 'Fundus examination' }, timesPerYear: 1, who: 'specialist' },
      {
        serviceCode: 'footExam',
        name: { zh: '糖尿病足筛查', en: 'Diabetic foot screening' },
        timesPerYear: 1,
        who: 'familyDoctor',
      },
    ],
  },
  {
    packageId: 'elderly-plus',
    name: { zh: '老年人个性化服务包', en: 'Elderly personalised package' },
    targetTags: ['elderly65'],
    priceYuan: 50,
    isBasic: false,
    items: [
      { serviceCode: 'homeVisit', name: { zh: '上门巡诊', en: 'Home visit' }, timesPerYear: 4, who: 'villageDoctor' },
      {
        serviceCode: 'rehabGuidance',
        name: { zh: '康复指导', en: 'Rehabilitation guidance' },
        timesPerYear: 2,
        who: 'nurse',
      },
      {
        serviceCode: 'medicationDelivery',
        name: { zh: '送药上门', en: 'Medication delivery' },
        timesPerYear: 4,
        who: 'villageDoctor',
      },
    ],
  },
];

export const DEFAULT_PACKAGES: readonly ServicePackageData[] = [BASIC_PACKAGE, ...EXAMPLE_PERSONALISED_PACKAGES];

/** Whether a resident with `tags` may choose the package (targetTags empty = everyone). */
export function isPackageFor(pkg: Pick<ServicePackageData, 'targetTags'>, tags: readonly PopulationTag[]): boolean {
  return pkg.targetTags.length === 0 || pkg.targetTags.some((t) => tags.includes(t));
}

/** The items of a package that apply to a resident with `tags`. */
export function itemsFor(pkg: Pick<ServicePackageData, 'items'>, tags: readonly PopulationTag[]): PackageItem[] {
  return pkg.items.filter((i) => !i.forTags || i.forTags.some((t) => tags.includes(t)));
}
