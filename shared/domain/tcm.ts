/**
 * 老年人中医药健康管理 (tcm.md): the 33 items of the 老年人中医药健康管理服务记录表 as the form prints them, their
 * scoring and the constitution determination (中医体质辨识, ZYYXH/T157-2009 as the Spec's 体质判定标准表 applies it),
 * and the health-guidance choices per type. Pure; tests at every boundary in test/unit/shared/domain/tcm.test.ts.
 */

/** 1 根本不/从来没有, 2 很少, 3 有时, 4 经常, 5 总是 (or the item's own printed anchors). */
export type TcmScore = 1 | 2 | 3 | 4 | 5;

export const TCM_ITEM_COUNT = 33;

export interface TcmItem {
  /** Number on the form, 1–33. */
  no: number;
  zh: string;
  /** The explanatory note printed after the question, if any. */
  noteZh?: string;
  /** The item's own answer anchors for scores 1–5, when the form prints them instead of 根本不 … 总是. */
  anchorsZh?: readonly [string, string, string, string, string];
}

/** The 33 questions as printed (about how the person has felt over the past year). */
export const TCM_ITEMS: readonly TcmItem[] = [
  { no: 1, zh: '您精力充沛吗？', noteZh: '指精神头足，乐于做事' },
  { no: 2, zh: '您容易疲乏吗？', noteZh: '指体力如何，是否稍微活动一下或做一点家务劳动就感到累' },
  { no: 3, zh: '您容易气短，呼吸短促，接不上气吗？' },
  { no: 4, zh: '您说话声音低弱无力吗？', noteZh: '指说话没有力气' },
  { no: 5, zh: '您感到闷闷不乐、情绪低沉吗？', noteZh: '指心情不愉快，情绪低落' },
  { no: 6, zh: '您容易精神紧张、焦虑不安吗？', noteZh: '指遇事是否心情紧张' },
  { no: 7, zh: '您因为生活状态改变而感到孤独、失落吗？' },
  { no: 8, zh: '您容易感到害怕或受到惊吓吗？' },
  {
    no: 9,
    zh: '您感到身体超重不轻松吗？',
    noteZh: '感觉身体沉重',
    anchorsZh: ['BMI＜24', '24≤BMI＜25', '25≤BMI＜26', '26≤BMI＜28', 'BMI≥28'],
  },
  { no: 10, zh: '您眼睛干涩吗？' },
  { no: 11, zh: '您手脚发凉吗？', noteZh: '不包含因周围温度低或穿的少导致的手脚发冷' },
  { no: 12, zh: '您胃脘部、背部或腰膝部怕冷吗？', noteZh: '指上腹部、背部、腰部或膝关节等，有一处或多处怕冷' },
  { no: 13, zh: '您比一般人耐受不了寒冷吗？', noteZh: '指比别人容易害怕冬天或是夏天的冷空调、电扇等' },
  {
    no: 14,
    zh: '您容易患感冒吗？',
    noteZh: '指每年感冒的次数',
    anchorsZh: ['一年＜2次', '一年感冒2～4次', '一年感冒5～6次', '一年8次以上', '几乎每月都感冒'],
  },
  { no: 15, zh: '您没有感冒时也会鼻塞、流鼻涕吗？' },
  { no: 16, zh: '您有口粘口腻，或睡眠打鼾吗？' },
  {
    no: 17,
    zh: '您容易过敏（对药物、食物、气味、花粉或在季节交替、气候变化时）吗？',
    anchorsZh: ['从来没有', '一年1、2次', '一年3、4次', '一年5、6次', '每次遇到上述原因都过敏'],
  },
  { no: 18, zh: '您的皮肤容易起荨麻疹吗？', noteZh: '包括风团、风疹块、风疙瘩' },
  { no: 19, zh: '您的皮肤在不知不觉中会出现青紫瘀斑、皮下出血吗？', noteZh: '指皮肤在没有外伤的情况下出现青一块紫一块的情况' },
  { no: 20, zh: '您的皮肤一抓就红，并出现抓痕吗？', noteZh: '指被指甲或钝物划过后皮肤的反应' },
  { no: 21, zh: '您皮肤或口唇干吗？' },
  { no: 22, zh: '您有肢体麻木或固定部位疼痛的感觉吗？' },
  { no: 23, zh: '您面部或鼻部有油腻感或者油亮发光吗？', noteZh: '指脸上或鼻子' },
  { no: 24, zh: '您面色或目眶晦暗，或出现褐色斑块/斑点吗？' },
  { no: 25, zh: '您有皮肤湿疹、疮疖吗？' },
  { no: 26, zh: '您感到口干咽燥、总想喝水吗？' },
  { no: 27, zh: '您感到口苦或嘴里有异味吗？', noteZh: '指口苦或口臭' },
  {
    no: 28,
    zh: '您腹部肥大吗？',
    noteZh: '指腹部脂肪肥厚',
    anchorsZh: ['腹围＜80cm，相当于2.4尺', '腹围80～85cm，2.4～2.55尺', '腹围86～90cm，2.56～2.7尺', '腹围91～105cm，2.71～3.15尺', '腹围＞105cm，3.15尺'],
  },
  { no: 29, zh: '您吃（喝）凉的东西会感到不舒服或者怕吃（喝）凉的东西吗？', noteZh: '指不喜欢吃凉的食物，或吃了凉的食物后会不舒服' },
  { no: 30, zh: '您有大便黏滞不爽、解不尽的感觉吗？', noteZh: '大便容易粘在马桶或便坑壁上' },
  { no: 31, zh: '您容易大便干燥吗？' },
  { no: 32, zh: '您舌苔厚腻或有舌苔厚厚的感觉吗？', noteZh: '如果自我感觉不清楚可由调查员观察后填写' },
  { no: 33, zh: '您舌下静脉瘀紫或增粗吗？', noteZh: '可由调查员辅助观察后填写' },
];

