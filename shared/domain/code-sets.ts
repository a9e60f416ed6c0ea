/**
 * Code sets of the resident record forms (records.md). Codes are the tick-box numbers printed on the Spec forms
 * (strings, so '01' and '1' stay distinct) unless a GB code is named. The zh labels are what the doctor sees; en is
 * for the English UI. Schemas derive their enums from these lists, so a code exists in one place only.
 */

export interface CodeItem {
  code: string;
  zh: string;
  en: string;
}

type Row = readonly [code: string, zh: string, en: string];
/** A code set whose codes keep their literal types, so schemas infer `'1' | '2'` rather than `string`. */
export type CodeSet<C extends string = string> = readonly { code: C; zh: string; en: string }[];
const cs = <const R extends readonly Row[]>(rows: R): CodeSet<R[number][0]> =>
  rows.map(([code, zh, en]) => ({ code, zh, en }));
const noneOrYes = (none: string, yes: string, noneEn = 'None', yesEn = 'Yes') => cs([['1', none, noneEn], ['2', yes, yesEn]] as const);

/** GB/T 2261.1. Listed in the order a form offers them: 男/女 first, the rare codes 0 and 9 after (issue 16). */
export const sex = cs([['1', '男', 'Male'], ['2', '女', 'Female'], ['0', '未知的性别', 'Unknown'], ['9', '未说明的性别', 'Not stated']]);

/** GB/T 3304-1991 (97/98 labels **unconfirmed**, records.md §2.1) */
export const ethnicity = cs([
  ['01', '汉族', 'Han'], ['02', '蒙古族', 'Mongol'], ['03', '回族', 'Hui'], ['04', '藏族', 'Tibetan'],
  ['05', '维吾尔族', 'Uyghur'], ['06', '苗族', 'Miao'], ['07', '彝族', 'Yi'], ['08', '壮族', 'Zhuang'],
  ['09', '布依族', 'Bouyei'], ['10', '朝鲜族', 'Korean'], ['11', '满族', 'Manchu'], ['12', '侗族', 'Dong'],
  ['13', '瑶族', 'Yao'], ['14', '白族', 'Bai'], ['15', '土家族', 'Tujia'], ['16', '哈尼族', 'Hani'],
  ['17', '哈萨克族', 'Kazakh'], ['18', '傣族', 'Dai'], ['19', '黎族', 'Li'], ['20', '傈僳族', 'Lisu'],
  ['21', '佤族', 'Va'], ['22', '畲族', 'She'], ['23', '高山族', 'Gaoshan'], ['24', '拉祜族', 'Lahu'],
  ['25', '水族', 'Sui'], ['26', '东乡族', 'Dongxiang'], ['27', '纳西族', 'Naxi'], ['28', '景颇族', 'Jingpo'],
  ['29', '柯尔克孜族', 'Kyrgyz'], ['30', '土族', 'Tu'], ['31', '达斡尔族', 'Daur'], ['32', '仫佬族', 'Mulao'],
  ['33', '羌族', 'Qiang'], ['34', '布朗族', 'Blang'], ['35', '撒拉族', 'Salar'], ['36', '毛南族', 'Maonan'],
  ['37', '仡佬族', 'Gelao'], ['38', '锡伯族', 'Xibe'], ['39', '阿昌族', 'Achang'], ['40', '普米族', 'Pumi'],
  ['41', '塔吉克族', 'Tajik'], ['42', '怒族', 'Nu'], ['43', '乌孜别克族', 'Uzbek'], ['44', '俄罗斯族', 'Russian'],
  ['45', '鄂温克族', 'Evenki'], ['46', '德昂族', "De'ang"], ['47', '保安族', 'Bonan'], ['48', '裕固族', 'Yugur'],
  ['49', '京族', 'Gin'], ['50', '塔塔尔族', 'Tatar'], ['51', '独龙族', 'Derung'], ['52', '鄂伦春族', 'Oroqen'],
  ['53', '赫哲族', 'Hezhen'], ['54', '门巴族', 'Monba'], ['55', '珞巴族', 'Lhoba'], ['56', '基诺族', 'Jino'],
  ['97', '其他未识别民族', 'Other (unrecognised)'], ['98', '外国血统中国籍人士', 'Chinese citizen of foreign origin'],
]);

