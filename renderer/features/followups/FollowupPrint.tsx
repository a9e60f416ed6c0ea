import i18next from 'i18next';
import type { Disease, FollowupView } from '../../../shared/api/followups';
import type { ResidentDetail } from '../../../shared/api/residents';
import { printRows, VISITS_PER_SHEET } from './followup-print';

/**
 * 高血压患者随访服务记录表 / 2型糖尿病患者随访服务记录表: up to four visits side by side, as the paper form is kept
 * (followup-print.ts). The drawn 居民（家属）签名 prints as drawn.
 */
export function FollowupPrint({ disease, views, resident }: { disease: Disease; views: FollowupView[]; resident: ResidentDetail }) {
  // Paper is always in Chinese, whatever the screen's language.
  const t = i18next.getFixedT('zh-CN');
  const rows = printRows((key, params) => t(key, params ?? {}), disease, views);
  const blanks = Array.from({ length: Math.max(0, VISITS_PER_SHEET - views.length) }, (_v, i) => i);
  const groupSpan = (i: number) => {
    const g = rows[i]?.group;
    if (!g || rows[i - 1]?.group === g) return 0;
    let n = 1;
    while (rows[i + n]?.group === g) n += 1;
    return n;
  };
  const amended = views.filter((v) => v.amendedBy.length > 0);
  return (
    <div className="print-followup-sheet" data-testid="followup-print">
      <h1>{t(`followups.formTitle.${disease}`)}</h1>
      <p className="print-header">
        <span>
          {t('followups.print.name')}：{resident.resident.name}
        </span>
        <span className="print-record-no-inline">
          {t('followups.print.recordNo')}：{resident.resident.recordNo}
        </span>
      </p>
      <table className="print-visits">
        <colgroup>
          <col className="print-col-group" />
          <col className="print-col-item" />
          {Array.from({ length: VISITS_PER_SHEET }, (_v, i) => (
            <col key={i} />
          ))}
        </colgroup>
        <tbody>
          {rows.map((r, i) => {
            const span = groupSpan(i);
            return (
              <tr key={`${r.group ?? ''}-${r.label}`}>
                {r.group ? (span > 0 ? <th rowSpan={span} className="print-group">{r.group}</th> : null) : null}
                <th colSpan={r.group ? 1 : 2}>{r.label}</th>
                {r.cells.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
                {blanks.map((b) => (
                  <td key={`blank-${b}`} />
                ))}
              </tr>
            );
          })}
          <tr>
            <th colSpan={2}>{t('followups.form.residentSignature')}</th>
            {views.map((v) => (
              <td key={v.id}>{v.followup.form.residentSignatureImage ? <img src={v.followup.form.residentSignatureImage} alt={t('followups.form.residentSignature')} className="print-signature" /> : (v.followup.form.residentSignature ?? '')}</td>
            ))}
            {blanks.map((b) => (
              <td key={`blank-${b}`} />
            ))}
          </tr>
          <tr>
            <th colSpan={2}>{t('followups.form.remark')}</th>
            {views.map((v) => (
              <td key={v.id}>{v.followup.form.remark ?? ''}</td>
            ))}
            {blanks.map((b) => (
              <td key={`blank-${b}`} />
            ))}
          </tr>
        </tbody>
      </table>
      {amended.map((v) => (
        <p key={v.id} className="print-footer">
          {v.visitDate}：{t('followups.print.amended', { reason: v.amendReason ?? '' })}
        </p>
      ))}
    </div>
  );
}