/** The generic anchors of scores 1–5. */
export const TCM_SCALE_ZH = ['没有（根本不/从来没有）', '很少（有一点/偶尔）', '有时（有些/少数时间）', '经常（相当/多数时间）', '总是（非常/每天）'] as const;

export const BIASED_TYPES = ['qiXu', 'yangXu', 'yinXu', 'tanShi', 'shiRe', 'xueYu', 'qiYu', 'teBing'] as const;
export type BiasedType = (typeof BIASED_TYPES)[number];
export type ConstitutionType = BiasedType | 'pingHe';
export const CONSTITUTION_TYPES: readonly ConstitutionType[] = ['pingHe', ...BIASED_TYPES];

/** tcm.md table: the items summed per type. */
export const TYPE_ITEMS: Readonly<Record<ConstitutionType, readonly number[]>> = {
  qiXu: [2, 3, 4, 14],
  yangXu: [11, 12, 13, 29],
  yinXu: [10, 21, 26, 31],
  tanShi: [9, 16, 28, 32],
  shiRe: [23, 25, 27, 30],
  xueYu: [19, 22, 24, 33],
  qiYu: [5, 6, 7, 8],
  teBing: [15, 17, 18, 20],
  pingHe: [1, 2, 4, 5, 13],
};
/** 平和质 scores these items in reverse (1↔5, 2↔4, 3 stays). */
export const PINGHE_REVERSED: readonly number[] = [2, 4, 5, 13];

export const TYPE_NAMES_ZH: Readonly<Record<ConstitutionType, string>> = {
  pingHe: '平和质',
  qiXu: '气虚质',
  yangXu: '阳虚质',
  yinXu: '阴虚质',
  tanShi: '痰湿质',
  shiRe: '湿热质',
  xueYu: '血瘀质',
  qiYu: '气郁质',
  teBing: '特禀质',
};

/** 是 / 倾向是 (biased types) / 基本是 (平和质 only) / 否. */
export type TcmResult = 'yes' | 'tendency' | 'basically' | 'no';

