/**
 * Names for the synthetic township. Surname weights follow the published frequency order of Chinese surnames
 * (per-mille, rounded); the tail keeps the cases search must handle: surnames read differently as surnames
 * (曾 zeng, 单 shan, 解 xie, 仇 qiu, 区 ou, 查 zha, 乐 yue), compound surnames (欧阳, 司马, 诸葛), and 𠮷, a
 * surname outside the Basic Multilingual Plane (two UTF-16 units). Given names follow the fashions of each birth
 * cohort, so a village's 80-year-olds are 秀英 and 建国 and its children 子涵 and 浩宇.
 */
import type { Rng } from './random';

export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 23], ['赵', 20], ['吴', 18], ['周', 17],
  ['徐', 14], ['孙', 13], ['马', 12], ['朱', 11], ['胡', 11], ['郭', 10], ['何', 9], ['林', 9], ['高', 9], ['罗', 8.5],
  ['郑', 8], ['梁', 7.5], ['谢', 6.5], ['宋', 6], ['唐', 6], ['许', 5.5], ['韩', 5.5], ['冯', 5], ['邓', 5], ['曹', 5],
  ['彭', 4.5], ['曾', 4.5], ['肖', 4.5], ['田', 4], ['董', 4], ['袁', 4], ['潘', 4], ['于', 3.8], ['蒋', 3.7], ['蔡', 3.6],
  ['余', 3.5], ['杜', 3.5], ['叶', 3.4], ['程', 3.3], ['苏', 3.2], ['魏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['沈', 2.8],
  ['姚', 2.7], ['卢', 2.7], ['姜', 2.6], ['崔', 2.5], ['钟', 2.4], ['谭', 2.4], ['陆', 2.3], ['汪', 2.2], ['范', 2.2], ['金', 2.1],
  ['石', 2], ['廖', 2], ['贾', 1.9], ['夏', 1.9], ['韦', 1.8], ['付', 1.8], ['方', 1.7], ['白', 1.7], ['邹', 1.7], ['孟', 1.6],
  ['熊', 1.6], ['秦', 1.5], ['邱', 1.5], ['江', 1.5], ['尹', 1.4], ['薛', 1.4], ['闫', 1.4], ['段', 1.3], ['雷', 1.3], ['侯', 1.2],
  ['龙', 1.2], ['史', 1.2], ['陶', 1.1], ['黎', 1.1], ['贺', 1.1], ['顾', 1], ['毛', 1], ['郝', 1], ['龚', 1], ['邵', 1],
  ['万', 1], ['覃', 0.9], ['武', 0.9], ['钱', 0.9], ['戴', 0.9], ['严', 0.8], ['莫', 0.8], ['孔', 0.8], ['向', 0.8], ['常', 0.7],
  ['单', 0.5], ['解', 0.4], ['仇', 0.3], ['区', 0.3], ['查', 0.3], ['乐', 0.3], ['欧阳', 0.5], ['司马', 0.1], ['诸葛', 0.1],
  ['𠮷', 0.8],
];

/** Birth cohorts whose naming fashions differ. */
export type Cohort = 'before1960' | 'from1960' | 'from1980' | 'from2000';

export function cohortOf(birthYear: number): Cohort {
  if (birthYear < 1960) return 'before1960';
  if (birthYear < 1980) return 'from1960';
  if (birthYear < 2000) return 'from1980';
  return 'from2000';
}

const GIVEN: Readonly<Record<Cohort, { male: readonly string[]; female: readonly string[] }>> = {
  before1960: {
    male: ['建国', '国庆', '德胜', '长生', '福来', '永福', '金生', '水生', '振华', '志强', '文华', '有才', '明', '德', '福', '国强', '富贵', '跃进', '解放', '保国', '树林', '顺'],
    female: ['秀英', '桂兰', '淑珍', '玉兰', '桂英', '秀兰', '凤英', '玉珍', '翠花', '素芬', '美英', '金花', '秀珍', '春花', '玉梅', '兰英', '月娥', '英', '兰'],
  },
  from1960: {
    male: ['伟', '军', '勇', '强', '建华', '建军', '志刚', '海涛', '国华', '卫东', '红军', '永强', '小平', '立新', '德华', '文斌', '学军', '春生', '长乐'],
    female: ['丽', '红', '艳', '芳', '红梅', '丽华', '海燕', '秀梅', '美玲', '丽娟', '春梅', '晓红', '小燕', '玉华', '素华', '桂芳', '萍'],
  },
  from1980: {
    male: ['浩', '磊', '鑫', '杰', '涛', '鹏', '超', '伟杰', '俊杰', '家豪', '志豪', '晓东', '明辉', '振宇', '嘉伟', '文杰', '重阳'],
    female: ['婷', '静', '敏', '丹', '倩', '婷婷', '晓丽', '佳怡', '雪梅', '思思', '丽萍', '文静', '慧敏', '燕玲', '乐'],
  },
  from2000: {
    male: ['子轩', '浩宇', '宇轩', '梓豪', '一鸣', '俊熙', '睿', '浩然', '子墨', '博文', '皓轩', '宇航', '梓睿', '沐阳', '乐天'],
    female: ['子涵', '梓萱', '一诺', '欣怡', '诗涵', '雨桐', '可馨', '语汐', '梓涵', '思琪', '若曦', '依诺', '紫萱', '乐怡'],
  },
};

export function pickSurname(rng: Rng): string {
  return rng.weighted(SURNAMES);
}

/** A given name of 1–2 characters in the fashion of the birth year; sex 1 男, 2 女. */
export function pickGivenName(rng: Rng, birthYear: number, sex: 1 | 2): string {
  const names = GIVEN[cohortOf(birthYear)];
  return rng.pick(sex === 1 ? names.male : names.female);
}

/** Village names for a township that has none configured (rural Guangdong style, but generic enough anywhere). */
export const VILLAGE_NAMES: readonly string[] = [
  '东光村', '西山村', '南坑村', '北岭村', '新围村', '上塘村', '下洋村', '石桥村', '龙井村', '高田村', '青山村', '河口村',
  '大埔村', '长沙村', '白石村', '黄泥村', '竹园村', '新联村', '和平村', '三多村',
];

/** Doctor names shown as 责任医生 and on follow-up signatures. */
export const DOCTOR_NAMES: readonly string[] = ['李建华', '陈秀梅', '黄志强', '林海燕', '张德明', '吴丽娟'];

/** 县人民医院 departments used as referral destinations. */
export const REFERRAL_DEPARTMENTS = { htn: '县人民医院 心血管内科', t2dm: '县人民医院 内分泌科' } as const;