export const residenceType = cs([['1', '户籍', 'Registered'], ['2', '非户籍', 'Not registered']]);
export const bloodType = cs([['1', 'A型', 'A'], ['2', 'B型', 'B'], ['3', 'O型', 'O'], ['4', 'AB型', 'AB'], ['5', '不详', 'Unknown']]);
export const rhNegative = cs([['1', '否', 'No'], ['2', '是', 'Yes'], ['3', '不详', 'Unknown']]);

/** Form codes; platform exchange maps to GB/T 4658 (10…90), never renumbered here. */
export const education = cs([
  ['1', '研究生', 'Postgraduate'], ['2', '大学本科', 'Bachelor'], ['3', '大学专科和专科学校', 'College'],
  ['4', '中等专业学校', 'Secondary vocational'], ['5', '技工学校', 'Technical school'], ['6', '高中', 'Senior high'],
  ['7', '初中', 'Junior high'], ['8', '小学', 'Primary'], ['9', '文盲或半文盲', 'Illiterate or semi-literate'], ['10', '不详', 'Unknown'],
]);

export const occupation = cs([
  ['0', '国家机关、党群组织、企业、事业单位负责人', 'Heads of government, party, enterprise or institution'],
  ['1', '专业技术人员', 'Professional and technical staff'], ['2', '办事人员和有关人员', 'Clerical staff'],
  ['3', '商业、服务业人员', 'Commerce and service workers'], ['4', '农、林、牧、渔、水利业生产人员', 'Agriculture, forestry, husbandry, fishery, water works'],
  ['5', '生产、运输设备操作人员及有关人员', 'Production and transport operators'], ['6', '军人', 'Military'],
  ['7', '不便分类的其他从业人员', 'Other workers'], ['8', '无职业', 'No occupation'],
]);

export const maritalStatus = cs([['1', '未婚', 'Never married'], ['2', '已婚', 'Married'], ['3', '丧偶', 'Widowed'], ['4', '离婚', 'Divorced'], ['5', '未说明的婚姻状况', 'Not stated']]);

/** 2 and 3 merged into 城乡居民基本医疗保险 (2016–2019): codes kept, the UI shows the alias. */
export const paymentMethods = cs([
  ['1', '城镇职工基本医疗保险', 'Urban employee basic medical insurance'], ['2', '城镇居民基本医疗保险', 'Urban resident basic medical insurance'],
  ['3', '新型农村合作医疗', 'New rural cooperative medical scheme'], ['4', '贫困救助', 'Poverty relief'],
  ['5', '商业医疗保险', 'Commercial insurance'], ['6', '全公费', 'Fully publicly funded'], ['7', '全自费', 'Fully self-paid'], ['8', '其他', 'Other'],
]);

export const drugAllergies = cs([['1', '无', 'None'], ['2', '青霉素', 'Penicillin'], ['3', '磺胺', 'Sulfonamides'], ['4', '链霉素', 'Streptomycin'], ['5', '其他', 'Other']]);
export const exposures = cs([['1', '无', 'None'], ['2', '化学品', 'Chemicals'], ['3', '毒物', 'Poisons'], ['4', '射线', 'Radiation']]);

export const pastDiseases = cs([
  ['1', '无', 'None'], ['2', '高血压', 'Hypertension'], ['3', '糖尿病', 'Diabetes'], ['4', '冠心病', 'Coronary heart disease'],
  ['5', '慢性阻塞性肺疾病', 'COPD'], ['6', '恶性肿瘤', 'Malignant tumour'], ['7', '脑卒中', 'Stroke'],
  ['8', '严重精神障碍', 'Severe mental disorder'], ['9', '结核病', 'Tuberculosis'], ['10', '肝炎', 'Hepatitis'],
  ['11', '其他法定传染病', 'Other notifiable infectious disease'], ['12', '职业病', 'Occupational disease'], ['13', '其他', 'Other'],
]);

export const familyHistory = cs([
  ['1', '无', 'None'], ['2', '高血压', 'Hypertension'], ['3', '糖尿病', 'Diabetes'], ['4', '冠心病', 'Coronary heart disease'],
  ['5', '慢性阻塞性肺疾病', 'COPD'], ['6', '恶性肿瘤', 'Malignant tumour'], ['7', '脑卒中', 'Stroke'],
  ['8', '严重精神障碍', 'Severe mental disorder'], ['9', '结核病', 'Tuberculosis'], ['10', '肝炎', 'Hepatitis'],
  ['11', '先天畸形', 'Congenital malformation'], ['12', '其他', 'Other'],
]);