export const BIASED_YES = 11;
export const BIASED_TENDENCY = 9;
export const PINGHE_YES = 17;

/** Biased type: sum ≥ 11 是; 9–10 倾向是; ≤ 8 否 (tcm.md). */
export function biasedResult(sum: number): TcmResult {
  if (sum >= BIASED_YES) return 'yes';
  if (sum >= BIASED_TENDENCY) return 'tendency';
  return 'no';
}

/** 平和质: sum ≥ 17 and every other type ≤ 8 是; sum ≥ 17 and every other ≤ 10 基本是; otherwise 否 (tcm.md). */
export function pingHeResult(sum: number, otherSums: readonly number[]): TcmResult {
  if (sum < PINGHE_YES) return 'no';
  const maxOther = Math.max(0, ...otherSums);
  if (maxOther < BIASED_TENDENCY) return 'yes';
  if (maxOther < BIASED_YES) return 'basically';
  return 'no';
}

export interface TcmTypeScore {
  type: ConstitutionType;
  sum: number;
  result: TcmResult;
}

export type TcmScoring =
  | { ok: true; scores: TcmTypeScore[]; /** Types with 是 / 倾向是 / 基本是, in form order. */ constitutions: ConstitutionType[] }
  | { ok: false; /** Item numbers without a valid 1–5 answer: the form allows no blanks. */ missing: number[] };

function isScore(v: unknown): v is TcmScore {
  return v === 1 || v === 2 || v === 3 || v === 4 || v === 5;
}

/** Scores answers (index 0 = item 1). Every item must be answered 1–5. */
export function scoreTcm(answers: readonly unknown[]): TcmScoring {
  const missing = TCM_ITEMS.map((i) => i.no).filter((no) => !isScore(answers[no - 1]));
  if (missing.length > 0 || answers.length !== TCM_ITEM_COUNT) return { ok: false, missing };
  const a = (no: number, reversed: boolean) => {
    const v = answers[no - 1] as TcmScore;
    return reversed ? 6 - v : v;
  };
  const biased = BIASED_TYPES.map((type) => {
    const sum = TYPE_ITEMS[type].reduce((s, no) => s + a(no, false), 0);
    return { type, sum, result: biasedResult(sum) };
  });
  const pingHeSum = TYPE_ITEMS.pingHe.reduce((s, no) => s + a(no, PINGHE_REVERSED.includes(no)), 0);
  const pingHe: TcmTypeScore = { type: 'pingHe', sum: pingHeSum, result: pingHeResult(pingHeSum, biased.map((b) => b.sum)) };
  const scores = [pingHe, ...biased];
  return { ok: true, scores, constitutions: scores.filter((s) => s.result !== 'no').map((s) => s.type) };
}

/** Item 9 from the BMI (tcm.md: < 24 → 1, 24–< 25 → 2, 25–< 26 → 3, 26–< 28 → 4, ≥ 28 → 5). */
export function item9FromBmi(bmi: number): TcmScore {
  if (bmi < 24) return 1;
  if (bmi < 25) return 2;
  if (bmi < 26) return 3;
  if (bmi < 28) return 4;
  return 5;
}

/** Item 28 from the waist as the form prints it: < 80 → 1, 80–85 → 2, 86–90 → 3, 91–105 → 4, > 105 → 5 (cm). */
export function item28FromWaist(waistCm: number): TcmScore {
  if (waistCm < 80) return 1;
  if (waistCm < 86) return 2;
  if (waistCm < 91) return 3;
  if (waistCm <= 105) return 4;
  return 5;
}

/** 中医药保健指导 as the form ticks it: 1 情志调摄, 2 饮食调养, 3 起居调摄, 4 运动保健, 5 穴位保健, 6 其他. */
export const GUIDANCE_CODES = [1, 2, 3, 4, 5, 6] as const;
export type GuidanceCode = (typeof GUIDANCE_CODES)[number];
export const GUIDANCE_NAMES_ZH: Readonly<Record<GuidanceCode, string>> = {
  1: '情志调摄',
  2: '饮食调养',
  3: '起居调摄',
  4: '运动保健',
  5: '穴位保健',
  6: '其他',
};

