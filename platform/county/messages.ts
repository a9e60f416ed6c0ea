/** The county view's own texts, Chinese first, English second (indicator names come from shared/domain/indicators/messages.ts). */
import type { PeriodKind } from '../../shared/domain/indicators/period';

export type CountyLang = 'zh' | 'en';

type Texts = Record<
  | 'product'
  | 'languageName'
  | 'signInTitle'
  | 'signInHint'
  | 'username'
  | 'password'
  | 'signIn'
  | 'signOut'
  | 'wrongPassword'
  | 'throttled'
  | 'signInAgain'
  | 'overviewTitle'
  | 'computedHere'
  | 'period'
  | 'periodKind'
  | 'year'
  | 'index'
  | 'show'
  | 'clinic'
  | 'lastSync'
  | 'pending'
  | 'residents'
  | 'never'
  | 'noClinics'
  | 'ackedUpTo'
  | 'devices'
  | 'documents'
  | 'clinicIndicators'
  | 'notFound'
  | 'badPeriod',
  string
> & { kinds: Record<PeriodKind, string> };

export const countyMessages: Record<CountyLang, Texts> = {
  zh: {
    product: '村医 · 县级平台',
    languageName: '中文',
    signInTitle: '县级操作员登录',
    signInHint: '只读查看各卫生院的考核指标与同步情况。',
    username: '用户名',
    password: '密码',
    signIn: '登录',
    signOut: '退出',
    wrongPassword: '用户名或密码不正确。',
    throttled: '尝试次数过多，请稍后再试。',
    signInAgain: '登录已过期，请重新登录。',
    overviewTitle: '各卫生院考核指标',
    computedHere: '由平台根据已同步的记录计算，与卫生院使用同一套指标规则。',
    period: '报告期',
    periodKind: '报表类型',
    year: '年',
    index: '月/季',
    show: '查看',
    clinic: '卫生院',
    lastSync: '最近同步',
    pending: '待上传',
    residents: '档案数',
    never: '从未同步',
    noClinics: '平台上还没有登记卫生院。',
    ackedUpTo: '已全部上传至',
    devices: '设备数',
    documents: '平台上的记录数',
    clinicIndicators: '全院指标',
    notFound: '没有找到该页面或卫生院。',
    badPeriod: '报告期不正确。',
    kinds: { month: '月报', quarter: '季报', year: '年报' },
  },
  en: {
    product: 'Cunyi · County platform',
    languageName: 'English',
    signInTitle: 'County operator sign-in',
    signInHint: "Read-only view of each clinic's indicators and sync state.",
    username: 'User name',
    password: 'Password',
    signIn: 'Sign in',
    signOut: 'Sign out',
    wrongPassword: 'The user name or password is wrong.',
    throttled: 'Too many attempts; try again later.',
    signInAgain: 'Your session has ended; sign in again.',
    overviewTitle: "Clinics' indicators",
    computedHere: 'Computed on the platform from the synced records, with the same indicator rules the clinics use.',
    period: 'Period',
    periodKind: 'Report',
    year: 'Year',
    index: 'Month/quarter',
    show: 'Show',
    clinic: 'Clinic',
    lastSync: 'Last sync',
    pending: 'Pending',
    residents: 'Records',
    never: 'Never synced',
    noClinics: 'No clinic is registered on the platform yet.',
    ackedUpTo: 'Everything uploaded up to',
    devices: 'Devices',
    documents: 'Documents on the platform',
    clinicIndicators: 'Whole clinic',
    notFound: 'No such page or clinic.',
    badPeriod: 'Not a valid report period.',
    kinds: { month: 'Monthly', quarter: 'Quarterly', year: 'Yearly' },
  },
};