export const noneOrHas = noneOrYes('无', '有', 'None', 'Present');

export const disabilities = cs([
  ['1', '无残疾', 'None'], ['2', '视力残疾', 'Visual'], ['3', '听力残疾', 'Hearing'], ['4', '言语残疾', 'Speech'],
  ['5', '肢体残疾', 'Physical'], ['6', '智力残疾', 'Intellectual'], ['7', '精神残疾', 'Psychiatric'], ['8', '其他残疾', 'Other'],
]);

export const kitchenExhaust = cs([['1', '无', 'None'], ['2', '油烟机', 'Range hood'], ['3', '换气扇', 'Exhaust fan'], ['4', '烟囱', 'Chimney']]);
export const fuelType = cs([['1', '液化气', 'LPG'], ['2', '煤', 'Coal'], ['3', '天然气', 'Natural gas'], ['4', '沼气', 'Biogas'], ['5', '柴火', 'Firewood'], ['6', '其他', 'Other']]);
export const drinkingWater = cs([['1', '自来水', 'Tap water'], ['2', '经净化过滤的水', 'Purified water'], ['3', '井水', 'Well water'], ['4', '河湖水', 'River or lake'], ['5', '塘水', 'Pond'], ['6', '其他', 'Other']]);
export const toiletType = cs([['1', '卫生厕所', 'Sanitary toilet'], ['2', '一格或二格粪池式', 'One- or two-chamber pit'], ['3', '马桶', 'Commode'], ['4', '露天粪坑', 'Open pit'], ['5', '简易棚厕', 'Simple shed latrine']]);
export const livestockPen = cs([['1', '无', 'None'], ['2', '单设', 'Separate'], ['3', '室内', 'Indoors'], ['4', '室外', 'Outdoors']]);

export const symptoms = cs([
  ['1', '无症状', 'No symptoms'], ['2', '头痛', 'Headache'], ['3', '头晕', 'Dizziness'], ['4', '心悸', 'Palpitations'],
  ['5', '胸闷', 'Chest tightness'], ['6', '胸痛', 'Chest pain'], ['7', '慢性咳嗽', 'Chronic cough'], ['8', '咳痰', 'Sputum'],
  ['9', '呼吸困难', 'Dyspnoea'], ['10', '多饮', 'Polydipsia'], ['11', '多尿', 'Polyuria'], ['12', '体重下降', 'Weight loss'],
  ['13', '乏力', 'Fatigue'], ['14', '关节肿痛', 'Joint swelling or pain'], ['15', '视力模糊', 'Blurred vision'],
  ['16', '手脚麻木', 'Numb hands or feet'], ['17', '尿急', 'Urinary urgency'], ['18', '尿痛', 'Dysuria'], ['19', '便秘', 'Constipation'],
  ['20', '腹泻', 'Diarrhoea'], ['21', '恶心呕吐', 'Nausea, vomiting'], ['22', '眼花', 'Dim vision'], ['23', '耳鸣', 'Tinnitus'],
  ['24', '乳房胀痛', 'Breast tenderness'], ['25', '其他', 'Other'],
]);

export const elderSelfHealth = cs([['1', '满意', 'Satisfied'], ['2', '基本满意', 'Mostly satisfied'], ['3', '说不清楚', 'Unsure'], ['4', '不太满意', 'Not very satisfied'], ['5', '不满意', 'Dissatisfied']]);
export const elderSelfCare = cs([['1', '可自理', 'Independent (0–3)'], ['2', '轻度依赖', 'Mildly dependent (4–8)'], ['3', '中度依赖', 'Moderately dependent (9–18)'], ['4', '不能自理', 'Dependent (≥ 19)']]);
export const screenResult = cs([['1', '粗筛阴性', 'Screen negative'], ['2', '粗筛阳性', 'Screen positive']]);

