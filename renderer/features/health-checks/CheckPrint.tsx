import i18next from 'i18next';
import type { HealthCheckView, ResidentDetail } from '../../../shared/api/residents';
import * as cs from '../../../shared/domain/code-sets';
import { SELF_CARE_ITEMS } from '../../../shared/domain/self-care';
import { deviceSourceLines } from '../devices/device-source-text';
import { codeLabel } from '../residents/code-options';
import { BLOCKS } from './check-fields';
import { valueAt } from './check-form-values';
import { formatValue } from './format-value';

/** A completed 健康体检表 on paper: every item of the form in order, blank where nothing was recorded. */
export function CheckPrint({ view, resident }: { view: HealthCheckView; resident: ResidentDetail }) {
  // Paper is always in Chinese, whatever the screen's language.
  const t = i18next.getFixedT('zh-CN');
  const r = resident.resident;
  const d = view.data;
  const isFemale = r.sex === '2';
  const selfCare = d.selfCare;
  return (
    <div className="print-check-sheet">
      <h1>{t('health-checks.print.title')}</h1>
      <table>
        <tbody>
          <tr>
            <th>{t('residents.field.name')}</th>
            <td>{r.name}</td>
            <th>{t('residents.field.recordNo')}</th>
            <td>{r.recordNo}</td>
          </tr>
          <tr>
            <th>{t('health-checks.field.checkDate')}</th>
            <td>{view.checkDate}</td>
            <th>{t('health-checks.field.responsibleDoctor')}</th>
            <td>{d.responsibleDoctor ?? ''}</td>
          </tr>
          <tr>
            <th>{t('health-checks.form.ageLabel')}</th>
            <td>{view.computed.ageAtCheck}</td>
            <th>{t('health-checks.form.bmi')}</th>
            <td>{view.computed.bmi ?? ''}</td>
          </tr>
        </tbody>
      </table>
      {BLOCKS.map((block) => (
        <section key={block.key}>
          <h2>{t(`health-checks.block.${block.key}`)}</h2>
          <table>
            <tbody>
              {block.fields
                .filter((f) => !f.femaleOnly || isFemale)
                .map((f) => (
                  <tr key={f.path}>
                    <th>{t(`health-checks.field.${f.path}`)}</th>
                    <td>{formatValue(f, valueAt(d, f.path), 'zh')}</td>
                  </tr>
                ))}
              {block.key === 'general' && selfCare && (
                <tr>
                  <th>{t('health-checks.block.selfCare')}</th>
                  <td>
                    {SELF_CARE_ITEMS.map((item) => `${t(`health-checks.selfCare.item.${item}`)} ${selfCare[item]}`).join('，')}
                    {view.computed.selfCareTotal !== undefined &&
                      ` — ${t('health-checks.selfCare.total', {
                        total: view.computed.selfCareTotal,
                        band: codeLabel(cs.elderSelfCare, String(view.computed.elderSelfCare ?? ''), 'zh'),
                      })}`}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
      ))}
      {(d.medications ?? []).length > 0 && (
        <section>
          <h2>{t('health-checks.block.medications')}</h2>
          <table>
            <tbody>
              {(d.medications ?? []).map((m, i) => (
                <tr key={i}>
                  <th>{m.drugName}</th>
                  <td>{[m.route, m.dose, m.duration, m.adherence ? codeLabel(cs.adherence, m.adherence, 'zh') : ''].filter(Boolean).join(' / ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {d.deviceSources && <p className="print-footer">{t('devices.offer.sourcesTitle')}：{deviceSourceLines(t, d.deviceSources).join('；')}。{t('devices.offer.typedNote')}</p>}
      {view.amendedBy.length > 0 && <p className="print-footer">{t('health-checks.form.amendedTag', { reason: view.amendReason })}</p>}
    </div>
  );
}
