/**
 * 老年人中医药健康管理服务记录表 on paper (tcm.md), as the Spec prints it: the 33 questions with the answer ticked in
 * its column (the items with their own anchors print them), then per constitution type the score and 是/倾向是
 * (平和质: 是/基本是) ticked, the 中医药保健指导 ticked per type, the date and the doctor.
 */
import i18next from 'i18next';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { TcmAssessmentView } from '../../../shared/api/screening';
import {
  BIASED_TYPES,
  GUIDANCE_CODES,
  GUIDANCE_NAMES_ZH,
  TCM_ITEMS,
  TCM_SCALE_ZH,
  TYPE_NAMES_ZH,
  type ConstitutionType,
  type TcmResult,
} from '../../../shared/domain/tcm';
import './tcm-print.css';

const TICK = '√';
const BOX = '□';
/** The form's column order: the eight biased types, 平和质 last. */
const PRINT_TYPES: readonly ConstitutionType[] = [...BIASED_TYPES, 'pingHe'];

export function TcmPrint({ view, resident }: { view: TcmAssessmentView; resident: ResidentDetail }) {
  // Paper is always in Chinese, whatever the screen's language.
  const t = i18next.getFixedT('zh-CN');
  const r = resident.resident;
  const scoreOf = (type: ConstitutionType) => view.scores.find((s) => s.type === type);
  const mark = (on: boolean) => (on ? TICK : BOX);
  return (
    <div className="print-tcm-sheet">
      <h1>{t('screening.tcm.title')}</h1>
      <div className="print-tcm-head">
        <span>
          {t('screening.tcm.sheet.name')}：{r.name}
        </span>
        <span>
          {t('screening.tcm.sheet.recordNo')}：{r.recordNo}
        </span>
      </div>
      <table className="print-tcm-items">
        <thead>
          <tr>
            <th>{t('screening.tcm.sheet.question')}</th>
            {TCM_SCALE_ZH.map((s) => (
              <th key={s}>{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {TCM_ITEMS.map((item, i) => (
            <tr key={item.no}>
              <td>
                （{item.no}）{item.zh}
                {item.noteZh ? `（${item.noteZh}）` : ''}
              </td>
              {[1, 2, 3, 4, 5].map((v) => {
                const chosen = view.form.answers[i] === v;
                return (
                  <td key={v} className={chosen ? 'print-tcm-chosen' : undefined} data-chosen={chosen || undefined}>
                    {chosen ? `${TICK} ` : ''}
                    {item.anchorsZh ? `${v}（${item.anchorsZh[v - 1] ?? ''}）` : v}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <table className="print-tcm-result">
        <thead>
          <tr>
            <th>{t('screening.tcm.sheet.type')}</th>
            {PRINT_TYPES.map((type) => (
              <th key={type}>{TYPE_NAMES_ZH[type]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>{t('screening.tcm.sheet.identify')}</th>
            {PRINT_TYPES.map((type) => {
              const s = scoreOf(type);
              const second: TcmResult = type === 'pingHe' ? 'basically' : 'tendency';
              return (
                <td key={type} data-type={type}>
                  <div>{t('screening.tcm.sheet.score', { sum: s?.sum ?? '' })}</div>
                  <div>
                    {mark(s?.result === 'yes')}
                    {t('screening.tcm.resultName.yes')}
                  </div>
                  <div>
                    {mark(s?.result === second)}
                    {t(`screening.tcm.resultName.${second}`)}
                  </div>
                </td>
              );
            })}
          </tr>
          <tr>
            <th>{t('screening.tcm.guidance')}</th>
            {PRINT_TYPES.map((type) => {
              const chosen = view.form.guidance[type] ?? [];
              return (
                <td key={type}>
                  {GUIDANCE_CODES.map((code) => (
                    <div key={code}>
                      {mark(chosen.includes(code))}
                      {code}.{GUIDANCE_NAMES_ZH[code]}
                    </div>
                  ))}
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
      {view.form.guidanceOther ? (
        <p>
          {t('screening.tcm.sheet.other')}：{view.form.guidanceOther}
        </p>
      ) : null}
      <div className="print-tcm-foot">
        <span>
          {t('screening.tcm.sheet.date')}：{view.date}
        </span>
        <span>
          {t('screening.tcm.doctor')}：{view.form.doctorSignature}
        </span>
      </div>
    </div>
  );
}