export const exerciseFrequency = cs([['1', '每天', 'Daily'], ['2', '每周一次以上', 'More than once a week'], ['3', '偶尔', 'Occasionally'], ['4', '不锻炼', 'Never']]);
export const dietHabits = cs([['1', '荤素均衡', 'Balanced'], ['2', '荤食为主', 'Mostly meat'], ['3', '素食为主', 'Mostly vegetarian'], ['4', '嗜盐', 'Salty'], ['5', '嗜油', 'Oily'], ['6', '嗜糖', 'Sweet']]);
export const smokingStatus = cs([['1', '从不吸烟', 'Never smoked'], ['2', '已戒烟', 'Quit'], ['3', '吸烟', 'Smokes']]);
export const drinkingFrequency = cs([['1', '从不', 'Never'], ['2', '偶尔', 'Occasionally'], ['3', '经常', 'Often'], ['4', '每天', 'Daily']]);
export const quitDrinking = cs([['1', '未戒酒', 'Not quit'], ['2', '已戒酒', 'Quit']]);
export const yesNo = cs([['1', '是', 'Yes'], ['2', '否', 'No']]);
export const alcoholTypes = cs([['1', '白酒', 'Spirits'], ['2', '啤酒', 'Beer'], ['3', '红酒', 'Wine'], ['4', '黄酒', 'Rice wine'], ['5', '其他', 'Other']]);

export const lips = cs([['1', '红润', 'Rosy'], ['2', '苍白', 'Pale'], ['3', '发绀', 'Cyanotic'], ['4', '皲裂', 'Chapped'], ['5', '疱疹', 'Herpes']]);
export const dentition = cs([['1', '正常', 'Normal'], ['2', '缺齿', 'Missing teeth'], ['3', '龋齿', 'Caries'], ['4', '义齿(假牙)', 'Dentures']]);
export const pharynx = cs([['1', '无充血', 'No congestion'], ['2', '充血', 'Congested'], ['3', '淋巴滤泡增生', 'Lymphoid follicle hyperplasia']]);
export const hearing = cs([['1', '听见', 'Hears'], ['2', '听不清或无法听见', 'Hears poorly or not at all']]);
export const motorFunction = cs([['1', '可顺利完成', 'Completes easily'], ['2', '无法独立完成其中任何一个动作', 'Cannot complete any movement alone']]);

export const normalAbnormal = cs([['1', '正常', 'Normal'], ['2', '异常', 'Abnormal']]);
export const negativePositive = cs([['1', '阴性', 'Negative'], ['2', '阳性', 'Positive']]);
export const notSeenAbnormal = cs([['1', '未见异常', 'No abnormality'], ['2', '异常', 'Abnormal']]);
export const skin = cs([['1', '正常', 'Normal'], ['2', '潮红', 'Flushed'], ['3', '苍白', 'Pale'], ['4', '发绀', 'Cyanotic'], ['5', '黄染', 'Jaundiced'], ['6', '色素沉着', 'Pigmented'], ['7', '其他', 'Other']]);
export const sclera = cs([['1', '正常', 'Normal'], ['2', '黄染', 'Icteric'], ['3', '充血', 'Congested'], ['4', '其他', 'Other']]);
export const lymphNodes = cs([['1', '未触及', 'Not palpable'], ['2', '锁骨上', 'Supraclavicular'], ['3', '腋窝', 'Axillary'], ['4', '其他', 'Other']]);
export const barrelChest = cs([['1', '否', 'No'], ['2', '是', 'Yes']]);
export const rales = cs([['1', '无', 'None'], ['2', '干罗音', 'Dry rales'], ['3', '湿罗音', 'Moist rales'], ['4', '其他', 'Other']]);
export const heartRhythm = cs([['1', '齐', 'Regular'], ['2', '不齐', 'Irregular'], ['3', '绝对不齐', 'Irregularly irregular']]);
export const legEdema = cs([['1', '无', 'None'], ['2', '单侧', 'Unilateral'], ['3', '双侧不对称', 'Bilateral asymmetric'], ['4', '双侧对称', 'Bilateral symmetric']]);
export const dorsalisPedisPulse = cs([['1', '未触及', 'Not palpable'], ['2', '触及双侧对称', 'Both sides, symmetric'], ['3', '触及左侧弱或消失', 'Left weak or absent'], ['4', '触及右侧弱或消失', 'Right weak or absent']]);
export const digitalRectal = cs([['1', '未及异常', 'No abnormality'], ['2', '触痛', 'Tenderness'], ['3', '包块', 'Mass'], ['4', '前列腺异常', 'Prostate abnormality'], ['5', '其他', 'Other']]);
export const breast = cs([['1', '未见异常', 'No abnormality'], ['2', '乳房切除', 'Mastectomy'], ['3', '异常泌乳', 'Abnormal lactation'], ['4', '乳腺包块', 'Breast mass'], ['5', '其他', 'Other']]);