/** Short guidance per type, by guidance code, shown when the type is 是/倾向是/基本是 (common teaching material). */
export const GUIDANCE_ZH: Readonly<Record<ConstitutionType, Readonly<Partial<Record<GuidanceCode, string>>>>> = {
  pingHe: { 2: '饮食有节，不偏食', 3: '起居有常，劳逸结合', 4: '适度运动，如散步、太极拳' },
  qiXu: { 1: '保持稳定乐观，不过度劳神', 2: '多吃益气健脾食物：山药、大枣、小米、鸡肉', 3: '避免过劳，防风寒', 4: '柔缓运动：散步、太极拳、八段锦', 5: '足三里、气海' },
  yangXu: { 1: '多与人交流，消除不良情绪', 2: '宜温阳食物：羊肉、韭菜、生姜；少食生冷', 3: '注意保暖，尤其腰背和下肢', 4: '日光充足时做和缓运动', 5: '关元、命门（可艾灸）' },
  yinXu: { 1: '平和心态，避免急躁', 2: '宜滋阴食物：百合、银耳、鸭肉、芝麻；少食辛辣', 3: '保证睡眠，避免熬夜', 4: '中小强度运动，避免大汗', 5: '太溪、三阴交' },
  tanShi: { 2: '饮食清淡，少食肥甘厚味，多吃冬瓜、薏苡仁、赤小豆', 3: '居处避潮湿，多晒太阳', 4: '坚持长期运动，控制体重', 5: '丰隆、足三里' },
  shiRe: { 1: '克制情绪，安神定志', 2: '宜清淡，多吃绿豆、苦瓜、冬瓜；戒烟限酒', 3: '避免湿热环境，保持二便通畅', 4: '中高强度运动，如跑步、游泳', 5: '支沟、阴陵泉' },
  xueYu: { 1: '保持心情愉快', 2: '宜活血食物：山楂、黑木耳、洋葱；少食寒凉', 3: '注意保暖，避免久坐', 4: '有益血脉的运动：太极拳、健步走', 5: '期门、血海' },
  qiYu: { 1: '多参加社交和文娱活动，舒畅情志', 2: '宜理气食物：玫瑰花、佛手、萝卜、柑橘', 3: '起居规律，多户外活动', 4: '大强度多出汗的运动及集体运动', 5: '合谷、太冲' },
  teBing: { 2: '饮食清淡，避免已知致敏食物', 3: '避开过敏原，季节交替时注意防护', 4: '适度运动，增强体质', 5: '足三里、风门', 6: '过敏发作时及时就医' },
};

/** The guidance codes the form ticks by default for the determined types (the doctor may change them). */
export function defaultGuidance(constitutions: readonly ConstitutionType[]): Partial<Record<ConstitutionType, GuidanceCode[]>> {
  const out: Partial<Record<ConstitutionType, GuidanceCode[]>> = {};
  for (const t of constitutions) out[t] = GUIDANCE_CODES.filter((c) => GUIDANCE_ZH[t][c] !== undefined);
  return out;
}

/**
 * 老年人中医药健康管理 as indicators.md §4 counts it: 中医体质辨识 (every item answered, so the constitutions are
 * determined) and 保健指导 (a guidance code ticked for a type, or written under 其他). Reads a stored form defensively.
 */
export function isCompleteTcmService(form: { answers?: unknown; guidance?: unknown; guidanceOther?: unknown }): boolean {
  if (typeof form !== 'object' || form === null || !Array.isArray(form.answers) || !scoreTcm(form.answers).ok) return false;
  const guidance = typeof form.guidance === 'object' && form.guidance !== null ? Object.values(form.guidance) : [];
  const ticked = guidance.some((codes) => Array.isArray(codes) && codes.length > 0);
  return ticked || (typeof form.guidanceOther === 'string' && form.guidanceOther.trim() !== '');
}