/** Urine dipstick grades. */
export const dipstick = cs([['-', '−', 'Negative'], ['+-', '±', 'Trace'], ['1+', '+', '1+'], ['2+', '++', '2+'], ['3+', '+++', '3+'], ['4+', '++++', '4+']]);

export const existingProblems = {
  cerebrovascular: cs([['1', '未发现', 'None found'], ['2', '缺血性卒中', 'Ischaemic stroke'], ['3', '脑出血', 'Cerebral haemorrhage'], ['4', '蛛网膜下腔出血', 'Subarachnoid haemorrhage'], ['5', '短暂性脑缺血发作', 'TIA'], ['6', '其他', 'Other']]),
  renal: cs([['1', '未发现', 'None found'], ['2', '糖尿病肾病', 'Diabetic nephropathy'], ['3', '肾功能衰竭', 'Renal failure'], ['4', '急性肾炎', 'Acute nephritis'], ['5', '慢性肾炎', 'Chronic nephritis'], ['6', '其他', 'Other']]),
  cardiac: cs([['1', '未发现', 'None found'], ['2', '心肌梗死', 'Myocardial infarction'], ['3', '心绞痛', 'Angina'], ['4', '冠状动脉血运重建', 'Coronary revascularisation'], ['5', '充血性心力衰竭', 'Congestive heart failure'], ['6', '心前区疼痛', 'Precordial pain'], ['7', '其他', 'Other']]),
  vascular: cs([['1', '未发现', 'None found'], ['2', '夹层动脉瘤', 'Dissecting aneurysm'], ['3', '动脉闭塞性疾病', 'Arterial occlusive disease'], ['4', '其他', 'Other']]),
  eye: cs([['1', '未发现', 'None found'], ['2', '视网膜出血或渗出', 'Retinal haemorrhage or exudate'], ['3', '视乳头水肿', 'Papilloedema'], ['4', '白内障', 'Cataract'], ['5', '其他', 'Other']]),
  neurological: cs([['1', '未发现', 'None found'], ['2', '有', 'Present']]),
  otherSystem: cs([['1', '未发现', 'None found'], ['2', '有', 'Present']]),
} as const;

export const adherence = cs([['1', '规律', 'Regular'], ['2', '间断', 'Intermittent'], ['3', '不服药', 'Not taking']]);
export const assessment = cs([['1', '体检无异常', 'No abnormality'], ['2', '有异常', 'Abnormal findings']]);
export const guidance = cs([['1', '纳入慢性病患者健康管理', 'Enrol in chronic disease management'], ['2', '建议复查', 'Recheck advised'], ['3', '建议转诊', 'Referral advised']]);
export const riskControl = cs([
  ['1', '戒烟', 'Quit smoking'], ['2', '健康饮酒', 'Drink sensibly'], ['3', '饮食', 'Diet'], ['4', '锻炼', 'Exercise'],
  ['5', '减体重', 'Lose weight'], ['6', '建议接种疫苗', 'Vaccination advised'], ['7', '其他', 'Other'],
]);

/** The code list of a set, as a non-empty tuple for `z.enum`. */
export function codesOf<C extends string>(set: CodeSet<C>): [C, ...C[]] {
  const codes = set.map((c) => c.code);
  if (codes.length === 0) throw new RangeError('Empty code set');
  return codes as [C, ...C[]];
}

export function labelOf(set: readonly CodeItem[], code: string, lang: 'zh' | 'en' = 'zh'): string | undefined {
  return set.find((c) => c.code === code)?.[lang];
}

/**
 * records.md §2: "1 无" (or 未发现, 无症状, 未见异常 — always code 1) is exclusive with every other value in a
 * multi-select. True when the selection is consistent.
 */
export function exclusiveNone(values: readonly string[], noneCode = '1'): boolean {
  return !values.includes(noneCode) || values.length === 1;
}
